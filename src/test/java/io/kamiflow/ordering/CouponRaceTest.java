package io.kamiflow.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.inventory.StockSettings;
import io.kamiflow.support.Concurrently;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A coupon's uses exactly once: racing buyers never take more than its limit, one email never twice, an order that
 * expires or is cancelled unpaid gives its use back, a paid one keeps it, and its refund returns what was paid.
 */
class CouponRaceTest extends ProcessTest {

    @Autowired
    OrderPlacement placement;

    @BeforeEach
    void catalogue() {
        Shop.productWithKeys(shop, "RACE", "10.00", 60);
    }

    @Test
    void fiftyBuyersForATenUseCouponGetExactlyTenDiscountedOrders() throws Exception {
        coupon(Map.of("code", "TEN", "percentOff", 50, "maxUses", 10));
        List<Callable<ShopClient.Response>> buyers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String email = "buyer" + i + "@race.example";
            buyers.add(() -> order("RACE", 1, email, "ten"));
        }
        List<ShopClient.Response> answers = Concurrently.run(50, buyers);

        List<ShopClient.Response> created = answers.stream().filter(r -> r.status() == 201).toList();
        assertThat(created).hasSize(10);
        assertThat(created).allSatisfy(r -> {
            assertThat(r.json().get("amount").asText()).isEqualTo("5.00");
            assertThat(r.json().get("discount").asText()).isEqualTo("5.00");
        });
        assertThat(answers.stream().filter(r -> r.status() == 409).toList()).hasSize(40)
                .allSatisfy(r -> assertThat(r.json().get("detail").asText()).contains("used up"));
        assertThat(count("SELECT count(*) FROM coupon_redemption WHERE released_at IS NULL")).isEqualTo(10);
        assertThat(count("SELECT count(*) FROM customer_order")).isEqualTo(10);
        assertThat(count("SELECT count(*) FROM customer_order WHERE amount_minor = 500")).isEqualTo(10);
        assertThat(count("SELECT count(*) FROM card_key WHERE status = 'RESERVED'")).as("only the 10 hold keys").isEqualTo(10);
        assertThat(shop.admin("GET", "/api/admin/coupons/TEN", null, null).json().get("uses").asInt()).isEqualTo(10);
    }

    @Test
    void aLimitLoweredWhileBuyersRaceIsNeverExceededNorSetBelowTheUses() throws Exception {
        coupon(Map.of("code", "SHRINK", "percentOff", 10, "maxUses", 20));
        List<Callable<ShopClient.Response>> work = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String email = "shrink" + i + "@race.example";
            work.add(() -> order("RACE", 1, email, "SHRINK"));
            if (i == 10) {
                work.add(() -> shop.admin("PATCH", "/api/admin/coupons/SHRINK", "application/json", "{\"maxUses\":5}"));
            }
        }
        List<ShopClient.Response> answers = Concurrently.run(31, work);
        ShopClient.Response patch = answers.get(11);
        JsonNode coupon = shop.admin("GET", "/api/admin/coupons/SHRINK", null, null).json();
        long orders = answers.stream().filter(r -> r.status() == 201).count();
        assertThat(coupon.get("uses").asLong()).isEqualTo(orders).isLessThanOrEqualTo(coupon.get("maxUses").asLong());
        if (patch.status() == 200) {
            assertThat(coupon.get("maxUses").asInt()).isEqualTo(5);
        } else {
            assertThat(patch.status()).as(patch.body()).isEqualTo(409); // more than 5 were taken before it
            assertThat(coupon.get("maxUses").asInt()).isEqualTo(20);
            assertThat(orders).isGreaterThan(5);
        }
        assertThat(count("SELECT count(*) FROM coupon_redemption WHERE released_at IS NULL")).isEqualTo((int) orders);
    }

    @Test
    void oneEmailRacingItselfGetsAOncePerEmailCouponOnce() throws Exception {
        coupon(Map.of("code", "MINE", "amountOff", "2.00", "currency", "CNY", "oncePerEmail", true));
        for (StockSettings.Reservation mode : StockSettings.Reservation.values()) {
            stockSettings.setReservation(mode); // on payment no buyer lock serializes them: the coupon's row alone does
            String email = "same-" + mode.name().toLowerCase() + "@race.example";
            List<Callable<ShopClient.Response>> tries = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String spelling = i % 2 == 0 ? email : email.toUpperCase();
                tries.add(() -> order("RACE", 1, spelling, "MINE"));
            }
            List<Integer> statuses = Concurrently.run(12, tries).stream().map(ShopClient.Response::status).toList();
            assertThat(statuses).as(mode.name()).containsOnly(201, 409).filteredOn(s -> s == 201).hasSize(1);
        }
        assertThat(count("SELECT count(*) FROM coupon_redemption")).isEqualTo(StockSettings.Reservation.values().length);
        assertThat(count("SELECT count(DISTINCT email_key) FROM coupon_redemption"))
                .isEqualTo(StockSettings.Reservation.values().length);
    }

    /** A coupon's checkout counts the buyer's cap in a statement of its own (not in the order's): capped alike. */
    @Test
    void aBuyerWithACouponHoldsAtMostThreeOpenReservationsToo() throws Exception {
        coupon(Map.of("code", "MANY", "percentOff", 10, "maxUses", 100));
        List<Callable<ShopClient.Response>> checkouts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String email = i % 2 == 0 ? "Hoarder@Race.example" : "hoarder@race.example";
            checkouts.add(() -> order("RACE", 1, email, "MANY"));
        }
        List<ShopClient.Response> answers = Concurrently.run(10, checkouts);

        assertThat(answers.stream().filter(r -> r.status() == 201).count()).isEqualTo(3);
        List<ShopClient.Response> refused = answers.stream().filter(r -> r.status() == 429).toList();
        assertThat(refused).hasSize(7);
        assertThat(refused.get(0).json().get("detail").asText()).contains("this email already holds 3 unpaid orders");
        assertThat(count("SELECT count(*) FROM coupon_redemption")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM card_key WHERE status = 'RESERVED'")).isEqualTo(3);
    }

    @Test
    void anOrderThatExpiresUnpaidGivesItsUseBack() {
        coupon(Map.of("code", "BACK", "percentOff", 10, "maxUses", 1, "oncePerEmail", true));
        ShopClient.Response first = order("RACE", 1, "late@race.example", "BACK");
        assertThat(first.status()).isEqualTo(201);
        assertThat(order("RACE", 1, "other@race.example", "BACK").status()).isEqualTo(409);

        expireUnpaidOrders();

        assertThat(orderStatus(first.json().get("orderNo").asText())).isEqualTo("EXPIRED");
        assertThat(count("SELECT count(*) FROM coupon_redemption WHERE released_at IS NOT NULL AND email_key IS NULL")).isEqualTo(1);
        assertThat(shop.admin("GET", "/api/admin/coupons/BACK", null, null).json().get("uses").asInt()).isZero();
        assertThat(order("RACE", 1, "late@race.example", "BACK").status()).as("the same email again").isEqualTo(201);
        assertThat(order("RACE", 1, "other@race.example", "BACK").status()).isEqualTo(409);
    }

    @Test
    void aCancelledOrderGivesItsUseBack() {
        coupon(Map.of("code", "UNDO", "percentOff", 10, "maxUses", 1));
        ShopClient.Response first = order("RACE", 1, "gone@race.example", "UNDO");
        assertThat(placement.cancel(first.json().get("orderNo").asText(), "test: the gateway did not open")).isTrue();
        assertThat(shop.admin("GET", "/api/admin/coupons/UNDO", null, null).json().get("uses").asInt()).isZero();
        assertThat(order("RACE", 1, "next@race.example", "UNDO").status()).isEqualTo(201);
    }

    @Test
    void aPaidOrderKeepsItsUseAndItsRefundReturnsWhatWasPaid() {
        coupon(Map.of("code", "KEEP", "percentOff", 20, "maxUses", 1));
        ShopClient.Response created = order("RACE", 2, "payer@race.example", "KEEP");
        assertThat(created.json().get("amount").asText()).isEqualTo("16.00");
        Shop.PlacedOrder order = new Shop.PlacedOrder(created.json().get("orderNo").asText(),
                created.json().get("accessToken").asText(), "16.00", "CNY");
        assertThat(Shop.pay(shop, order, "T-KEEP").body()).isEqualTo("success");
        runUntilOnlyTasksWait(order.orderNo());
        assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");

        expireUnpaidOrders();
        assertThat(shop.admin("GET", "/api/admin/coupons/KEEP", null, null).json().get("uses").asInt()).isEqualTo(1);
        assertThat(order("RACE", 1, "second@race.example", "KEEP").status()).isEqualTo(409);

        assertThat(shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/refund", null, null).status()).isEqualTo(202);
        runUntilOnlyTasksWait(order.orderNo());
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
        assertThat(jdbc.queryForMap("SELECT amount_minor, status FROM sandbox_trade WHERE order_no = ?", order.orderNo()))
                .as("the gateway returned what it took").containsEntry("amount_minor", 1600L).containsEntry("status", "REFUNDED");
        assertThat(count("SELECT count(*) FROM payment WHERE amount_minor = 1600 AND refunded_at IS NOT NULL")).isEqualTo(1);
        assertThat(shop.admin("GET", "/api/admin/coupons/KEEP", null, null).json().get("uses").asInt())
                .as("a refunded order keeps its use").isEqualTo(1);
    }

    private int count(String sql) {
        return jdbc.queryForObject(sql, Integer.class);
    }

    private void coupon(Map<String, Object> fields) {
        ShopClient.Response created = shop.admin("POST", "/api/admin/coupons", "application/json", ShopClient.json(fields));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    private ShopClient.Response order(String sku, int quantity, String email, String coupon) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sku", sku);
        body.put("quantity", quantity);
        body.put("email", email);
        body.put("channel", "sandbox");
        body.put("coupon", coupon);
        return shop.send("POST", "/api/orders", "application/json", ShopClient.json(body), Map.of());
    }
}
