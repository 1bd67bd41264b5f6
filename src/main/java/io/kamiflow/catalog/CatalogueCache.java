package io.kamiflow.catalog;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * What the storefront's pages show of the catalogue, read once per node and shared (issue 23: a flash sale's readers
 * must not query products, categories, tiers and images on every page): the visible products in the shop's order,
 * the categories, every product's image and the logo, the visible products' tiers. This node's changes drop the copy
 * once they commit ({@link CatalogueVersion}), so the owner sees them at once; another node's show within the TTL
 * (kamiflow.storefront.catalogue-ttl, 2 s by default). Checkout and the admin read the database, never this.
 */
@Service
public class CatalogueCache {

    /**
     * One consistent-enough copy; {@code logo} null without one. {@code rendered} keeps the Markdown its pages render
     * for as long as the copy lives (the catalogue's cards render every description on every page otherwise).
     */
    public record Snapshot(List<Product> active, List<Category> categories, Map<String, ShopImages.ImageRef> imagesBySku,
                           ShopImages.ImageRef logo, Map<Long, List<PriceTiers.Tier>> tiers, Map<String, Product> bySku,
                           Map<Long, Product> byId, Map<String, String> rendered) {

        /** {@link Markdown#html} of a text this copy's products carry, rendered once per copy. */
        public String html(String markdown) {
            return markdown == null ? Markdown.html(null) : rendered.computeIfAbsent("h" + markdown, key -> Markdown.html(markdown));
        }

        /** {@link Markdown#summary}, likewise (null stays null). */
        public String summary(String markdown, int max) {
            if (markdown == null) {
                return Markdown.summary(null, max);
            }
            String summary = rendered.computeIfAbsent("s" + max + ":" + markdown, key -> {
                String text = Markdown.summary(markdown, max);
                return text == null ? "\0" : text; // a map holds no null
            });
            return "\0".equals(summary) ? null : summary;
        }

        /** A visible product by its sku. */
        public Optional<Product> activeBySku(String sku) {
            return Optional.ofNullable(bySku.get(sku));
        }

        /** A visible product by its id: a hidden one is not here (its order page reads it from the database). */
        public Optional<Product> active(long id) {
            return Optional.ofNullable(byId.get(id));
        }

        /** The tiers of a visible product in its currency, by quantity (as {@link PriceTiers#of}). */
        public List<PriceTiers.Tier> tiers(Product product) {
            return tiers.getOrDefault(product.id(), List.of()).stream()
                    .filter(t -> t.unitPrice().currency().equals(product.price().currency())).toList();
        }
    }

    private record Copy(Snapshot snapshot, long generation, long loadedAt) {
    }

    private final ProductRepository products;
    private final CategoryRepository categories;
    private final ShopImages images;
    private final PriceTiers priceTiers;
    private final CatalogueVersion version;
    private volatile long ttlNanos;
    private volatile Copy copy;

    CatalogueCache(ProductRepository products, CategoryRepository categories, ShopImages images, PriceTiers priceTiers,
                   CatalogueVersion version, @Value("${kamiflow.storefront.catalogue-ttl:2s}") Duration ttl) {
        this.products = products;
        this.categories = categories;
        this.images = images;
        this.priceTiers = priceTiers;
        this.version = version;
        this.ttlNanos = ttl.toNanos();
    }

    /**
     * Changes how long a copy is kept (kamiflow.storefront.catalogue-ttl), at run time: the tests' profile keeps nothing and
     * StorefrontCacheTest sets the production time for its own tests, in the one Spring context all tests share.
     */
    public void setTtl(Duration ttl) {
        this.ttlNanos = ttl.toNanos();
    }

    /** The catalogue as of at most the TTL ago, and as of this node's last change of it. */
    public Snapshot current() {
        long generation = version.generation();
        long now = System.nanoTime();
        Copy held = copy;
        if (held != null && held.generation() == generation && now - held.loadedAt() < ttlNanos) {
            return held.snapshot();
        }
        // the generation and time are taken before reading: a change meanwhile makes this copy old at once
        Snapshot loaded = load();
        copy = new Copy(loaded, generation, now);
        return loaded;
    }

    private Snapshot load() {
        List<Product> active = List.copyOf(products.findActive());
        return new Snapshot(active, List.copyOf(categories.findAll()), Map.copyOf(images.productImagesBySku()),
                images.logo().orElse(null), priceTiers.all(),
                active.stream().collect(Collectors.toUnmodifiableMap(Product::sku, Function.identity())),
                active.stream().collect(Collectors.toUnmodifiableMap(Product::id, Function.identity())),
                new java.util.concurrent.ConcurrentHashMap<>());
    }
}
