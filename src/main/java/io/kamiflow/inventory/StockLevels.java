package io.kamiflow.inventory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The stock a buyer's page shows, cached per node (issue 23: a flash sale's readers must not count the keys on every
 * page). A change this node commits shows on the next page here: a reservation, a sale from stock or a release moves
 * the kept level by its count once it commits, without counting again (in a sale the count would follow every
 * checkout); other changes (new keys, a voided batch) drop the level. A change another node commits shows within the
 * TTL (kamiflow.storefront.stock-ttl, 1 s by default). Checkout never reads this: it locks real keys.
 * <p>
 * A level counted while one of this node's changes was committing may or may not include it: such a level is dropped
 * when that change's transaction ends, never moved, and a level whose count overlapped the end of one is not kept.
 * While no level is kept, a product is counted once at a time: the views meanwhile take that count, unless one of this
 * node's changes ended after it began.
 */
@Service
public class StockLevels {

    /** @param changesSeen the product's last change (a commit about to begin) when the count ended */
    private record Level(long available, long loadedAt, long changesSeen) {
    }

    /** One product's kept level and the count of this node's changes to it; guarded by its own monitor. */
    private static final class Product {
        Level level;
        /** changes whose commit began, numbered */
        long committing;
        /** changes whose transaction ended */
        long ended;
        /** the count under way, if any */
        Counting counting;
    }

    /** @param endedBefore the product's ended changes when the count began */
    private record Counting(CompletableFuture<Long> result, long endedBefore) {
    }

    private final StockService stock;
    private final Counter counts;
    private volatile long ttlNanos;
    private final ConcurrentHashMap<Long, Product> products = new ConcurrentHashMap<>();

    StockLevels(StockService stock, @Value("${kamiflow.storefront.stock-ttl:1s}") Duration ttl, MeterRegistry meters) {
        this.stock = stock;
        this.counts = Counter.builder("kamiflow.storefront.stock.counts")
                .description("stock counts the storefront's levels made on this node (each a count of a product's keys)")
                .register(meters);
        this.ttlNanos = ttl.toNanos();
    }

    /**
     * Changes how long a copy is kept (kamiflow.storefront.stock-ttl), at run time: the tests' profile keeps nothing and
     * StorefrontCacheTest sets the production time for its own tests, in the one Spring context all tests share.
     */
    public void setTtl(Duration ttl) {
        this.ttlNanos = ttl.toNanos();
    }

    /**
     * Keys on sale as of at most the TTL ago, plus what this node committed since. While no level is kept, one view
     * counts and the views arriving meanwhile take its count, unless one of this node's changes ended after it began.
     */
    public long available(long productId) {
        Product product = products.computeIfAbsent(productId, id -> new Product());
        // the time is taken before the count: the level's age is never less than what it missed
        long now = System.nanoTime();
        Counting running;
        Counting mine = null;
        synchronized (product) {
            Level level = product.level;
            if (level != null && now - level.loadedAt() < ttlNanos) {
                return level.available();
            }
            running = product.counting;
            // a count under way that began after every change of ours that ended so far holds them all: taken
            if (running == null || running.endedBefore() != product.ended) {
                mine = new Counting(new CompletableFuture<>(), product.ended);
                product.counting = mine;
            }
        }
        return mine == null ? join(running) : count(productId, product, mine, now); // never waits under the monitor
    }

    private long count(long productId, Product product, Counting counting, long now) {
        long available;
        try {
            counts.increment();
            available = stock.available(productId);
        } catch (RuntimeException | Error failed) { // the views waiting for it fail with it; the next view counts anew
            synchronized (product) {
                if (product.counting == counting) {
                    product.counting = null;
                }
            }
            counting.result().completeExceptionally(failed);
            throw failed;
        }
        synchronized (product) {
            if (product.counting == counting) {
                product.counting = null;
            }
            if (product.ended == counting.endedBefore()) { // no change of ours ended meanwhile: it holds each or not
                product.level = new Level(available, now, product.committing);
            }
        }
        counting.result().complete(available);
        return available;
    }

    private static long join(Counting running) {
        try {
            return running.result().join();
        } catch (CompletionException failed) {
            throw failed.getCause() instanceof RuntimeException cause ? cause : failed;
        }
    }

    /**
     * The product's stock changes in the caller's transaction by {@code delta} keys on sale: once it commits, the
     * kept level moves by it (or is dropped, should the level have been counted while this commit was under way).
     */
    void changed(long productId, long delta) {
        change(productId, delta);
    }

    /** The product's stock changes in the caller's transaction by a count not known here: its level is dropped. */
    void changed(long productId) {
        change(productId, null);
    }

    private void change(long productId, Long delta) {
        Product product = products.computeIfAbsent(productId, id -> new Product());
        if (!TransactionSynchronizationManager.isSynchronizationActive()) { // committed on its own: a count may hold it
            ended(product, Long.MAX_VALUE, true, null);
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            /** this change's number, taken as its commit begins: a count that ended before that cannot hold it */
            private long number = Long.MAX_VALUE;

            @Override
            public void beforeCommit(boolean readOnly) {
                synchronized (product) {
                    number = ++product.committing;
                }
            }

            @Override
            public void afterCompletion(int status) {
                // an unknown outcome (the connection lost as it committed) may have changed the stock: dropped
                ended(product, number, status != STATUS_ROLLED_BACK, status == STATUS_COMMITTED ? delta : null);
            }
        });
    }

    /**
     * @param number    the change's number, from its commit's beginning; MAX_VALUE when it has none
     * @param committed false when it rolled back: what is on sale stayed as it was
     * @param delta     null when not known: the level is dropped
     */
    private static void ended(Product product, long number, boolean committed, Long delta) {
        synchronized (product) {
            product.ended++;
            Level level = product.level;
            if (!committed || level == null) {
                return;
            }
            // a change without a number (its commit began unseen) may be in any count: dropped, as an unknown one
            product.level = delta != null && number != Long.MAX_VALUE && number > level.changesSeen()
                    ? new Level(level.available() + delta, level.loadedAt(), level.changesSeen())
                    : null;
        }
    }
}
