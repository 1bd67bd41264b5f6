package io.kamiflow.catalog;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.kamiflow.ops.AuditLog;
import io.kamiflow.web.Problems;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.util.UriUtils;

/**
 * Product images and the shop's logo: checked by {@link ImageCheck}, stored in PostgreSQL ({@link StoredImages}) so
 * every node serves them, each change audited under the user. Their URLs carry the image's version ({@code ?v=}), so a
 * page always links to the image it was rendered with and the image itself may be cached for good.
 */
@Service
public class ShopImages {

    public static final String PRODUCT_PATH = "/images/products/";
    public static final String LOGO_PATH = "/images/shop/logo";

    /** An image as pages and the API show it. */
    public record ImageRef(String url, String contentType, int size, int width, int height, String sha256,
                           OffsetDateTime updatedAt) {
        static ImageRef of(String path, StoredImages.Meta meta) {
            return new ImageRef(path + "?v=" + meta.version(), meta.contentType(), meta.size(), meta.width(), meta.height(),
                    meta.sha256(), meta.updatedAt() == null ? null : meta.updatedAt().withOffsetSameInstant(ZoneOffset.UTC));
        }
    }

    private final StoredImages images;
    private final ProductRepository products;
    private final ImageSettings settings;
    private final AuditLog audit;

    ShopImages(StoredImages images, ProductRepository products, ImageSettings settings, AuditLog audit) {
        this.images = images;
        this.products = products;
        this.settings = settings;
        this.audit = audit;
    }

    public long maxBytes() {
        return settings.getMaxSize().toBytes();
    }

    public static String productPath(String sku) {
        return PRODUCT_PATH + UriUtils.encodePathSegment(sku, java.nio.charset.StandardCharsets.UTF_8);
    }

    public Optional<ImageRef> productImage(Product product) {
        return images.meta(StoredImages.productSlot(product.id())).map(meta -> ImageRef.of(productPath(product.sku()), meta));
    }

    /** Every product's image by sku (hidden products' too: the back office lists them). */
    public Map<String, ImageRef> productImagesBySku() {
        return images.bySku().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> ImageRef.of(productPath(e.getKey()), e.getValue())));
    }

    public Optional<ImageRef> logo() {
        return images.meta(StoredImages.LOGO).map(meta -> ImageRef.of(LOGO_PATH, meta));
    }

    /** The image of a product buyers may see, without its bytes: none for a hidden product. */
    public Optional<StoredImages.Meta> publicProductImage(String sku) {
        return images.activeProductMeta(sku);
    }

    /** A product's image whether the product is hidden or not: the back office shows it either way. */
    public Optional<StoredImages.Content> anyProductImage(String sku) {
        return products.findBySku(sku).flatMap(product -> images.content(StoredImages.productSlot(product.id())));
    }

    public Optional<StoredImages.Meta> logoMeta() {
        return images.meta(StoredImages.LOGO);
    }

    /** The bytes of an image found by one of the above (empty if removed since). */
    public Optional<StoredImages.Content> content(StoredImages.Meta meta) {
        return images.content(meta.slot());
    }

    @Transactional
    public ImageRef setProductImage(String sku, byte[] bytes) throws ImageCheck.Refused {
        Product product = find(sku);
        ImageCheck.Checked checked = ImageCheck.check(bytes, maxBytes());
        String hash = sha256(bytes);
        images.put(StoredImages.productSlot(product.id()), product.id(), bytes, checked, hash);
        audit.record("product.image.set", sku, describe(checked, bytes.length, hash));
        return productImage(product).orElseThrow();
    }

    /** @return false when the product had no image (nothing changed, nothing audited) */
    @Transactional
    public boolean removeProductImage(String sku) {
        Product product = find(sku);
        boolean removed = images.delete(StoredImages.productSlot(product.id()));
        if (removed) {
            audit.record("product.image.remove", sku, null);
        }
        return removed;
    }

    @Transactional
    public ImageRef setLogo(byte[] bytes) throws ImageCheck.Refused {
        ImageCheck.Checked checked = ImageCheck.check(bytes, maxBytes());
        String hash = sha256(bytes);
        images.put(StoredImages.LOGO, null, bytes, checked, hash);
        audit.record("shop.logo.set", "shop", describe(checked, bytes.length, hash));
        return logo().orElseThrow();
    }

    @Transactional
    public boolean removeLogo() {
        boolean removed = images.delete(StoredImages.LOGO);
        if (removed) {
            audit.record("shop.logo.remove", "shop", null);
        }
        return removed;
    }

    private Product find(String sku) {
        return products.findBySku(sku).orElseThrow(() -> Problems.notFound("no product with sku '" + sku + "'"));
    }

    private static String describe(ImageCheck.Checked image, int size, String hash) {
        return image.contentType() + ", " + size + " bytes, " + image.width() + "x" + image.height() + ", sha256 " + hash;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
