package io.kamiflow.storefront;

import io.kamiflow.catalog.ProductRepository;

import java.util.List;

import io.kamiflow.inventory.StockService;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The buyer's catalogue: what is for sale and how many keys are ready to deliver. */
@RestController
class ProductController {

    record ProductView(String sku, String name, String price, String currency, long available) {
    }

    private final ProductRepository products;
    private final StockService stock;

    ProductController(ProductRepository products, StockService stock) {
        this.products = products;
        this.stock = stock;
    }

    @GetMapping("/api/products")
    List<ProductView> list() {
        return products.findActive().stream()
                .map(p -> new ProductView(p.sku(), p.name(), p.price().amount(), p.price().currency(),
                        stock.available(p.id())))
                .toList();
    }
}
