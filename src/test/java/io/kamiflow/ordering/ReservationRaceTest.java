package io.kamiflow.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.kamiflow.support.Concurrently;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** on-checkout reservations under concurrency: no oversell at checkout, caps hold, expiry gives keys back. */
class ReservationRaceTest extends IntegrationTest {

    @Autowired
    OrderExpiryService expiry;

    @Test
    void twoHundredConcurrentCheckoutsForOneHundredKeys() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "HOT", "9.00", 100);
        List<Callable<ShopClient.Response>> checkouts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String email = "fan" + i + "@reserve.example";
            checkouts.add(() -> shop.createOrder("HOT", 1, email, "sandbox"));
        }
        List<ShopClient.Response> replies = Concurrently.run(32, checkouts);
        List<Integer> statuses = replies.stream().map(ShopClient.Response::status).toList();

        assertThat(statuses.stream().filter(s -> s == 201).count()).isEqualTo(100);
        assertThat(statuses.stream().filter(s -> s == 409).count()).isEqualTo(100);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isEqualTo(100);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'RESERVED'", Integer.class)).isEqualTo(100);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT order_id) FROM card_key WHERE status = 'RESERVED'", Integer.class))
                .isEqualTo(100);
        assertThat(shop.createOrder("HOT", 1, "late@reserve.example", "sandbox").status()).isEqualTo(409);
    }

    @Test
    void everyReservedOrderThatPaysGetsItsReservedKeyAndUnpaidOnesExpire() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "HOT", "9.00", 100);
        List<Callable<ShopClient.Response>> checkouts = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            String email = "fan" + i + "@reserve.example";
            checkouts.add(() -> shop.createOrder("HOT", 1, email, "sandbox"));
        }
        List<ShopClient.Response> created = Concurrently.run(32, checkouts).stream().filter(r -> r.status() == 201).toList();
        assertThat(created).hasSize(100);

        // 80 pay at once, 20 never do
        List<Callable<Integer>> payments = new ArrayList<>();
        for (ShopClient.Response order : created.subList(0, 80)) {
            Shop.PlacedOrder placed = new Shop.PlacedOrder(order.json().get("orderNo").asText(),
                    order.json().get("accessToken").asText(), order.json().get("amount").asText(), "CNY");
            payments.add(() -> Shop.pay(shop, placed, "HOT-" + placed.orderNo()).status());
        }
        assertThat(Concurrently.run(32, payments)).containsOnly(200);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(2)).until(() ->
                jdbc.queryForObject("SELECT count(*) FROM customer_order WHERE status = 'DELIVERED'", Integer.class) == 80);

        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'SOLD'", Integer.class)).isEqualTo(80);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT order_id) FROM card_key WHERE status = 'SOLD'", Integer.class))
                .isEqualTo(80);
        assertThat(TestMail.get().getReceivedMessages()).hasSize(80);
        assertThat(engine.getRuntimeService().createIncidentQuery().count()).isZero();

        assertThat(expiry.expireCreatedBefore(Instant.now().plusSeconds(1))).isEqualTo(20);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'AVAILABLE'", Integer.class)).isEqualTo(20);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'RESERVED'", Integer.class)).isZero();
        assertThat(shop.createOrder("HOT", 1, "late@reserve.example", "sandbox").status()).isEqualTo(201);
    }

    @Test
    void oneBuyerHoldsAtMostThreeOpenReservationsEvenWhenHammering() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "CAP", "1.00", 50);
        List<Callable<ShopClient.Response>> checkouts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            final int n = i;
            checkouts.add(() -> shop.createOrder("CAP", 1, n % 2 == 0 ? "Hoarder@Example.com" : "hoarder@example.com", "sandbox"));
        }
        List<ShopClient.Response> replies = Concurrently.run(20, checkouts);

        assertThat(replies.stream().filter(r -> r.status() == 201).count()).isEqualTo(3);
        List<ShopClient.Response> refused = replies.stream().filter(r -> r.status() == 429).toList();
        assertThat(refused).hasSize(17);
        assertThat(refused.get(0).contentType()).startsWith("application/problem+json");
        assertThat(refused.get(0).json().get("detail").asText()).contains("unpaid orders");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'RESERVED'", Integer.class)).isEqualTo(3);
        assertThat(shop.createOrder("CAP", 1, "someone.else@example.com", "sandbox").status()).isEqualTo(201);
    }

    @Test
    void paidReservationIsConfirmedByClaimKeys() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "CONF", "1.00", 3);
        Shop.PlacedOrder order = Shop.order(shop, "CONF", 2, "payer@example.com");
        List<Long> reserved = jdbc.queryForList("SELECT id FROM card_key WHERE status = 'RESERVED' ORDER BY id", Long.class);
        Shop.pay(shop, order, "CONF-1");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> "DELIVERED".equals(
                jdbc.queryForObject("SELECT status FROM customer_order", String.class)));
        assertThat(jdbc.queryForList("SELECT id FROM card_key WHERE status = 'SOLD' ORDER BY id", Long.class)).isEqualTo(reserved);
    }
}
