package io.kamiflow.storefront;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A product's fewest and most keys per order: the admin sets them (within the shop's limit, 10 here), checkout
 * refuses outside them (problem+json for the API, a message on the form), and the storefront's quantity input
 * uses them.
 */
class QuantityRangeTest extends IntegrationTest {

    private ShopClient shop;

    @BeforeEach
    void product() {
        shop = shop();
        Shop.productWithKeys(shop, "PAIR", "4.00", 6);
    }

    @Test
    void aNewProductTakesOneToTheShopsLimitAndTheAdminNarrowsItAudited() {
        ShopClient.Response read = shop.admin("GET", "/api/admin/products/PAIR", null, null);
        assertThat(read.json().get("minQuantity").asInt()).isEqualTo(1);
        assertThat(read.json().get("maxQuantity").asInt()).isEqualTo(10);

        ShopClient.Response changed = put("\"0\"", 2, 3);
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().get("minQuantity").asInt()).isEqualTo(2);
        assertThat(changed.json().get("maxQuantity").asInt()).isEqualTo(3);
        assertThat(jdbc.queryForObject("SELECT detail FROM audit_event WHERE action = 'product.update'", String.class))
                .isEqualTo("minQuantity 1 -> 2; maxQuantity 10 -> 3");

        // a PUT without them keeps them
        ShopClient.Response kept = put("\"1\"", null, null);
        assertThat(kept.json().get("minQuantity").asInt()).isEqualTo(2);
        assertThat(kept.json().get("maxQuantity").asInt()).isEqualTo(3);
    }

    @Test
    void aRangeTheShopCannotHonourIsRefusedNamingTheField() {
        assertProblem(put("\"0\"", 4, 3), "minQuantity (4) must not be above maxQuantity (3)");
        assertProblem(put("\"0\"", 1, 11), "maxQuantity must be at most the shop's limit of 10");
        assertThat(put("\"0\"", 0, 3).status()).isEqualTo(400);
        assertThat(put("\"0\"", null, 0).status()).isEqualTo(400);
        Map<String, Object> create = new LinkedHashMap<>(Map.of("sku", "BAD", "name", "Bad", "price", "1.00", "currency", "CNY",
                "minQuantity", 5, "maxQuantity", 2));
        assertProblem(shop.admin("POST", "/api/admin/products", "application/json", ShopClient.json(create)),
                "minQuantity (5) must not be above maxQuantity (2)");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM product WHERE sku = 'BAD'", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT version FROM product WHERE sku = 'PAIR'", Long.class)).isZero();
    }

    @Test
    void checkoutRefusesAQuantityOutsideTheProductsRange() {
        assertThat(put("\"0\"", 2, 3).status()).isEqualTo(200);

        for (int quantity : new int[] {1, 4}) {
            ShopClient.Response refused = shop.createOrder("PAIR", quantity, "range@example.com", "sandbox");
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().get("detail").asText()).isEqualTo("quantity must be between 2 and 3 for product 'PAIR'");
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isZero();
        assertThat(shop.createOrder("PAIR", 2, "range@example.com", "sandbox").status()).isEqualTo(201);
    }

    @Test
    void theStorefrontsQuantityInputUsesTheRangeAndTheFormExplainsIt() {
        assertThat(put("\"0\"", 2, 3).status()).isEqualTo(200);
        StorefrontForms browser = new StorefrontForms(port, null);
        ShopClient.Response page = browser.get("/products/PAIR", "en");
        assertThat(page.body()).containsPattern("<input id=\"quantity\"[^>]* min=\"2\" max=\"3\"[^>]* value=\"2\"");

        ShopClient.Response refused = browser.post("/products/PAIR/checkout",
                StorefrontForms.checkoutFields("4", "form@example.com", "sandbox", StorefrontForms.csrfToken(page)));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("Choose a quantity from 2 to 3.");
        ShopClient.Response chinese = new StorefrontForms(port, null).get("/products/PAIR?lang=zh-CN", null);
        assertThat(chinese.body()).containsPattern("min=\"2\" max=\"3\"");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isZero();
    }

    private ShopClient.Response put(String ifMatch, Integer min, Integer max) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("name", "Product PAIR", "price", "4.00", "currency", "CNY",
                "lowStockThreshold", 0, "active", true));
        body.put("minQuantity", min);
        body.put("maxQuantity", max);
        return shop.admin("PUT", "/api/admin/products/PAIR", "application/json", ShopClient.json(body),
                Map.of("If-Match", ifMatch));
    }

    private static void assertProblem(ShopClient.Response response, String detail) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asText()).isEqualTo(detail);
    }
}
