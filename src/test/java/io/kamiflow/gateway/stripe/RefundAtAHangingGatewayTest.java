package io.kamiflow.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.kamiflow.support.FakeGateway;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * No database transaction and no pooled connection across the gateway's refund call: while Stripe keeps the refund
 * request waiting, the refund holds no connection of the pool, the shop answers as fast as ever, and a second
 * refund request for the order is answered at once with the state of the first.
 */
class RefundAtAHangingGatewayTest extends ProcessTest {

    @Autowired
    DataSource dataSource;

    private FakeStripe stripe;
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void hangingStripe() {
        stripe = FakeStripe.install();
        stripe.holdRefunds(reached, release);
    }

    @AfterEach
    void resetFake() {
        release.countDown();
        FakeGateway.reset();
    }

    @Test
    void whileStripeHangsOnTheRefundNoConnectionIsHeldAndASecondRequestIsAnsweredAtOnce() throws Exception {
        Shop.productWithKeys(shop, "SLOW", "12.50", 3);
        Shop.PlacedOrder order = shop.order("SLOW", 1, "slow-refund@example.com", "stripe");
        String event = StripeEventsFixture.event("checkout.session.completed",
                StripeEventsFixture.session(order.orderNo(), "pi_slow_1", 1250, "paid"));
        assertThat(shop.send("POST", "/api/payments/stripe/webhook", "application/json", event,
                Map.of("Stripe-Signature", StripeEventsFixture.sign(event))).status()).isEqualTo(200);
        executeJob(instanceFor(order.orderNo())); // delivered
        assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");

        assertThat(refund(order).status()).isEqualTo(202);
        ProcessInstance refund = instanceFor(order.orderNo());
        executeJob(refund); // after the message start
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try {
            Future<?> call = worker.submit(() -> executeJob(refund)); // Refund payment: Stripe does not answer
            assertThat(reached.await(10, TimeUnit.SECONDS)).as("the refund request reached Stripe").isTrue();

            int fewestActive = Integer.MAX_VALUE;
            for (int sample = 0; sample < 20; sample++) {
                fewestActive = Math.min(fewestActive, pool().getActiveConnections());
                Thread.sleep(50);
            }
            assertThat(fewestActive).as("pooled connections in use while Stripe hangs (at the quietest moment)").isZero();

            long started = System.nanoTime();
            ShopClient.Response second = refund(order);
            long secondMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(second.status()).as(second.body()).isEqualTo(409);
            assertThat(second.json().get("detail").asText()).contains("already", "REQUESTED");
            assertThat(secondMillis).as("ms for the second refund request").isLessThan(1000);

            started = System.nanoTime();
            ShopClient.Response detail = shop.admin("GET", "/api/admin/orders/" + order.orderNo(), null, null);
            ShopClient.Response checkout = shop.createOrder("SLOW", 1, "someone-else@example.com", "sandbox");
            long othersMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            System.out.printf("while Stripe hung on the refund: fewest pooled connections in use %d, second refund request"
                    + " %d ms, admin order page + a checkout %d ms%n", fewestActive, secondMillis, othersMillis);
            assertThat(othersMillis).as("ms for an order page and a checkout").isLessThan(1000);
            assertThat(detail.json().get("payments").get(0).get("refundStatus").asText()).isEqualTo("REQUESTED");
            assertThat(checkout.status()).isEqualTo(201);

            release.countDown();
            call.get(20, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            worker.shutdownNow();
        }
        runUntilOnlyTasksWait(order.orderNo());

        assertThat(FakeStripe.refundRequests()).hasSize(1);
        assertThat(jdbc.queryForMap("SELECT refund_status, refunded_at FROM payment WHERE order_no = ?", order.orderNo()))
                .containsEntry("refund_status", "SUCCEEDED").hasEntrySatisfying("refunded_at", at -> assertThat(at).isNotNull());
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
        assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery().processDefinitionKey("payment-refund")
                .processInstanceBusinessKey(order.orderNo()).count()).isEqualTo(1);
    }

    private ShopClient.Response refund(Shop.PlacedOrder order) {
        return shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/refund", "application/json",
                "{\"reason\":\"too slow\"}");
    }

    private com.zaxxer.hikari.HikariPoolMXBean pool() throws Exception {
        return dataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean();
    }
}
