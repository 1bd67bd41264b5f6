package io.kamiflow.ordering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.kamiflow.storefront.StorefrontForms;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Metrics;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * Placements run a few at a time (CheckoutGate): a checkout that finds every turn taken waits for one, and one that
 * waited the whole checkout-max-wait (4 s in the tests) is answered 503 through the API and the buy form alike,
 * with nothing placed and no key held.
 */
class CheckoutGateTest extends IntegrationTest {

    @Autowired
    CheckoutGate gate;

    @LocalManagementPort
    int managementPort;

    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Thread> holders = new ArrayList<>();

    @AfterEach
    void releaseTheTurns() throws InterruptedException {
        release.countDown();
        for (Thread holder : holders) {
            holder.join(10_000);
        }
    }

    @Test
    void aCheckoutWaitsForItsTurnAndIsPlacedWhenOneIsFree() throws Exception {
        Shop.productWithKeys(shop(), "TURN", "5.00", 2);
        takeEveryTurn();
        CompletableFuture<ShopClient.Response> waiting = CompletableFuture.supplyAsync(
                () -> shop().createOrder("TURN", 1, "patient@example.com", "sandbox"));
        await().atMost(Duration.ofSeconds(10)).until(() -> gate.waiting() == 1);
        assertThat(waiting).as("still waiting for a turn").isNotDone();
        assertThat(ordersOf("patient@example.com")).isZero();

        release.countDown();
        ShopClient.Response placed = waiting.get(10, TimeUnit.SECONDS);
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        assertThat(ordersOf("patient@example.com")).isOne();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'RESERVED'", Integer.class)).isOne();
    }

    @Test
    void aCheckoutThatWaitedTooLongIsA503ThatPlacedNothingThroughTheApiAndTheBuyForm() throws Exception {
        Shop.productWithKeys(shop(), "TURN", "5.00", 2);
        double refusedBefore = Metrics.scrape(managementPort).value(REFUSED);
        StorefrontForms buyer = new StorefrontForms(port, "198.51.100.77");
        String csrf = buyer.csrfToken("/products/TURN");
        takeEveryTurn();
        CompletableFuture<ShopClient.Response> api = CompletableFuture.supplyAsync(
                () -> shop().createOrder("TURN", 1, "api-busy@example.com", "sandbox"));
        CompletableFuture<ShopClient.Response> form = CompletableFuture.supplyAsync(() -> buyer.post("/products/TURN/checkout",
                Map.of("quantity", "1", "email", "form-busy@example.com", "channel", "sandbox", "_csrf", csrf)));

        ShopClient.Response apiAnswer = api.get(30, TimeUnit.SECONDS);
        assertThat(apiAnswer.status()).as(apiAnswer.body()).isEqualTo(503);
        assertThat(apiAnswer.contentType()).startsWith("application/problem+json");
        assertThat(apiAnswer.retryAfter()).isPositive();
        assertThat(apiAnswer.json().get("detail").asText()).contains("nothing was ordered");
        assertThat(apiAnswer.json().get("reason").asText()).isEqualTo(CheckoutGate.BUSY);
        ShopClient.Response formAnswer = form.get(30, TimeUnit.SECONDS);
        assertThat(formAnswer.status()).isEqualTo(503);
        assertThat(formAnswer.body()).contains("Many buyers are ordering right now").doesNotContain("payment service");

        assertThat(ordersOf("api-busy@example.com") + ordersOf("form-busy@example.com")).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'AVAILABLE'", Integer.class)).isEqualTo(2);
        assertThat(Metrics.scrape(managementPort).value(REFUSED) - refusedBefore).isEqualTo(2);
        release.countDown();
        assertThat(shop().createOrder("TURN", 1, "api-busy@example.com", "sandbox").status()).as("a turn is free again")
                .isEqualTo(201);
    }

    /** Holds every turn of the node's gate until {@link #release}. */
    private void takeEveryTurn() {
        CountDownLatch taken = new CountDownLatch(gate.size());
        for (int i = 0; i < gate.size(); i++) {
            Thread holder = new Thread(() -> gate.through(() -> {
                taken.countDown();
                try {
                    return release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }), "gate-holder-" + i);
            holder.start();
            holders.add(holder);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> taken.getCount() == 0);
    }

    private int ordersOf(String email) {
        return jdbc.queryForObject("SELECT count(*) FROM customer_order WHERE buyer_email = ?", Integer.class, email);
    }

    static final String REFUSED = "kamiflow_checkout_gate_refused_total";
}
