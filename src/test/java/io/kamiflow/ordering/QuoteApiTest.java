package io.kamiflow.ordering;

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

/**
 * The buy form's quote, {@code GET /api/products/{sku}/quote}, over HTTP: what it answers for tiers and coupons is what
 * {@code POST /api/orders} then charges, it takes no coupon use, refuses bad input and unusable coupons as checkout does,
 * and is rate-limited per client address.
 */
class QuoteApiTest extends IntegrationTest {

    private ShopClient shop;

    @BeforeEach
    void catalogue() {
        shop = shop();
        ShopClient.Response product = shop.admin("POST", "/api/admin/products", "application/json", ShopClient.json(Map.of(
                "sku", "QTE", "name", "Quoted key", "price", "10.00", "currency", "CNY",
                "tiers", List.of(Map.of("minQuantity", 2, "unitPrice", "9.00"), Map.of("minQuantity", 5, "unitPrice", "8.00")))));
        assertThat(product.status()).as(product.body()).isEqualTo(201);
        assertThat(shop.generateKeys("QTE", 40).status()).isEqualTo(200);
        Shop.productWithKeys(shop, "OTHER", "5.00", 1);
    }

    @Test
    void theQuoteIsWhatTheOrderThenChargesForEveryTierAndCoupon() {
        coupon(Map.of("code", "SALE20", "percentOff", 20));
        coupon(Map.of("code", "FIVE", "amountOff", "5.00", "currency", "CNY"));
        coupon(Map.of("code", "THIRD", "percentOff", 33)); // rounds half up: 33% of 27.00 is 8.91

        JsonNode plain = quote("QTE", "1", null).json();
        assertThat(plain.get("unitPrice").asText()).isEqualTo("10.00");
        assertThat(plain.get("listPrice").asText()).isEqualTo("10.00");
        assertThat(plain.get("subtotal").asText()).isEqualTo("10.00");
        assertThat(plain.get("discount").asText()).isEqualTo("0.00");
        assertThat(plain.get("amount").asText()).isEqualTo("10.00");
        assertThat(plain.get("currency").asText()).isEqualTo("CNY");
        assertThat(plain.has("coupon")).isFalse();

        JsonNode tierAndCoupon = quote("QTE", "5", " sale20 ").json();
        assertThat(tierAndCoupon.get("unitPrice").asText()).as("the tier from 5").isEqualTo("8.00");
        assertThat(tierAndCoupon.get("subtotal").asText()).isEqualTo("40.00");
        assertThat(tierAndCoupon.get("discount").asText()).isEqualTo("8.00");
        assertThat(tierAndCoupon.get("amount").asText()).isEqualTo("32.00");
        assertThat(tierAndCoupon.get("coupon").asText()).isEqualTo("SALE20");

        String[][] cases = {{"1", ""}, {"2", ""}, {"4", "sale20"}, {"5", "SALE20"}, {"3", "third"}, {"2", "FIVE"},
                {"10", "five"}, {"1", "FIVE"}};
        int i = 0;
        for (String[] c : cases) {
            JsonNode quoted = quote("QTE", c[0], c[1].isEmpty() ? null : c[1]).json();
            ShopClient.Response ordered = order("QTE", Integer.parseInt(c[0]), "q" + i++ + "@example.com", c[1]);
            assertThat(ordered.status()).as(ordered.body()).isEqualTo(201);
            assertThat(ordered.json().get("amount").asText()).as("quantity %s coupon %s", c[0], c[1])
                    .isEqualTo(quoted.get("amount").asText());
            assertThat(ordered.json().get("discount").asText()).isEqualTo(quoted.get("discount").asText());
            assertThat(jdbc.queryForObject("SELECT amount_minor FROM customer_order WHERE order_no = ?", Long.class,
                    ordered.json().get("orderNo").asText()))
                    .isEqualTo(new java.math.BigDecimal(quoted.get("amount").asText()).movePointRight(2).longValueExact());
        }
        assertThat(quote("QTE", "3", "third").json().get("discount").asText()).isEqualTo("8.91");
        assertThat(quote("QTE", "1", "FIVE").json().get("amount").asText()).as("at least 0.01 to pay").isEqualTo("5.00");
        // quotes took no use: only the orders' uses are counted
        assertThat(shop.admin("GET", "/api/admin/coupons/SALE20", null, null).json().get("uses").asInt()).isEqualTo(2);
        assertThat(shop.admin("GET", "/api/admin/coupons/FIVE", null, null).json().get("uses").asInt()).isEqualTo(3);
    }

    @Test
    void badInputIsAProblemAndNothingIsLookedUpForIt() {
        assertProblem(quote("QTE", null, null), 400, "quantity is required");
        assertProblem(quote("QTE", "two", null), 400, "whole number");
        assertProblem(quote("QTE", "0", null), 400, "between 1 and");
        assertProblem(quote("QTE", "-3", null), 400, "between 1 and");
        assertProblem(quote("QTE", "11", null), 400, "between 1 and 10");
        assertProblem(quote("QTE", "99999999999", null), 400, "whole number");
        assertProblem(quote("NOPE", "1", null), 404, "NOPE");
        assertProblem(quote("X".repeat(65), "1", null), 404, "no product");
        assertProblem(quote("QTE", "1", "C".repeat(65)), 400, "coupon");
        jdbc.update("UPDATE product SET active = FALSE WHERE sku = 'OTHER'");
        assertProblem(quote("OTHER", "1", null), 404, "OTHER");
        jdbc.update("UPDATE product SET max_quantity = 3 WHERE sku = 'QTE'");
        assertProblem(quote("QTE", "4", null), 400, "between 1 and 3 for product 'QTE'");
        assertThat(shop.send("POST", "/api/products/QTE/quote?quantity=1", null, null, Map.of()).status())
                .as("only GET").isIn(403, 405);
        assertThat(shop.send("GET", "/v3/api-docs/buyer", null, null, Map.of()).body()).as("documented for buyers")
                .contains("/api/products/{sku}/quote");
    }

