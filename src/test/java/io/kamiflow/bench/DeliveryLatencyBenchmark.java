package io.kamiflow.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.kamiflow.support.Concurrently;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How fast a paid order reaches the buyer, on real PostgreSQL and SMTP: callback answer time and
 * payment-recorded-to-delivered latency at several callback concurrencies. Prints a table; asserts
 * only that every order was delivered. Run with {@code ./mvnw verify -Pbenchmark}.
 */
@Tag("benchmark")
class DeliveryLatencyBenchmark extends IntegrationTest {

    private static final int ORDERS_PER_ROUND = 200;
    private static final int[] CONCURRENCY = {1, 8, 32};

    @Test
    void paidToDeliveredLatency() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "BENCH", "1.00", ORDERS_PER_ROUND * CONCURRENCY.length + 10);
        List<String> rows = new ArrayList<>();
        for (int threads : CONCURRENCY) {
            rows.add(round(shop, threads));
        }
        System.out.println();
        System.out.println("kamiflow delivery latency (" + ORDERS_PER_ROUND + " orders per row, sandbox callbacks over HTTP)");
        System.out.println("| callback threads | callback p50 ms | callback p95 ms | paid->delivered p50 ms | p95 ms | max ms | orders/s |");
        System.out.println("|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        System.out.println();
    }

    private String round(ShopClient shop, int threads) throws Exception {
        jdbc.update("DELETE FROM delivery_attempt");
        List<Shop.PlacedOrder> orders = new ArrayList<>();
        for (int i = 0; i < ORDERS_PER_ROUND; i++) {
            orders.add(Shop.order(shop, "BENCH", 1, "b" + threads + "-" + i + "@bench.example"));
        }
        List<Callable<Long>> callbacks = new ArrayList<>();
        for (Shop.PlacedOrder order : orders) {
            callbacks.add(() -> {
                long start = System.nanoTime();
                assertThat(Shop.pay(shop, order, "B-" + order.orderNo()).status()).isEqualTo(200);
                return (System.nanoTime() - start) / 1_000_000;
            });
        }
        long started = System.nanoTime();
        long[] answers = Concurrently.run(threads, callbacks).stream().mapToLong(Long::longValue).sorted().toArray();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100)).until(() ->
                jdbc.queryForObject("SELECT count(*) FROM delivery_attempt WHERE outcome = 'SENT'", Integer.class) == ORDERS_PER_ROUND);
        double seconds = (System.nanoTime() - started) / 1e9;
        long[] latencies = jdbc.queryForList("""
                SELECT CAST(EXTRACT(EPOCH FROM (o.delivered_at - p.received_at)) * 1000 AS BIGINT)
                FROM customer_order o JOIN payment p ON p.id = o.payment_id
                WHERE o.status = 'DELIVERED' AND p.trade_no LIKE 'B-%' AND o.buyer_email LIKE ?""",
                Long.class, "b" + threads + "-%").stream().mapToLong(Long::longValue).sorted().toArray();
        assertThat(latencies).hasSize(ORDERS_PER_ROUND);
        return "| %d | %d | %d | %d | %d | %d | %.0f |".formatted(threads, percentile(answers, 50), percentile(answers, 95),
                percentile(latencies, 50), percentile(latencies, 95), latencies[latencies.length - 1],
                ORDERS_PER_ROUND / seconds);
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

}
