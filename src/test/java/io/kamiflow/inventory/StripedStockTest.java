package io.kamiflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.kamiflow.support.Concurrently;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Striped stock (V35): on PostgreSQL a checkout (reserve) and a claim on payment take keys from the order's own stripe
 * of the product ({@code id % 16}, {@link KeyClaimer#stripeOf}) first, so concurrent buyers of one product start at
 * 16 index heads instead of one; when that stripe is short they take from the whole product, so the last keys are
 * still sold. The fallback tests fail when {@link KeyClaimer} only looks in the order's stripe.
 */
class StripedStockTest extends IntegrationTest {

    @Test
    void aBuyerTakesKeysFromItsOwnStripeWhileItHasEnough() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "STRIPE", "1.00", 64); // 4 keys in every stripe
        for (int i = 0; i < 6; i++) {
            long orderId = placed(Shop.order(shop, "STRIPE", 2, "own" + i + "@stripes.example"));
            assertThat(stripesOf(orderId, "RESERVED")).as("stripes of order id %d's keys", orderId)
                    .containsOnly((long) KeyClaimer.stripeOf(orderId)).hasSize(2);
        }
    }

    @Test
    void theLastKeysOfOneStripeAreFoundByABuyerWhoseStripeIsEmpty() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "LAST", "1.00", 32);
        long next = nextOrderId();
        int own = KeyClaimer.stripeOf(next);
        int other = (own + 5) % 16;
        // the owner voids every unsold key but the two of one other stripe (what a batch void does, by hand)
        int voided = jdbc.update("UPDATE card_key SET status = 'VOID' WHERE status = 'AVAILABLE' AND id % 16 <> ?", other);
        assertThat(voided).isEqualTo(30);

        Shop.PlacedOrder order = Shop.order(shop, "LAST", 2, "last@stripes.example");
        assertThat(placed(order)).isEqualTo(next);
        assertThat(stripesOf(next, "RESERVED")).containsExactly((long) other, (long) other);
        assertThat(available()).isZero();
        assertThat(shop.createOrder("LAST", 1, "late@stripes.example", "sandbox").status()).isEqualTo(409);
    }

    @Test
    void anOrderWantingMoreKeysThanAnyStripeHoldsGetsThemFromSeveralStripesOrNothing() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "WIDE", "1.00", 32); // 2 keys in every stripe
        long orderId = placed(Shop.order(shop, "WIDE", 5, "wide@stripes.example"));
        assertThat(keysOf(orderId, "RESERVED")).hasSize(5);
        assertThat(stripesOf(orderId, "RESERVED").stream().distinct().count()).as("stripes spanned").isGreaterThan(1);
        assertThat(available()).isEqualTo(27);

        // all or nothing: 4 keys left, an order for 5 changes nothing
        jdbc.update("UPDATE card_key SET status = 'VOID' WHERE id IN (SELECT id FROM card_key WHERE status = 'AVAILABLE' "
                + "ORDER BY id LIMIT 23)");
        List<Long> left = availableIds();
        assertThat(left).hasSize(4);
        assertThat(shop.createOrder("WIDE", 5, "short@stripes.example", "sandbox").status()).isEqualTo(409);
        assertThat(availableIds()).isEqualTo(left);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isEqualTo(1);
        // and an order for exactly what is left, wherever its own stripe is, gets it all
        long last = placed(Shop.order(shop, "WIDE", 4, "exact@stripes.example"));
        assertThat(keysOf(last, "RESERVED")).containsExactlyInAnyOrderElementsOf(left);
    }

    @Test
    void moreBuyersThanKeysFromManyThreadsSellExactlyTheStockOnce() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "RUSH", "1.00", 150);
        List<Callable<ShopClient.Response>> checkouts = new ArrayList<>();
        for (int i = 0; i < 260; i++) {
            String email = "rush" + i + "@stripes.example";
            checkouts.add(() -> shop.createOrder("RUSH", 1, email, "sandbox"));
        }
        List<ShopClient.Response> replies = Concurrently.run(32, checkouts);

        // the stripes run dry one by one (10 keys each, about 16 buyers each): the last ones are sold through the fallback
        assertThat(replies.stream().filter(r -> r.status() == 201).count()).isEqualTo(150);
        assertThat(replies.stream().filter(r -> r.status() == 409).count()).isEqualTo(110);
        assertThat(available()).isZero();
        // every order holds exactly its one key, and each key is on one order
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM customer_order o WHERE o.quantity <>
                  (SELECT count(*) FROM card_key k WHERE k.order_id = o.id AND k.status = 'RESERVED')""", Integer.class))
                .isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isEqualTo(150);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT order_id) FROM card_key WHERE status = 'RESERVED'", Integer.class))
                .isEqualTo(150);
        assertThat(shop.createOrder("RUSH", 1, "late@stripes.example", "sandbox").status()).isEqualTo(409);
    }

    @Test
    void aClaimOnPaymentTakesFromItsStripeAndFindsTheLastKeysElsewhere() throws Exception {
        takeKeysOnPayment();
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "PAY", "1.00", 48); // 3 keys in every stripe
        Shop.PlacedOrder first = Shop.order(shop, "PAY", 2, "payer1@stripes.example");
        long firstId = placed(first);
        assertThat(keysOf(firstId, "RESERVED")).as("nothing reserved on-payment").isEmpty();
        Shop.pay(shop, first, "PAY-1");
        awaitDelivered(first.orderNo());
        assertThat(stripesOf(firstId, "SOLD")).containsOnly((long) KeyClaimer.stripeOf(firstId)).hasSize(2);

        // the next order's stripe is empty, the last keys sit in one other stripe
        Shop.PlacedOrder second = Shop.order(shop, "PAY", 3, "payer2@stripes.example");
        long secondId = placed(second);
        int other = 0;
        while (other == KeyClaimer.stripeOf(secondId) || other == KeyClaimer.stripeOf(firstId)) {
            other++;
        }
        jdbc.update("UPDATE card_key SET status = 'VOID' WHERE status = 'AVAILABLE' AND id % 16 <> ?", other);
        assertThat(available()).isEqualTo(3);
        assertThat(KeyClaimer.stripeOf(secondId)).isNotEqualTo(other);
        Shop.pay(shop, second, "PAY-2");
        awaitDelivered(second.orderNo());
        assertThat(stripesOf(secondId, "SOLD")).containsExactly((long) other, (long) other, (long) other);
        assertThat(available()).isZero();
    }

    @Test
    void paymentsForMoreOrdersThanKeysClaimEachKeyOnceAndTheRestWaitForStock() throws Exception {
        takeKeysOnPayment();
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "PAYRUSH", "1.00", 20);
        List<Shop.PlacedOrder> orders = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            orders.add(Shop.order(shop, "PAYRUSH", 1, "payrush" + i + "@stripes.example"));
        }
        List<Callable<Integer>> payments = new ArrayList<>();
        for (Shop.PlacedOrder order : orders) {
            payments.add(() -> Shop.pay(shop, order, "PR-" + order.orderNo()).status());
        }
        assertThat(Concurrently.run(16, payments)).containsOnly(200);
        Awaitility.await().atMost(Duration.ofMinutes(2)).until(() ->
                jdbc.queryForObject("SELECT count(*) FROM customer_order WHERE status = 'DELIVERED'", Integer.class) == 20);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'SOLD'", Integer.class)).isEqualTo(20);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT order_id) FROM card_key WHERE status = 'SOLD'", Integer.class))
                .isEqualTo(20);
        assertThat(available()).isZero();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM customer_order WHERE status = 'AWAITING_STOCK'", Integer.class) == 10);
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM card_key k JOIN customer_order o ON o.id = k.order_id WHERE o.status = 'AWAITING_STOCK'""",
                Integer.class)).as("the ten paid orders without a key wait for stock, holding none").isZero();
    }

    private long placed(Shop.PlacedOrder order) {
        return jdbc.queryForObject("SELECT id FROM customer_order WHERE order_no = ?", Long.class, order.orderNo());
    }

    /** The id the next order will get (the sequence restarts with every test's cleanup). */
    private long nextOrderId() {
        return jdbc.queryForObject("""
                SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM customer_order_id_seq""", Long.class);
    }

    private List<Long> stripesOf(long orderId, String status) {
        return jdbc.queryForList("SELECT id % 16 FROM card_key WHERE order_id = ? AND status = ? ORDER BY id", Long.class,
                orderId, status);
    }

    private List<Long> keysOf(long orderId, String status) {
        return jdbc.queryForList("SELECT id FROM card_key WHERE order_id = ? AND status = ? ORDER BY id", Long.class,
                orderId, status);
    }

    private List<Long> availableIds() {
        return jdbc.queryForList("SELECT id FROM card_key WHERE status = 'AVAILABLE' ORDER BY id", Long.class);
    }

    private int available() {
        return jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'AVAILABLE'", Integer.class);
    }
}
