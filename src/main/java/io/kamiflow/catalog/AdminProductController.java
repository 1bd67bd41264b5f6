package io.kamiflow.catalog;

import io.kamiflow.ops.AuditLog;
import io.kamiflow.web.Problems;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class AdminProductController {

    record CreateProduct(
            @NotBlank @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}", message = "must be 1-64 letters, digits, '.', '_' or '-'") String sku,
            @NotBlank @Size(max = 200) String name,
            @NotBlank String price,
            @NotBlank String currency,
            @PositiveOrZero Integer lowStockThreshold) {
    }

    record ProductCreated(String sku, String name, String price, String currency, int lowStockThreshold, boolean active) {
    }

    private final ProductRepository products;
    private final AuditLog audit;

    AdminProductController(ProductRepository products, AuditLog audit) {
        this.products = products;
        this.audit = audit;
    }

    @PostMapping("/api/admin/products")
    @ResponseStatus(HttpStatus.CREATED)
    @Transactional
    ProductCreated create(@Valid @RequestBody CreateProduct request) {
        Money price;
        try {
            price = Money.parse(request.price(), request.currency());
        } catch (IllegalArgumentException e) {
            throw Problems.badRequest("price: " + e.getMessage());
        }
        if (price.minor() <= 0) {
            throw Problems.badRequest("price must be greater than zero");
        }
        int threshold = request.lowStockThreshold() == null ? 0 : request.lowStockThreshold();
        Product product = products.insert(request.sku(), request.name().strip(), price, threshold)
                .orElseThrow(() -> Problems.conflict("a product with sku '" + request.sku() + "' already exists"));
        audit.record("product.create", product.sku(), "price " + price.amount() + " " + price.currency());
        return new ProductCreated(product.sku(), product.name(), product.price().amount(), product.price().currency(),
                product.lowStockThreshold(), product.active());
    }
}
