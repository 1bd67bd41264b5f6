package io.kamiflow.inventory;

import io.kamiflow.catalog.Product;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.web.Problems;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
class AdminKeyController {

    /** Bounds one request: 10,000 keys of typical length fit with room to spare. */
    static final int MAX_IMPORT_CHARS = 8 * 1024 * 1024;

    record GenerateKeys(@NotNull @Min(1) @Max(10_000) Integer count,
                        @Pattern(regexp = "[A-Z0-9]{1,16}", message = "must be 1-16 upper-case letters or digits") String prefix) {
    }

    record Generated(int generated) {
    }

    record StockView(long available, long reserved, long sold, @com.fasterxml.jackson.annotation.JsonProperty("void") long voided) {
    }

    private final ProductRepository products;
    private final KeyImportService imports;
    private final StockService stock;

    AdminKeyController(ProductRepository products, KeyImportService imports, StockService stock) {
        this.products = products;
        this.imports = imports;
        this.stock = stock;
    }

    @PostMapping(path = "/api/admin/products/{sku}/keys", consumes = MediaType.TEXT_PLAIN_VALUE)
    KeyImportService.ImportResult importKeys(@PathVariable String sku, @RequestBody(required = false) String body) {
        Product product = product(sku);
        if (body == null || body.isBlank()) {
            throw Problems.badRequest("the body must hold the keys as text/plain, one key per line");
        }
        if (body.length() > MAX_IMPORT_CHARS) {
            throw Problems.badRequest("import at most " + MAX_IMPORT_CHARS + " characters per request; split the file");
        }
        return imports.importKeys(product, body);
    }

    @PostMapping("/api/admin/products/{sku}/keys/generate")
    Generated generate(@PathVariable String sku, @Valid @RequestBody GenerateKeys request) {
        return new Generated(imports.generate(product(sku), request.count(), request.prefix()));
    }

    @GetMapping("/api/admin/products/{sku}/stock")
    StockView stock(@PathVariable String sku) {
        StockService.Stock s = stock.stock(product(sku).id());
        return new StockView(s.available(), s.reserved(), s.sold(), s.voided());
    }

    private Product product(String sku) {
        return products.findBySku(sku).orElseThrow(() -> Problems.notFound("no product with sku '" + sku + "'"));
    }
}
