package io.kamiflow.inventory;

import java.util.List;
import java.util.Map;

import io.kamiflow.catalog.Product;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.catalog.ShopImages;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The admin's product list: every product, hidden ones too, by sku, with its key counts. Here rather than in catalog
 * because it counts keys, and catalog may not know inventory (the arrows point from inventory to catalog).
 */
@RestController
class AdminProductListController {

    /**
     * The product's fields as GET /api/admin/products/{sku} shows them (but the long texts: descriptions and usage
     * notes), and its keys as /stock counts them.
     */
    record ListedProduct(String sku, String name, String price, String currency, int lowStockThreshold, boolean active,
                         long version, long available, long reserved, long sold, String nameZh, int minQuantity,
                         int maxQuantity, String category, String imageUrl) {
    }

    private final ProductRepository products;
    private final StockService stock;
    private final ShopImages images;

    AdminProductListController(ProductRepository products, StockService stock, ShopImages images) {
        this.products = products;
        this.stock = stock;
        this.images = images;
    }

    @GetMapping("/api/admin/products")
    @Operation(summary = "Every product, active or hidden, ordered by sku, with its keys available, reserved and sold")
    List<ListedProduct> list() {
        Map<Long, StockService.Stock> counts = stock.stockByProduct();
        Map<String, ShopImages.ImageRef> pictures = images.productImagesBySku();
        return products.findAll().stream().map(p -> listed(p, counts.getOrDefault(p.id(), StockService.Stock.NONE),
                pictures.get(p.sku()))).toList();
    }

    private static ListedProduct listed(Product p, StockService.Stock keys, ShopImages.ImageRef image) {
        return new ListedProduct(p.sku(), p.name(), p.price().amount(), p.price().currency(), p.lowStockThreshold(),
                p.active(), p.version(), keys.available(), keys.reserved(), keys.sold(), p.nameZh(), p.minQuantity(),
                p.maxQuantity(), p.category(), image == null ? null : image.url());
    }
}
