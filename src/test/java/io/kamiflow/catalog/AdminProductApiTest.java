package io.kamiflow.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The admin's products over real HTTP: list with stock, one product, change it, and what is refused. */
class AdminProductApiTest extends IntegrationTest {

    @Autowired
    IdentityService identity;

    private ShopClient shop;

    @BeforeEach
    void catalogue() {
        shop = shop();
        Shop.productWithKeys(shop, "B-GAME", "12.50", 4);
        Shop.productWithKeys(shop, "A-CARD", "5.00", 0);
    }

    @Test
    void theListHoldsEveryProductBySkuWithItsStockCounts() {
        Shop.PlacedOrder paid = Shop.order(shop, "B-GAME", 1, "paid@example.com");
        Shop.pay(shop, paid, "LIST-1");
        awaitDelivered(paid.orderNo());
        Shop.order(shop, "B-GAME", 1, "pending@example.com"); // reserves a key
        assertThat(put("A-CARD", "\"0\"", body("Card", "5.00", "CNY", 0, false)).status()).isEqualTo(200);

        ShopClient.Response list = shop.admin("GET", "/api/admin/products", null, null);

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json()).extracting(p -> p.get("sku").asText()).containsExactly("A-CARD", "B-GAME");
        JsonNode hidden = list.json().get(0);
        assertThat(hidden.get("active").asBoolean()).isFalse();
        assertThat(hidden.get("name").asText()).isEqualTo("Card");
        JsonNode game = list.json().get(1);
        assertThat(game.get("name").asText()).isEqualTo("Product B-GAME");
        assertThat(game.get("price").asText()).isEqualTo("12.50");
        assertThat(game.get("currency").asText()).isEqualTo("CNY");
        assertThat(game.get("lowStockThreshold").asInt()).isZero();
        assertThat(game.get("active").asBoolean()).isTrue();
        assertThat(game.get("version").asLong()).isZero();
        assertThat(List.of(game.get("available").asLong(), game.get("reserved").asLong(), game.get("sold").asLong()))
                .containsExactly(2L, 1L, 1L);
        JsonNode stock = shop.stock("B-GAME").json(); // the same counts as the per-product stock endpoint
        assertThat(List.of(stock.get("available").asLong(), stock.get("reserved").asLong(), stock.get("sold").asLong()))
                .containsExactly(2L, 1L, 1L);
    }

    @Test
    void oneProductCarriesItsVersionAsETagAndAnUnknownSkuIsA404NamingIt() {
        ShopClient.Response one = shop.admin("GET", "/api/admin/products/B-GAME", null, null);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.header("ETag")).isEqualTo("\"0\"");
        assertThat(one.json().get("sku").asText()).isEqualTo("B-GAME");
        assertThat(one.json().get("price").asText()).isEqualTo("12.50");
        assertThat(one.json().get("version").asLong()).isZero();

        assertProblem(shop.admin("GET", "/api/admin/products/NOPE", null, null), 404, "no product with sku 'NOPE'");
        assertProblem(put("NOPE", "*", body("X", "1.00", "CNY", 0, true)), 404, "no product with sku 'NOPE'");
    }

    @Test
    void aChangeIsStoredAnsweredWithTheNewVersionAndAudited() {
        ShopClient.Response changed = put("B-GAME", "\"0\"", body("  Game card  ", "20.00", "usd", 3, false));

        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.header("ETag")).isEqualTo("\"1\"");
        JsonNode json = changed.json();
        assertThat(json.get("name").asText()).isEqualTo("Game card");
        assertThat(json.get("price").asText()).isEqualTo("20.00");
        assertThat(json.get("currency").asText()).isEqualTo("USD");
        assertThat(json.get("lowStockThreshold").asInt()).isEqualTo(3);
        assertThat(json.get("active").asBoolean()).isFalse();
        assertThat(json.get("version").asLong()).isEqualTo(1);
        assertThat(jdbc.queryForMap("SELECT name, price_minor, currency, low_stock_threshold, active, version FROM product "
                + "WHERE sku = 'B-GAME'")).containsEntry("name", "Game card").containsEntry("price_minor", 2000L)
                .containsEntry("currency", "USD").containsEntry("low_stock_threshold", 3)
                .containsEntry("active", false).containsEntry("version", 1L);
        assertThat(jdbc.queryForMap("SELECT actor, action, subject, detail FROM audit_event WHERE action = 'product.update'"))
                .containsEntry("actor", ShopClient.ADMIN_USER).containsEntry("subject", "B-GAME")
                .containsEntry("detail", "name 'Product B-GAME' -> 'Game card'; price 12.50 CNY -> 20.00 USD; "
                        + "lowStockThreshold 0 -> 3; active true -> false");

        // the same values again change nothing: no new version, no audit row
        ShopClient.Response same = put("B-GAME", "\"1\"", body("Game card", "20.00", "USD", 3, false));
        assertThat(same.status()).isEqualTo(200);
        assertThat(same.header("ETag")).isEqualTo("\"1\"");
        assertThat(auditRows()).isEqualTo(1);
    }

    @Test
    void whatAClientReadCanBeSentBackAndUnknownFieldsAreIgnoredAsEverywhereInTheApi() {
        Map<String, Object> read = new LinkedHashMap<>(mapOf(shop.admin("GET", "/api/admin/products/B-GAME", null, null).json()));
        read.put("price", "13.00");
        read.put("colour", "red"); // like POST /api/admin/products and /api/orders, which ignore it too
        ShopClient.Response changed = put("B-GAME", "\"0\"", ShopClient.json(read));
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().get("price").asText()).isEqualTo("13.00");
        assertThat(changed.json().has("colour")).isFalse();

        Map<String, Object> created = new LinkedHashMap<>(Map.of("sku", "C-NEW", "name", "New", "price", "1.00",
                "currency", "CNY", "colour", "red"));
        assertThat(shop.admin("POST", "/api/admin/products", "application/json", ShopClient.json(created)).status())
                .isEqualTo(201);
    }

    @Test
    void invalidChangesAreRefusedFieldByFieldAndChangeNothing() {
        assertProblem(put("B-GAME", "\"0\"", body(" ", "1.00", "CNY", 0, true)), 400, "name: must not be blank");
        assertProblem(put("B-GAME", "\"0\"", body("x".repeat(201), "1.00", "CNY", 0, true)), 400,
                "name: size must be between 0 and 200");
        assertProblem(put("B-GAME", "\"0\"", body("Game", "1.001", "CNY", 0, true)), 400,
                "price: amount has more than 2 decimals for CNY");
        assertProblem(put("B-GAME", "\"0\"", body("Game", "ten", "CNY", 0, true)), 400,
                "price: amount must be a decimal string");
        assertProblem(put("B-GAME", "\"0\"", body("Game", "0.00", "CNY", 0, true)), 400, "price must be greater than zero");
        assertProblem(put("B-GAME", "\"0\"", body("Game", "1.00", "QQQ", 0, true)), 400, "unknown currency 'QQQ'");
        assertProblem(put("B-GAME", "\"0\"", body("Game", "1.00", "CNY", -1, true)), 400,
                "lowStockThreshold: must be greater than or equal to 0");
        assertProblem(put("B-GAME", "\"0\"", "{\"name\":\"Game\",\"price\":\"1.00\"}"), 400,
                "active: must not be null; currency: must not be blank; lowStockThreshold: must not be null");
        assertProblem(put("B-GAME", "\"0\"", "{\"name\":"), 400, "not valid JSON");
        assertProblem(put("B-GAME", "\"0\"", "{\"name\":\"Game\",\"price\":\"1.00\",\"currency\":\"CNY\","
                + "\"lowStockThreshold\":0,\"active\":\"perhaps\"}"), 400, "not valid JSON");
        Map<String, Object> renamed = new LinkedHashMap<>(Map.of("sku", "OTHER", "name", "Game", "price", "1.00",
                "currency", "CNY", "lowStockThreshold", 0, "active", true));
        assertProblem(put("B-GAME", "\"0\"", ShopClient.json(renamed)), 400, "sku cannot be changed");

        assertThat(jdbc.queryForMap("SELECT name, price_minor, version FROM product WHERE sku = 'B-GAME'"))
                .containsEntry("name", "Product B-GAME").containsEntry("price_minor", 1250L).containsEntry("version", 0L);
        assertThat(auditRows()).isZero();
    }

    @Test
    void onlyAdminsReadOrChangeProducts() {
        SupportDesk.ensureUser(identity);
        Map<String, String> support = Map.of("Authorization", "Basic " + java.util.Base64.getEncoder()
                .encodeToString((SupportDesk.USER + ":" + SupportDesk.PASSWORD).getBytes()), "If-Match", "*");
        String change = body("Taken", "0.01", "CNY", 0, false);
        for (String[] call : new String[][] {{"GET", "/api/admin/products"}, {"GET", "/api/admin/products/B-GAME"},
                {"PUT", "/api/admin/products/B-GAME"}}) {
            String json = call[0].equals("PUT") ? change : null;
            String type = json == null ? null : "application/json";
            assertProblem(shop.send(call[0], call[1], type, json, Map.of("If-Match", "*")), 401, "credentials");
            assertProblem(shop.send(call[0], call[1], type, json, support), 403, "not in group kamiflow-admin");
        }
        assertThat(jdbc.queryForMap("SELECT name, active, version FROM product WHERE sku = 'B-GAME'"))
                .containsEntry("name", "Product B-GAME").containsEntry("active", true).containsEntry("version", 0L);
        assertThat(auditRows()).isZero();
    }

    private ShopClient.Response put(String sku, String ifMatch, String json) {
        return shop.admin("PUT", "/api/admin/products/" + sku, "application/json", json, Map.of("If-Match", ifMatch));
    }

    static String body(String name, String price, String currency, int lowStockThreshold, boolean active) {
        return ShopClient.json(Map.of("name", name, "price", price, "currency", currency,
                "lowStockThreshold", lowStockThreshold, "active", active));
    }

    private int auditRows() {
        return jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'product.update'", Integer.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapOf(JsonNode json) {
        return new com.fasterxml.jackson.databind.ObjectMapper().convertValue(json, Map.class);
    }

    static void assertProblem(ShopClient.Response response, int status, String detailContains) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asText()).contains(detailContains);
    }
}
