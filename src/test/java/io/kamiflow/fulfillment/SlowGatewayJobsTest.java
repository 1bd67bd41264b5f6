package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.kamiflow.gateway.stripe.FakeStripe;
import io.kamiflow.gateway.wechat.FakeWechatPay;
import io.kamiflow.support.DatabaseSessions;
import io.kamiflow.support.FakeGateway;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.externaltask.ExternalTaskQuery;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The periodic processes' gateway calls (Close trade at gateway, Check payment at gateway) hold no transaction and no
 * pooled connection while the gateway takes its time (issue 19, hole 2), and give up within the bounded timeouts:
 * a hanging gateway shows as a failed attempt that is retried, never as a connection the shop is missing.
 */
class SlowGatewayJobsTest extends ProcessTest {

    /** connect 5 s + read 10 s, plus a second for the short transactions around the call on a busy test machine */
    private static final Duration BOUND = Duration.ofSeconds(16);
    private static final String SESSIONS = "/stripe/v1/checkout/sessions";

    private final CountDownLatch gatewayWakesUp = new CountDownLatch(1);
    private final ExecutorService background = Executors.newSingleThreadExecutor();
    private FakeStripe stripe;

    @BeforeEach
    void gateways() {
        stripe = FakeStripe.install();
        FakeWechatPay.install();
    }

    @AfterEach
    void wakeTheGatewayUp() {
        gatewayWakesUp.countDown();
        background.shutdownNow();
        FakeGateway.reset();
    }

    private FakeGateway.Reply hang(FakeGateway.Request request) throws InterruptedException {
        gatewayWakesUp.await(5, TimeUnit.MINUTES);
        return new FakeGateway.Reply(500, Map.of(), "woke up too late");
    }

    @Test
    void closingATradeAtAHangingGatewayHoldsNoTransactionAndGivesUpInTime() throws Exception {
        Shop.productWithKeys(shop, "SLOW", "12.50", 2);
        Shop.PlacedOrder order = shop.order("SLOW", 1, "slow-close@example.com", "stripe");
        String session = jdbc.queryForObject("SELECT gateway_reference FROM customer_order WHERE order_no = ?",
                String.class, order.orderNo());
        FakeGateway.on("POST", SESSIONS + "/" + session + "/expire", this::hang);

        long start = System.nanoTime();
        Future<?> expiry = background.submit(this::expireUnpaidOrders);
        await().atMost(Duration.ofSeconds(10)).until(() -> !FakeStripe.expireRequests().isEmpty());
        Thread.sleep(1500); // a transaction held across the call has now been idle for over a second

        assertThat(DatabaseSessions.idleInTransactionForASecond()).as("sessions idle in a transaction while Stripe hangs")
                .isEmpty();
        expiry.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
        assertThat(tradeClose(order.orderNo())).as("still to close").isEqualTo("CLOSING");
        assertThat(FakeStripe.expireRequests()).as("one request: no SDK retries").hasSize(1);
        assertThat(remoteCallFailure("CloseTradeAtGateway")).contains("stripe did not answer");

        stripe.session(session, "open"); // Stripe answers again: the retry closes the trade
        retryRemoteCalls("order-expiry");
        assertThat(tradeClose(order.orderNo())).isEqualTo("CLOSED");
        assertThat(stripe.sessionStatus(session)).isEqualTo("expired");
    }

    @Test
    void askingHangingGatewaysAboutUnpaidOrdersHoldsNoTransactionAndGivesUpInTime() throws Exception {
        Shop.productWithKeys(shop, "SLOW", "12.50", 4);
        List<Shop.PlacedOrder> orders = List.of("alipay", "wechat", "epay", "stripe").stream()
                .map(channel -> shop.order("SLOW", 1, "slow-" + channel + "@example.com", channel)).toList();
        FakeGateway.on("POST", "/alipay/gateway.do", this::hang);
        FakeGateway.on("GET", "/epay/api.php", this::hang);
        FakeGateway.on("GET", "/stripe/v1/payment_intents/search", this::hang);
        FakeGateway.on("GET", "/wechat/v3/pay/transactions/out-trade-no/" + orders.get(1).orderNo(), this::hang);

        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(3))));
        long start = System.nanoTime();
        Future<?> compensation = background.submit(() -> runOnTheWorkersThreads("payment-compensation"));
        await().atMost(Duration.ofSeconds(10)).until(() -> FakeGateway.requests().stream()
                .anyMatch(request -> request.method().equals("GET") || request.path().startsWith("/alipay")));
        Thread.sleep(1500);

        assertThat(DatabaseSessions.idleInTransactionForASecond()).as("sessions idle in a transaction while gateways hang")
                .isEmpty();
        compensation.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
        assertThat(FakeGateway.requests()).filteredOn(request -> request.method().equals("GET") || request.path().startsWith("/alipay"))
                .as("each gateway asked once: no SDK retries").hasSize(4);
        orders.forEach(order -> assertUntouchedOrder(order.orderNo()));
    }

    /** As runPeriodicProcess, but the gateway calls go to the worker's own threads, side by side, as in production. */
    private void runOnTheWorkersThreads(String processKey) {
        ManagementService management = engine.getManagementService();
        management.executeJob(management.createJobQuery().processDefinitionKey(processKey).timers().singleResult().getId());
        ExternalTaskQuery calls = engine.getExternalTaskService().createExternalTaskQuery().processDefinitionKey(processKey);
        while (calls.count() > 0) {
            remoteCallWorker.poll(); // takes what its idle threads can
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (List<Job> left = jobsOf(processKey); !left.isEmpty(); left = jobsOf(processKey)) {
            left.forEach(job -> management.executeJob(job.getId())); // joining the instances (asyncAfter)
        }
    }

    private List<Job> jobsOf(String processKey) {
        return engine.getManagementService().createJobQuery().processDefinitionKey(processKey).messages().list();
    }

    private void assertUntouchedOrder(String orderNo) {
        assertThat(orderStatus(orderNo)).isEqualTo("PENDING_PAYMENT");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isZero();
    }
}
