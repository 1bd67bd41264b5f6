package io.kamiflow.catalog;

import static io.kamiflow.catalog.AdminProductApiTest.assertProblem;
import static io.kamiflow.catalog.AdminProductApiTest.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a product change does to buyers: orders keep the price they were placed at; a hidden product is not for sale. */
class ProductChangeOrdersTest extends IntegrationTest {

    private ShopClient shop;

    @BeforeEach
    void catalogue() {
        shop = shop();
        Shop.productWithKeys(shop, "GAME", "12.50", 4);
    }

    @Test
    void aNewPriceLeavesPlacedOrdersAtTheirAmountAndTheirPaymentStillMatches() {
        Shop.PlacedOrder before = Shop.order(shop, "GAME", 2, "before@example.com");
        assertThat(before.amount()).isEqualTo("25.00");

        assertThat(put("GAME", "\"0\"", body("Product GAME", "30.00", "CNY", 0, true)).status()).isEqualTo(200);

        assertThat(jdbc.queryForMap("SELECT amount_minor, currency FROM customer_order WHERE order_no = ?", before.orderNo()))
                .containsEntry("amount_minor", 2500L).containsEntry("currency", "CNY");
        assertThat(shop.getOrder(before.orderNo(), before.accessToken()).json().get("amount").asText()).isEqualTo("25.00");
        Shop.PlacedOrder after = Shop.order(shop, "GAME", 1, "after@example.com");
        assertThat(after.amount()).isEqualTo("30.00");

        // the gateway pays the old amount: it matches, so the keys go out (a mismatch would park it for review)
        assertThat(Shop.pay(shop, before, "OLD-PRICE").body()).isEqualTo("success");
        awaitDelivered(before.orderNo());
        assertThat(jdbc.queryForObject("SELECT amount_minor FROM payment WHERE order_no = ?", Long.class, before.orderNo()))
                .isEqualTo(2500L);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE order_id = "
                + "(SELECT id FROM customer_order WHERE order_no = ?) AND status = 'SOLD'", Integer.class, before.orderNo()))
                .isEqualTo(2);
    }

    @Test
    void aHiddenProductLeavesTheCataloguesAndTakesNoNewOrdersButItsOpenOrdersGoOn() {
        Shop.PlacedOrder open = Shop.order(shop, "GAME", 1, "open@example.com");
        assertThat(catalogueSkus()).contains("GAME");
        assertThat(shop.send("GET", "/", null, null, Map.of()).body()).contains("Product GAME");

        assertThat(put("GAME", "\"0\"", body("Product GAME", "12.50", "CNY", 0, false)).status()).isEqualTo(200);

        assertThat(catalogueSkus()).doesNotContain("GAME");
        assertThat(shop.send("GET", "/", null, null, Map.of()).body()).doesNotContain("Product GAME");
        assertThat(shop.send("GET", "/products/GAME", null, null, Map.of()).status()).isEqualTo(404);
        assertProblem(shop.createOrder("GAME", 1, "late@example.com", "sandbox"), 404, "no product with sku 'GAME'");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isEqualTo(1);

        // what was bought before is still paid and delivered
        assertThat(Shop.pay(shop, open, "HIDDEN-1").body()).isEqualTo("success");
        awaitDelivered(open.orderNo());

        // shown again, it sells again
        assertThat(put("GAME", "\"1\"", body("Product GAME", "12.50", "CNY", 0, true)).status()).isEqualTo(200);
        assertThat(catalogueSkus()).contains("GAME");
        Shop.order(shop, "GAME", 1, "again@example.com");
    }

    private java.util.List<String> catalogueSkus() {
        java.util.List<String> skus = new java.util.ArrayList<>();
        shop.send("GET", "/api/products", null, null, Map.of()).json().forEach(p -> skus.add(p.get("sku").asText()));
        return skus;
    }

    private ShopClient.Response put(String sku, String ifMatch, String json) {
        return shop.admin("PUT", "/api/admin/products/" + sku, "application/json", json, Map.of("If-Match", ifMatch));
    }
}
