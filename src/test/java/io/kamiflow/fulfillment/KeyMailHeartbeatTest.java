package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.kamiflow.db.SqlDialect;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A live node keeps the leases of the key mails it holds even when the machine is overloaded: one row another node's
 * sweep has locked (it is handing that mail over, slowly, on a busy machine) must not stall the beat that renews all
 * the others, or they pass too and the sweep takes them one after another; and a lease runs from the queueing, not
 * from the start of a paying callback's transaction that took seconds to get there.
 */
class KeyMailHeartbeatTest extends IntegrationTest {

    private static final Duration LEASE = Duration.ofSeconds(6);

    @Autowired
    JdbcClient jdbcClient;
    @Autowired
    SqlDialect dialect;
    @Autowired
    PlatformTransactionManager transactionManager;

    @Test
    void aRowLockedBySomeoneElseDoesNotStallTheBeatThatRenewsTheOthers() throws Exception {
        long locked = orderId("locked@example.com");
        long other = orderId("other@example.com");
        KeyMailLeases leases = new KeyMailLeases(jdbcClient, () -> LEASE, dialect);
        leases.insert(locked, "me");
        leases.insert(other, "me");
        // both half spent (this node's real sweep would drop them once passed: their orders are unpaid)
        jdbc.update("UPDATE key_mail_queue SET lease_until = CURRENT_TIMESTAMP + INTERVAL '3' SECOND");
        KeyMailHeartbeat heartbeat = new KeyMailHeartbeat(leases, () -> LEASE);
        heartbeat.queued(locked);
        heartbeat.queued(other);
        heartbeat.start("me"); // its own beats too, every third of the lease

        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> sweep = CompletableFuture.runAsync(() -> new TransactionTemplate(transactionManager)
                .executeWithoutResult(tx -> { // as a sweep that took the row and is still handing it over
                    jdbc.queryForList("SELECT order_id FROM key_mail_queue WHERE order_id = ? FOR UPDATE", locked);
                    holding.countDown();
                    await(release);
                }));
        try {
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> beat = CompletableFuture.runAsync(heartbeat::beat);
            beat.get(3, TimeUnit.SECONDS); // before: waited for the sweep's lock, however long it held it
            assertThat(secondsLeft(other)).as("the other mail's lease, renewed").isGreaterThan(4.0);
            assertThat(secondsLeft(locked)).as("the locked row is left to whoever holds it").isLessThan(3.0);
        } finally {
            heartbeat.stop();
            release.countDown();
            sweep.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLeaseRunsFromTheQueueingNotFromTheStartOfTheCallbacksTransaction() {
        long order = orderId("slowcallback@example.com");
        KeyMailLeases leases = new KeyMailLeases(jdbcClient, () -> Duration.ofSeconds(3), dialect);
        new TransactionTemplate(transactionManager).executeWithoutResult(tx -> {
            jdbc.queryForList("SELECT pg_sleep(2)"); // a paying callback's transaction that took 2 s to get to its queueing
            leases.insert(order, "me");
        });
        assertThat(secondsLeft(order)).as("lease left right after the commit").isGreaterThan(2.0);
    }

    private long orderId(String email) {
        ShopClient shop = shop();
        String sku = "HB" + Math.abs(email.hashCode());
        Shop.productWithKeys(shop, sku, "5.00", 1);
        Shop.PlacedOrder placed = Shop.order(shop, sku, 1, email);
        return jdbc.queryForObject("SELECT id FROM customer_order WHERE order_no = ?", Long.class, placed.orderNo());
    }

    private double secondsLeft(long orderId) {
        return jdbc.queryForObject("SELECT extract(epoch FROM lease_until - clock_timestamp()) FROM key_mail_queue"
                + " WHERE order_id = ?", Double.class, orderId);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
