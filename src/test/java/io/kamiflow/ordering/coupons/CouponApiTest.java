package io.kamiflow.ordering.coupons;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The coupon admin API and checkout with a coupon, over HTTP, with what the database holds afterwards. */
class CouponApiTest extends IntegrationTest {

    private ShopClient shop;

    @BeforeEach
    void catalogue() {
        shop = shop();
        Shop.productWithKeys(shop, "CPN", "10.00", 10);
        Shop.productWithKeys(shop, "OTHER", "5.00", 3);
    }

    @Test
    void createReadListAndPatchWithTheContractsShapes() {
        ShopClient.Response created = createCoupon(Map.of("code", " sale10 ", "percentOff", 10, "maxUses", 5,
                "oncePerEmail", true, "validFrom", "2020-01-01T00:00:00+08:00", "validUntil", "2099-01-01T00:00:00Z",
                "skus", List.of("CPN")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode json = created.json();
        assertThat(json.get("code").asText()).isEqualTo("SALE10");
        assertThat(json.get("percentOff").asInt()).isEqualTo(10);
        assertThat(json.get("uses").asLong()).isZero();
        assertThat(json.get("maxUses").asInt()).isEqualTo(5);
        assertThat(json.get("usesLeft").asInt()).isEqualTo(5);
        assertThat(json.get("oncePerEmail").asBoolean()).isTrue();
        assertThat(json.get("validFrom").asText()).isEqualTo("2019-12-31T16:00:00Z");
        assertThat(json.get("validUntil").asText()).isEqualTo("2099-01-01T00:00:00Z");
        assertThat(json.get("createdAt").asText()).endsWith("Z");
        assertThat(json.get("skus")).hasSize(1);
        assertThat(json.has("amountOff")).isFalse();

        ShopClient.Response fixed = createCoupon(Map.of("code", "FIVE", "amountOff", "5.00", "currency", "cny"));
        assertThat(fixed.status()).as(fixed.body()).isEqualTo(201);
        assertThat(fixed.json().get("amountOff").asText()).isEqualTo("5.00");
        assertThat(fixed.json().get("currency").asText()).isEqualTo("CNY");
        assertThat(fixed.json().has("skus")).as("for all products").isFalse();
        assertThat(fixed.json().has("maxUses")).as("no limit").isFalse();

        // case-insensitive, full-width typed with a Chinese input method too
        assertThat(shop.admin("GET", "/api/admin/coupons/sale10", null, null).json().get("code").asText()).isEqualTo("SALE10");
        assertThat(shop.admin("GET", "/api/admin/coupons/%EF%BC%B3ALE10", null, null).status()).isEqualTo(200);
        assertThat(shop.admin("GET", "/api/admin/coupons", null, null).json()).hasSize(2);

        ShopClient.Response patched = shop.admin("PATCH", "/api/admin/coupons/SALE10", "application/json",
                ShopClient.json(Map.of("maxUses", 7, "disabled", true, "validUntil", "")));
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.json().get("maxUses").asInt()).isEqualTo(7);
        assertThat(patched.json().get("disabled").asBoolean()).isTrue();
        assertThat(patched.json().has("validUntil")).isFalse();
        assertThat(patched.json().get("percentOff").asInt()).as("kept").isEqualTo(10);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action LIKE 'coupon.%' AND actor = 'admin'",
                Integer.class)).isEqualTo(3);
    }

    @Test
    void invalidCouponsAreRefusedWithProblems() {
        assertProblem(createCoupon(Map.of("code", "X", "percentOff", 10)), 400, "code");
        assertProblem(createCoupon(Map.of("code", "BOTH", "percentOff", 10, "amountOff", "1.00", "currency", "CNY")), 400, "either");
        assertProblem(createCoupon(Map.of("code", "NONE")), 400, "either");
        assertProblem(createCoupon(Map.of("code", "BIG", "percentOff", 101)), 400, "1 to 100");
        assertProblem(createCoupon(Map.of("code", "ZERO", "percentOff", 0)), 400, "1 to 100");
        assertProblem(createCoupon(Map.of("code", "NOCUR", "amountOff", "1.00")), 400, "currency");
        assertProblem(createCoupon(Map.of("code", "DIGITS", "amountOff", "1.001", "currency", "CNY")), 400, "decimals");
        assertProblem(createCoupon(Map.of("code", "NEG", "amountOff", "-1", "currency", "CNY")), 400, "amountOff");
        assertProblem(createCoupon(Map.of("code", "DATE", "percentOff", 5, "validFrom", "tomorrow")), 400, "ISO-8601");
        assertProblem(createCoupon(Map.of("code", "PERIOD", "percentOff", 5, "validFrom", "2030-01-01T00:00:00Z",
                "validUntil", "2029-01-01T00:00:00Z")), 400, "after validFrom");
        assertProblem(createCoupon(Map.of("code", "NOSKU", "percentOff", 5, "skus", List.of("NOPE"))), 400, "NOPE");
        assertProblem(createCoupon(Map.of("code", "USES", "percentOff", 5, "maxUses", -1)), 400, "maxUses");
        assertThat(createCoupon(Map.of("code", "TWICE", "percentOff", 5)).status()).isEqualTo(201);
        assertProblem(createCoupon(Map.of("code", "twice", "amountOff", "1.00", "currency", "CNY")), 409, "already exists");
        assertProblem(shop.admin("GET", "/api/admin/coupons/NOPE", null, null), 404, "NOPE");
        assertProblem(shop.admin("PATCH", "/api/admin/coupons/NOPE", "application/json", "{}"), 404, "NOPE");
        assertThat(shop.send("GET", "/api/admin/coupons", null, null, Map.of()).status()).isEqualTo(401);
        assertThat(shop.send("POST", "/api/admin/coupons", "application/json", "{\"code\":\"ANON\",\"percentOff\":5}",
                Map.of()).status()).isEqualTo(401);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM coupon", Integer.class)).isEqualTo(1);
    }

    @Test
    void theOrderPaysTheDiscountedAmountAndSaysHowMuchWasTakenOff() throws Exception {
        createCoupon(Map.of("code", "QUARTER", "percentOff", 25));
        Map<String, Object> body = order("CPN", 2, "buyer@example.com", "quarter");
        body.put("amount", "0.01"); // what a client sends is not what it pays
        body.put("discount", "19.99");
        ShopClient.Response created = shop.send("POST", "/api/orders", "application/json", ShopClient.json(body), Map.of());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("amount").asText()).isEqualTo("15.00");
        assertThat(created.json().get("discount").asText()).isEqualTo("5.00");
        String orderNo = created.json().get("orderNo").asText();
        assertThat(jdbc.queryForObject("SELECT amount_minor FROM customer_order WHERE order_no = ?", Long.class, orderNo))
                .isEqualTo(1500);
        assertThat(jdbc.queryForMap("""
                SELECT r.list_minor, r.discount_minor, r.released_at FROM coupon_redemption r
                JOIN customer_order o ON o.id = r.order_id WHERE o.order_no = ?""", orderNo))
                .containsEntry("list_minor", 2000L).containsEntry("discount_minor", 500L).containsEntry("released_at", null);

        JsonNode view = shop.getOrder(orderNo, created.json().get("accessToken").asText()).json();
        assertThat(view.get("amount").asText()).isEqualTo("15.00");
        assertThat(view.get("discount").asText()).isEqualTo("5.00");
        assertThat(view.get("coupon").asText()).isEqualTo("QUARTER");
        assertThat(shop.admin("GET", "/api/admin/coupons/QUARTER", null, null).json().get("uses").asInt()).isEqualTo(1);

        // the gateway is paid the discounted amount; the list price is refused as a wrong amount
        Shop.PlacedOrder placed = new Shop.PlacedOrder(orderNo, created.json().get("accessToken").asText(), "20.00", "CNY");
        Shop.pay(shop, placed, "T-FULL-" + orderNo);
        assertThat(orderStatus(orderNo)).as("paid 20.00 for a 15.00 order").isEqualTo("PENDING_PAYMENT");
        deleteRunningOrderProcesses(); // the wrong payment waits for review; this test is about the amount only
        jdbc.update("DELETE FROM payment");

        ShopClient.Response plain = shop.createOrder("CPN", 1, "plain@example.com", "sandbox");
        assertThat(plain.json().get("discount").asText()).isEqualTo("0.00");
        assertThat(shop.getOrder(plain.json().get("orderNo").asText(), plain.json().get("accessToken").asText())
                .json().has("discount")).isFalse();
    }

    @Test
    void aCouponThatCannotBeUsedIsRefusedAndTakesNoUse() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        createCoupon(Map.of("code", "ONCE", "percentOff", 10, "maxUses", 1));
        createCoupon(Map.of("code", "LATER", "percentOff", 10, "validFrom", now.plus(1, ChronoUnit.DAYS).toString()));
        createCoupon(Map.of("code", "OLD", "percentOff", 10, "validUntil", now.minus(1, ChronoUnit.DAYS).toString()));
        createCoupon(Map.of("code", "ONLYOTHER", "percentOff", 10, "skus", List.of("OTHER")));
        createCoupon(Map.of("code", "DOLLARS", "amountOff", "1.00", "currency", "USD"));
        createCoupon(Map.of("code", "PERMAIL", "percentOff", 10, "oncePerEmail", true));
        createCoupon(Map.of("code", "OFF", "percentOff", 10));
        shop.admin("PATCH", "/api/admin/coupons/OFF", "application/json", "{\"disabled\":true}");

        assertThat(place("CPN", 1, "a@example.com", "ONCE").status()).isEqualTo(201);
        assertProblem(place("CPN", 1, "b@example.com", "ONCE"), 409, "used up");
        assertProblem(place("CPN", 1, "b@example.com", "NOSUCH"), 404, "NOSUCH");
        assertProblem(place("CPN", 1, "b@example.com", "LATER"), 409, "not valid yet");
        assertProblem(place("CPN", 1, "b@example.com", "OLD"), 409, "expired");
        assertProblem(place("CPN", 1, "b@example.com", "ONLYOTHER"), 409, "not for product 'CPN'");
        assertProblem(place("CPN", 1, "b@example.com", "DOLLARS"), 409, "USD");
        assertProblem(place("CPN", 1, "b@example.com", "OFF"), 409, "no longer valid");
        assertThat(place("CPN", 1, "Mail@Example.com", "permail").status()).isEqualTo(201);
        assertProblem(place("CPN", 1, "mail@example.COM", "PERMAIL"), 409, "already used with this email");
        assertThat(place("OTHER", 1, "b@example.com", "ONLYOTHER").status()).isEqualTo(201);

        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isEqualTo(3);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM coupon_redemption", Integer.class)).isEqualTo(3);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'RESERVED'", Integer.class))
                .as("refused orders hold no keys").isEqualTo(3);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM coupon_redemption WHERE email_key LIKE '%@%'", Integer.class))
                .as("no address stored with a use").isZero();
        // limits never go below what was used
        assertProblem(shop.admin("PATCH", "/api/admin/coupons/ONCE", "application/json", "{\"maxUses\":0}"), 409, "already used 1");
    }

    @Test
    void aDiscountLeavesTheBuyerTheCurrencysSmallestUnitToPay() {
        createCoupon(Map.of("code", "ALL", "percentOff", 100));
        createCoupon(Map.of("code", "HUGE", "amountOff", "500.00", "currency", "CNY"));
        ShopClient.Response all = place("CPN", 1, "x@example.com", "ALL");
        assertThat(all.json().get("amount").asText()).isEqualTo("0.01");
        assertThat(all.json().get("discount").asText()).isEqualTo("9.99");
        ShopClient.Response huge = place("OTHER", 2, "y@example.com", "HUGE");
        assertThat(huge.json().get("amount").asText()).isEqualTo("0.01");
        assertThat(huge.json().get("discount").asText()).isEqualTo("9.99");
    }

    @Test
    void theOpenApiDocumentsListTheCouponOperationsAndTheOrdersCouponField() {
        JsonNode paths = shop.admin("GET", "/v3/api-docs/admin", null, null).json().get("paths");
        assertThat(paths.get("/api/admin/coupons").fieldNames()).toIterable().contains("get", "post");
        assertThat(paths.get("/api/admin/coupons/{code}").fieldNames()).toIterable().contains("get", "patch");
        assertThat(paths.get("/api/admin/coupons/{code}").get("patch").get("responses").fieldNames()).toIterable()
                .contains("200", "400", "404", "409");
        String buyer = shop.send("GET", "/v3/api-docs/buyer", null, null, Map.of()).body();
        assertThat(buyer).contains("\"coupon\"", "\"discount\"").doesNotContain("/api/admin/coupons");
    }

    private ShopClient.Response place(String sku, int quantity, String email, String coupon) {
        return shop.send("POST", "/api/orders", "application/json", ShopClient.json(order(sku, quantity, email, coupon)), Map.of());
    }

    private static Map<String, Object> order(String sku, int quantity, String email, String coupon) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sku", sku);
        body.put("quantity", quantity);
        body.put("email", email);
        body.put("channel", "sandbox");
        body.put("coupon", coupon);
        return body;
    }

    private ShopClient.Response createCoupon(Map<String, Object> fields) {
        return shop.admin("POST", "/api/admin/coupons", "application/json", ShopClient.json(fields));
    }

    private static void assertProblem(ShopClient.Response response, int status, String detail) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asText()).contains(detail);
    }
}
