package io.kamiflow.inventory;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The stock a buyer's page shows, cached per node (issue 23: a flash sale's readers must not count the keys on every
 * page). A level is dropped when this node changes the product's stock (reserve, claim, release, new keys, void),
 * once the change commits, so the next page here shows it; a change another node commits shows within the TTL
 * (kamiflow.storefront.stock-ttl, 1 s by default). Checkout never reads this: it locks real keys.
 */
@Service
public class StockLevels {

    /** @param generation the product's change count when the load began: a change during the load voids it */
    private record Level(long available, long generation, long loadedAt) {
    }

    private final StockService stock;
    private volatile long ttlNanos;
    private final ConcurrentHashMap<Long, Level> levels = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Long> generations = new ConcurrentHashMap<>();

    StockLevels(StockService stock, @Value("${kamiflow.storefront.stock-ttl:1s}") Duration ttl) {
        this.stock = stock;
        this.ttlNanos = ttl.toNanos();
    }

    /**
     * Changes how long a copy is kept (kamiflow.storefront.stock-ttl), at run time: the tests' profile keeps nothing and
     * StorefrontCacheTest sets the production time for its own tests, in the one Spring context all tests share.
     */
    public void setTtl(Duration ttl) {
        this.ttlNanos = ttl.toNanos();
    }

    /** Keys on sale as of at most the TTL ago, or as of this node's last change of the product's stock. */
    public long available(long productId) {
        long generation = generations.getOrDefault(productId, 0L);
        long now = System.nanoTime();
        Level level = levels.get(productId);
        if (level != null && level.generation() == generation && now - level.loadedAt() < ttlNanos) {
            return level.available();
        }
        // the time is taken before the count: the level's age is never less than what it missed
        long available = stock.available(productId);
        levels.put(productId, new Level(available, generation, now));
        return available;
    }

    /**
     * The product's stock changes in the caller's transaction: its level is dropped now (a page reading meanwhile
     * sees the old count, which is still what is committed) and again when the transaction ends, so that a page
     * reading between the drop and the commit cannot keep the old count as new.
     */
    void changed(long productId) {
        bump(productId);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    bump(productId);
                }
            });
        }
    }

    private void bump(long productId) {
        generations.merge(productId, 1L, Long::sum);
    }
}
