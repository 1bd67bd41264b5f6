package io.kamiflow.storefront;

import java.util.List;

import io.kamiflow.catalog.CatalogueCache;
import io.kamiflow.inventory.StockLevels;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The buyer's catalogue: what is for sale and how many keys are ready to deliver. Read from the node's copies, as the
 * storefront's pages are (issue 23: it counted every product's keys in PostgreSQL on every call, 4.9 ms of
 * PostgreSQL CPU a request with 21 products): a change made through this node shows at once, another node's within
 * the copies' TTLs (kamiflow.storefront.stock-ttl, 1 s; the catalogue's, 2 s). Checkout never reads these: it locks
 * real keys.
 */
@RestController
class ProductController {

    record ProductView(String sku, String name, String price, String currency, long available) {
    }

    private final CatalogueCache catalogue;
    private final StockLevels stock;

    ProductController(CatalogueCache catalogue, StockLevels stock) {
        this.catalogue = catalogue;
        this.stock = stock;
    }

    @GetMapping("/api/products")
    List<ProductView> list() {
        return catalogue.current().active().stream()
                .map(p -> new ProductView(p.sku(), p.name(), p.price().amount(), p.price().currency(),
                        stock.available(p.id())))
                .toList();
    }
}