    @Test
    void aCouponThatCannotBeUsedIsRefusedAsCheckoutWouldWithItsReason() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        coupon(Map.of("code", "ONCE", "percentOff", 10, "maxUses", 1));
        coupon(Map.of("code", "OLD", "percentOff", 10, "validUntil", now.minus(1, ChronoUnit.DAYS).toString()));
        coupon(Map.of("code", "LATER", "percentOff", 10, "validFrom", now.plus(1, ChronoUnit.DAYS).toString()));
        coupon(Map.of("code", "ONLYOTHER", "percentOff", 10, "skus", List.of("OTHER")));
        coupon(Map.of("code", "OFF", "percentOff", 10));
        shop.admin("PATCH", "/api/admin/coupons/OFF", "application/json", "{\"disabled\":true}");

        assertThat(quote("QTE", "1", "ONCE").status()).isEqualTo(200);
        assertThat(order("QTE", 1, "first@example.com", "ONCE").status()).isEqualTo(201);
        assertRefused(quote("QTE", "1", "ONCE"), 409, "usedUp", "used up");
        assertRefused(quote("QTE", "1", "NOSUCH"), 404, "unknown", "NOSUCH");
        assertRefused(quote("QTE", "1", "x"), 404, "unknown", "no coupon");
        assertRefused(quote("QTE", "1", "OLD"), 409, "expired", "expired");
        assertRefused(quote("QTE", "1", "LATER"), 409, "notYetValid", "not valid yet");
        assertRefused(quote("QTE", "1", "ONLYOTHER"), 409, "notForProduct", "not for product 'QTE'");
        assertRefused(quote("QTE", "1", "OFF"), 409, "disabled", "no longer valid");
        // checkout answers the same, with the same reason
        assertRefused(order("QTE", 1, "second@example.com", "OLD"), 409, "expired", "expired");
        assertRefused(order("QTE", 1, "second@example.com", "NOSUCH"), 404, "unknown", "NOSUCH");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isOne();
    }

    @Test
    void oneAddressCanTryOnlyAFewCodesAMinute() {
        Map<String, String> prober = Map.of("X-Forwarded-For", "203.0.113.91");
        int ok = 0;
        ShopClient.Response refused = null;
        for (int i = 0; i < 40 && refused == null; i++) {
            ShopClient.Response answer = shop.send("GET", "/api/products/QTE/quote?quantity=1&coupon=GUESS" + i, null, null, prober);
            if (answer.status() == 429) {
                refused = answer;
            } else {
                assertThat(answer.status()).isEqualTo(404);
                ok++;
            }
        }
        // 30 a minute, refilled a token every 2 s: a slow machine may squeeze one or two more in
        assertThat(ok).as("answered before the limit").isBetween(30, 33);
        assertThat(refused).isNotNull();
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.retryAfter()).isPositive();
        assertThat(refused.json().get("detail").asText()).contains("price quotes");
        // another buyer is not held up, and the limit is the quote's own: checkout still works from the prober
        assertThat(shop.send("GET", "/api/products/QTE/quote?quantity=1", null, null,
                Map.of("X-Forwarded-For", "203.0.113.92")).status()).isEqualTo(200);
        assertThat(shop.send("POST", "/api/orders", "application/json", ShopClient.json(orderBody("QTE", 1,
                "prober@example.com", null)), prober).status()).isEqualTo(201);
    }

    private ShopClient.Response quote(String sku, String quantity, String coupon) {
        StringBuilder path = new StringBuilder("/api/products/").append(sku).append("/quote");
        String sep = "?";
        if (quantity != null) {
            path.append(sep).append("quantity=").append(quantity);
            sep = "&";
        }
        if (coupon != null) {
            path.append(sep).append("coupon=").append(java.net.URLEncoder.encode(coupon, java.nio.charset.StandardCharsets.UTF_8));
        }
        return shop.send("GET", path.toString(), null, null, Map.of());
    }

    private ShopClient.Response order(String sku, int quantity, String email, String coupon) {
        return shop.send("POST", "/api/orders", "application/json", ShopClient.json(orderBody(sku, quantity, email, coupon)),
                Map.of());
    }

    private static Map<String, Object> orderBody(String sku, int quantity, String email, String coupon) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sku", sku);
        body.put("quantity", quantity);
        body.put("email", email);
        body.put("channel", "sandbox");
        if (coupon != null && !coupon.isEmpty()) {
            body.put("coupon", coupon);
        }
        return body;
    }

    private void coupon(Map<String, Object> fields) {
        ShopClient.Response created = shop.admin("POST", "/api/admin/coupons", "application/json", ShopClient.json(fields));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    private static void assertProblem(ShopClient.Response response, int status, String detail) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asText()).contains(detail);
    }

    private static void assertRefused(ShopClient.Response response, int status, String reason, String detail) {
        assertProblem(response, status, detail);
        assertThat(response.json().get("reason").asText()).isEqualTo(reason);
    }
}
