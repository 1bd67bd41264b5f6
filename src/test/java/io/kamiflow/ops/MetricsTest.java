package io.kamiflow.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Metrics;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * Every shop metric moves when its flow runs: real callbacks over HTTP, the real process on the job executor,
 * then a scrape of /actuator/prometheus on the management port. Counters are compared before and after, since
 * the context (and its registry) is shared by all tests.
 */
class MetricsTest extends IntegrationTest {

    @LocalManagementPort
    int managementPort;

    @Test
    void aPaidOrderMovesCallbacksOrdersMailLatencyAndStock() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "MET", "2.00", 3);
        Shop.PlacedOrder order = Shop.order(shop, "MET", 1, "metrics@example.com");
        Metrics before = scrape();

        Map<String, String> forged = ShopClient.signedNotice(order.orderNo(), "MET-1", order.amount(), order.currency());
        forged.put("sign", "00" + forged.get("sign").substring(2));
        assertThat(shop.sandboxNotify(forged).status()).isEqualTo(400);
        assertThat(Shop.pay(shop, order, "MET-1").body()).isEqualTo("success");
        assertThat(Shop.pay(shop, order, "MET-1").body()).isEqualTo("success"); // the gateway repeats itself
        awaitDelivered(order.orderNo());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).as("the duplicate changed nothing").isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery_attempt WHERE outcome = 'SENT'", Integer.class)).isEqualTo(1);

        Metrics after = scrape();
        assertMoved(before, after, 1, "kamiflow_callbacks_total", "channel", "sandbox", "outcome", "accepted");
        assertMoved(before, after, 1, "kamiflow_callbacks_total", "channel", "sandbox", "outcome", "duplicate");
        assertMoved(before, after, 1, "kamiflow_callbacks_total", "channel", "sandbox", "outcome", "rejected", "reason", "invalid");
        assertMoved(before, after, 1, "kamiflow_orders_total", "event", "paid");
        assertMoved(before, after, 1, "kamiflow_orders_total", "event", "delivered");
        assertMoved(before, after, 1, "kamiflow_mail_attempts_total", "outcome", "sent");
        assertMoved(before, after, 1, "kamiflow_order_keys_visible_seconds_count");
        assertMoved(before, after, 1, "kamiflow_order_mailed_seconds_count");
        assertThat(after.has("kamiflow_order_mailed_seconds_bucket", "le", "+Inf")).as("a histogram").isTrue();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(scrape().value("kamiflow_stock_available_keys", "sku", "MET")).isEqualTo(2));
        assertThat(after.text()).doesNotContain("metrics@example.com");
    }

    /** Counting every key on sale every few seconds grows with the stock: the gauge stops 1,000 past the threshold. */
    @Test
    void keysOnSaleAreCountedExactlyUpToAThousandPastTheLowStockThreshold() {
        ShopClient shop = shop();
        assertThat(shop.createProduct("BIG", "1.00", "CNY", 5).status()).isEqualTo(201);
        assertThat(shop.generateKeys("BIG", 1_010).json().get("generated").asInt()).isEqualTo(1_010);
        assertThat(shop.createProduct("LOW", "1.00", "CNY", 5).status()).isEqualTo(201);
        assertThat(shop.generateKeys("LOW", 4).json().get("generated").asInt()).isEqualTo(4);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Metrics gauges = scrape();
            assertThat(gauges.value("kamiflow_stock_available_keys", "sku", "BIG")).as("1,005 counted of 1,010").isEqualTo(1_005);
            assertThat(gauges.value("kamiflow_stock_available_keys", "sku", "LOW")).isEqualTo(4);
        });
    }

    @Test
    void anOrderWithoutStockIsParkedAndCounted() {
        takeKeysOnPayment();
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "PARK", "2.00", 1);
        Shop.PlacedOrder first = Shop.order(shop, "PARK", 1, "first@example.com");
        Shop.PlacedOrder second = Shop.order(shop, "PARK", 1, "second@example.com");
        Metrics before = scrape();
        Shop.pay(shop, first, "PARK-1");
        awaitDelivered(first.orderNo());
        Shop.pay(shop, second, "PARK-2");
        await().atMost(Duration.ofSeconds(20)).until(() -> "AWAITING_STOCK".equals(status(second)));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Metrics after = scrape();
            assertMoved(before, after, 1, "kamiflow_orders_total", "event", "parked");
            assertThat(after.value("kamiflow_orders_parked", "sku", "PARK")).isEqualTo(1);
            assertThat(after.value("kamiflow_stock_available_keys", "sku", "PARK")).isZero();
        });
    }

    @Test
    void aMailOutageCountsFailedAttemptsAndTheManualTask() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "MAILX", "2.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "MAILX", 1, "nomail@example.com");
        Metrics before = scrape();
        TestMail.stop();
        try {
            Shop.pay(shop, order, "MAILX-1");
            await().atMost(Duration.ofSeconds(40)).until(() -> "MANUAL".equals(status(order)));
        } finally {
            TestMail.start();
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> { // counters move right after the commit
            Metrics after = scrape();
            assertMoved(before, after, 4, "kamiflow_mail_attempts_total", "outcome", "transient_failure");
            assertMoved(before, after, 0, "kamiflow_mail_attempts_total", "outcome", "sent");
            assertMoved(before, after, 1, "kamiflow_orders_total", "event", "manual");
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Metrics gauges = scrape();
            assertThat(gauges.value("kamiflow_support_tasks_open", "task", "ManualDelivery")).isEqualTo(1);
            assertThat(gauges.has("kamiflow_support_task_oldest_age_seconds", "task", "ManualDelivery")).isTrue();
        });
    }

    @Test
    void aRefundIsCounted() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "REF", "2.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "REF", 1, "refund@example.com");
        Shop.pay(shop, order, "REF-1");
        awaitDelivered(order.orderNo());
        Metrics before = scrape();
        assertThat(shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/refund", "application/json",
                "{\"reason\":\"metrics\"}").status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> "REFUNDED".equals(status(order))
                && engine.getRuntimeService().createProcessInstanceQuery().processInstanceBusinessKey(order.orderNo()).count() == 0);
        assertMoved(before, scrape(), 1, "kamiflow_orders_total", "event", "refunded");
    }

    @Test
    void remoteCallsWaitingForAStoppedNodeShowAsBacklog() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "JOBS", "2.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "JOBS", 1, "jobs@example.com");
        JobExecutor executor = ((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration()).getJobExecutor();
        executor.shutdown();
        fulfillmentSettings.setMailAfterCommit(false); // Send keys, a remote call the stopped node does not make
        try {
            Shop.pay(shop, order, "JOBS-1");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Metrics metrics = scrape();
                assertThat(metrics.value("kamiflow_camunda_remote_calls_due")).isGreaterThanOrEqualTo(1);
                assertThat(metrics.value("kamiflow_camunda_remote_call_backlog_oldest_seconds")).isGreaterThan(0.5);
            });
        } finally {
            fulfillmentSettings.setMailAfterCommit(true);
            executor.start();
        }
        awaitDelivered(order.orderNo());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(scrape().value("kamiflow_camunda_remote_call_backlog_oldest_seconds")).isLessThan(5));
    }

    @Test
    void engineGaugesAreExported() {
        Metrics metrics = scrape();
        for (String gauge : new String[] {"kamiflow_camunda_incidents_open", "kamiflow_camunda_jobs_due",
                "kamiflow_camunda_jobs_failed", "kamiflow_camunda_job_backlog_oldest_seconds",
                "kamiflow_camunda_remote_calls_due", "kamiflow_camunda_remote_call_backlog_oldest_seconds",
                "kamiflow_paid_orders_without_keys_oldest_seconds", "kamiflow_key_mails_queued",
                "kamiflow_key_mail_queued_oldest_seconds", "kamiflow_clock_skew_seconds"}) {
            assertThat(metrics.has(gauge)).as(gauge).isTrue();
        }
    }

    /**
     * Requests are timed (http_server_requests_seconds, by route pattern, never by order number) without a long task
     * timer started and stopped around each: its in-flight gauge was 2 % of a checkout's CPU and nobody read it.
     */
    @Test
    void requestsAreTimedByRouteWithoutAnInFlightTimerPerRequest() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "MET", "2.00", 1);
        Metrics before = scrape();
        Shop.PlacedOrder order = Shop.order(shop, "MET", 1, "metrics-timed@example.com");
        awaitMoved(before, 1, "http_server_requests_seconds_count", "method", "POST", "uri", "/api/orders", "status", "201");
        Metrics after = scrape();
        assertThat(after.text()).doesNotContain("http_server_requests_active").doesNotContain(order.orderNo());
    }

    private String status(Shop.PlacedOrder order) {
        return jdbc.queryForObject("SELECT status FROM customer_order WHERE order_no = ?", String.class, order.orderNo());
    }

    private Metrics scrape() {
        return Metrics.scrape(managementPort);
    }

    /** A callback reaches its controller however its path is spelled (an encoded letter): it is counted all the same. */
    @Test
    void aCallbackIsCountedHoweverItsPathIsSpelled() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "MET", "2.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "MET", 1, "metrics-spelled@example.com");
        Metrics before = scrape();
        Map<String, String> forged = ShopClient.signedNotice(order.orderNo(), "MET-2", order.amount(), order.currency());
        forged.put("sign", "00" + forged.get("sign").substring(2));
        for (String path : new String[] {"/api/payments/s%61ndbox/notify", "/api/p%61yments/sandbox/notify"}) {
            assertThat(shop.postForm(path, forged).status()).as(path + " reaches the sandbox's controller").isEqualTo(400);
        }
        awaitMoved(before, 2, "kamiflow_callbacks_total", "channel", "sandbox", "outcome", "rejected", "reason", "invalid");
    }

    private static void assertMoved(Metrics before, Metrics after, double by, String name, String... labels) {
        assertThat(after.value(name, labels) - before.value(name, labels)).as(name + " " + String.join(",", labels)).isEqualTo(by);
    }

    /** As above, for counters a filter moves after the answer went out: the client can scrape before the increment. */
    private void awaitMoved(Metrics before, double by, String name, String... labels) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertMoved(before, scrape(), by, name, labels));
    }
}
