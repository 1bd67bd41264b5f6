package io.kamiflow.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.kamiflow.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The lock a checkout takes per buyer email and per client address: a second transaction of the same key waits until
 * the first ends, another key does not wait, and on PostgreSQL nothing is written (no lock row holding an email).
 */
class KeyedLocksTest extends IntegrationTest {

    @Autowired
    KeyedLocks locks;
    @Autowired
    TransactionTemplate transactions;

    @Test
    void theSameKeyWaitsForTheTransactionHoldingItAndAnotherKeyDoesNot() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> transactions.executeWithoutResult(tx -> {
            locks.hold("buyer_lock", "email", "first@locks.example.com");
            held.countDown();
            waitFor(release);
        }), "holder");
        holder.start();
        assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(holdOnItsOwnThread("buyer_lock", "other@locks.example.com").get(30, TimeUnit.SECONDS))
                .as("another email").isTrue();
        assertThat(holdOnItsOwnThread("address_lock", "first@locks.example.com").get(30, TimeUnit.SECONDS))
                .as("the same text in another kind of key").isTrue();
        CompletableFuture<Boolean> same = holdOnItsOwnThread("buyer_lock", "first@locks.example.com");
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("""
                SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND NOT granted""", Integer.class) == 1);
        assertThat(same).as("the same email, while the first transaction holds it").isNotDone();

        release.countDown();
        holder.join(30_000);
        assertThat(same.get(30, TimeUnit.SECONDS)).as("once the first transaction ended").isTrue();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM buyer_lock", Integer.class)).as("no row written").isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2", Integer.class))
                .as("released with their transactions").isZero();
    }

    /** A transaction on a thread of its own that takes the lock and commits at once. */
    private CompletableFuture<Boolean> holdOnItsOwnThread(String table, String key) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                transactions.executeWithoutResult(tx -> locks.hold(table, table.equals("buyer_lock") ? "email" : "address", key));
                done.complete(true);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, "lock-" + key);
        thread.setDaemon(true);
        thread.start();
        return done;
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
