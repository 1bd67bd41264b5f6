package io.kamiflow.catalog;

import java.util.List;

import io.kamiflow.web.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Create, read and change products. The list with stock counts is inventory's (it counts the keys). */
@RestController
class AdminProductController {

    record ProductCreated(String sku, String name, String price, String currency, int lowStockThreshold, boolean active,
                          String nameZh, String descriptionEn, String descriptionZh, String usageNotesEn,
                          String usageNotesZh, int minQuantity, int maxQuantity, String category, String listPrice,
                          StockDisplay stockDisplay, List<TierView> tiers) {
    }

    /** One wholesale tier: from {@code minQuantity} keys on, each costs {@code unitPrice} (the product's currency). */
    record TierView(int minQuantity, String unitPrice) {
        static List<TierView> of(List<PriceTiers.Tier> tiers) {
            return tiers.stream().map(t -> new TierView(t.minQuantity(), t.unitPrice().amount())).toList();
        }
    }

    /**
     * One product as stored; {@code version} is also its ETag; the optional texts are null when there are none, so is
     * {@code imageUrl} without an image (set with PUT /api/admin/products/{sku}/image).
     */
    record ProductView(String sku, String name, String price, String currency, int lowStockThreshold, boolean active,
                       long version, String nameZh, String descriptionEn, String descriptionZh, String usageNotesEn,
                       String usageNotesZh, int minQuantity, int maxQuantity, String category, String imageUrl,
                       String listPrice, StockDisplay stockDisplay, List<TierView> tiers,
                       String kind, List<InputField> inputFields) {
        static ProductView of(Product p, String imageUrl, List<PriceTiers.Tier> tiers) {
            return new ProductView(p.sku(), p.name(), p.price().amount(), p.price().currency(), p.lowStockThreshold(),
                    p.active(), p.version(), p.nameZh(), p.descriptionEn(), p.descriptionZh(), p.usageNotesEn(),
                    p.usageNotesZh(), p.minQuantity(), p.maxQuantity(), p.category(), imageUrl,
                    AdminProductController.listPrice(p), p.stockDisplay(), TierView.of(tiers), p.kind(), p.inputFields());
        }
    }

    private final ProductRepository products;
    private final ProductChanges changes;
    private final ShopImages images;
    private final PriceTiers tiers;
    private final ProductKinds kinds;

    AdminProductController(ProductRepository products, ProductChanges changes, ShopImages images, PriceTiers tiers,
                           ProductKinds kinds) {
        this.tiers = tiers;
        this.products = products;
        this.changes = changes;
        this.images = images;
        this.kinds = kinds;
    }

    @PutMapping("/api/admin/products/{sku}/kind")
    @Operation(summary = "Who fulfils the product: KEYS (from stock) or BY_HAND (a support agent, Fulfil by hand task), "
            + "and the fields a buyer of a BY_HAND product fills in at checkout (key, labelEn, labelZh, required, pattern: "
            + "a Java regex of at most 200 characters, maxLength up to 1000; at most 10 fields)",
            responses = {
                    @ApiResponse(responseCode = "200", description = "the product as stored now, its new ETag in the header"),
                    @ApiResponse(responseCode = "400", description = "a kind or field definition is invalid; the detail names it"),
                    @ApiResponse(responseCode = "404", description = "no product with this sku")})
    ResponseEntity<ProductView> kind(@PathVariable String sku, @RequestBody ProductKinds.KindChange request) {
        return answer(kinds.change(sku, request));
    }

    @PostMapping("/api/admin/products")
    @ResponseStatus(HttpStatus.CREATED)
    ProductCreated create(@Valid @RequestBody ProductChanges.NewProduct request) {
        Product product = changes.create(request);
        return new ProductCreated(product.sku(), product.name(), product.price().amount(), product.price().currency(),
                product.lowStockThreshold(), product.active(), product.nameZh(), product.descriptionEn(),
                product.descriptionZh(), product.usageNotesEn(), product.usageNotesZh(), product.minQuantity(),
                product.maxQuantity(), product.category(), listPrice(product), product.stockDisplay(),
                TierView.of(tiers.of(product)));
    }

    private static String listPrice(Product product) {
        return product.listPrice() == null ? null : product.listPrice().amount();
    }

    @GetMapping("/api/admin/products/{sku}")
    @Operation(summary = "One product, hidden or not; its ETag is what a PUT sends back as If-Match")
    ResponseEntity<ProductView> get(@PathVariable String sku) {
        return answer(products.findBySku(sku).orElseThrow(() -> Problems.notFound("no product with sku '" + sku + "'")));
    }

    @PutMapping("/api/admin/products/{sku}")
    @Operation(summary = "Change name, price and currency, low-stock threshold, active (hide/show); orders keep their amount. "
            + "The optional fields (nameZh, descriptionEn/Zh, usageNotesEn/Zh, minQuantity, maxQuantity, category, listPrice, stockDisplay) stay as stored when left out, an empty one removes it. "
            + "listPrice is struck through next to the price in the shop: a decimal in the price's currency, above the price. "
            + "stockDisplay EXACT shows the count of keys left, IN_STOCK only that there are some. "
            + "tiers: [{minQuantity, unitPrice}] wholesale prices",
            responses = {
                    @ApiResponse(responseCode = "200", description = "the product as stored now, its new ETag in the header"),
                    @ApiResponse(responseCode = "400", description = "a field is missing or invalid; the detail names it"),
                    @ApiResponse(responseCode = "404", description = "no product with this sku"),
                    @ApiResponse(responseCode = "412", description = "the product changed since it was read; the header has its ETag now"),
                    @ApiResponse(responseCode = "428", description = "If-Match is missing")})
    ResponseEntity<ProductView> update(@PathVariable String sku, @RequestHeader(name = "If-Match", required = false) String ifMatch,
                                       @Valid @RequestBody ProductChanges.ProductEdit request) {
        if (request.sku() != null && !request.sku().equals(sku)) {
            throw Problems.badRequest("sku cannot be changed (the body names '" + request.sku() + "', the path '" + sku + "')");
        }
        if (ifMatch == null || ifMatch.isBlank()) {
            throw Problems.of(HttpStatus.PRECONDITION_REQUIRED, "send If-Match with the ETag of the product as you read it "
                    + "(GET /api/admin/products/" + sku + "), or If-Match: * to overwrite whatever is stored");
        }
        return answer(changes.change(sku, IfMatch.of(ifMatch), request));
    }

    private ResponseEntity<ProductView> answer(Product product) {
        String imageUrl = images.productImage(product).map(ShopImages.ImageRef::url).orElse(null);
        return ResponseEntity.ok().eTag(IfMatch.etag(product.version())).body(ProductView.of(product, imageUrl, tiers.of(product)));
    }
}
