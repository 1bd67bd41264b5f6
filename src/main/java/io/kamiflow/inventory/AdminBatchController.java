package io.kamiflow.inventory;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kamiflow.catalog.Product;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.web.Problems;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** A product's key batches over the admin API: the back office's batch table and its void action, nothing more. */
@RestController
class AdminBatchController {

    record BatchView(String id, Instant importedAt, long available, long reserved, long sold,
                     @JsonProperty("void") long voided) {
    }

    record Voided(int voided) {
    }

    private final ProductRepository products;
    private final KeyBatches batches;

    AdminBatchController(ProductRepository products, KeyBatches batches) {
        this.products = products;
        this.batches = batches;
    }

    @GetMapping("/api/admin/products/{sku}/batches")
    @Operation(summary = "The product's key batches (one per import or generation), newest first, at most "
            + KeyBatches.MAX_LISTED + ": id, importedAt (UTC), and the keys available, reserved, sold and void")
    List<BatchView> list(@PathVariable String sku) {
        return batches.of(product(sku).id()).stream().map(b -> new BatchView(b.id(), b.importedAt().toInstant(),
                b.available(), b.reserved(), b.sold(), b.voided())).toList();
    }

    @PostMapping("/api/admin/products/{sku}/batches/{id}/void")
    @Operation(summary = "Voids the batch's unsold (available) keys and answers how many; reserved, sold and revealed "
            + "keys are never touched, and a checkout reserving keys at the same moment keeps them. Audited. "
            + "404 for a batch the product does not have")
    Voided voidUnsold(@PathVariable String sku, @PathVariable String id) {
        Product product = product(sku);
        if (!batches.has(product.id(), id)) {
            throw Problems.notFound("product '" + sku + "' has no key batch '" + id + "'");
        }
        return new Voided(batches.voidUnsold(product, id));
    }

    private Product product(String sku) {
        return products.findBySku(sku).orElseThrow(() -> Problems.notFound("no product with sku '" + sku + "'"));
    }
}
