package io.kamiflow.inventory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

import org.springframework.stereotype.Component;

/**
 * Where this node's scans of a product's keys on sale start, on PostgreSQL: below it lie, as far as this node has seen,
 * only keys taken already. A taken key's entry stays in the available-key indexes (dead, skipped, but read) until
 * VACUUM removes it, so a scan from the product's lowest id reads one index page per ~400 keys sold: a hundred pages
 * a statement late in a 50,000-key sale (docs/capacity.md). Per stripe the lowest key this node last took there; a
 * product's floor is the lowest of its 16, and 0 until all 16 are known.
 * <p>
 * Only a hint: whatever it says, the count and the pick answer as a scan from the lowest would. A count from the floor
 * is used only when it reaches its limit (it is then what the full count says too); a pick from it that comes up short
 * is made again from the lowest. Keys that come back below it (another node's release, a reservation that lapsed) are
 * found when the keys above run short, or sooner after this node's own release, which resets the product's floor.
 * Kept by {@link KeyClaimer}, read by {@link StockService}'s bounded count too.
 */
@Component
class ScanFloors {

    private final ConcurrentHashMap<Long, AtomicLongArray> byProduct = new ConcurrentHashMap<>();

    /** The id the product's scans may start at: 0 (the lowest) while a stripe has no floor yet. */
    long of(long productId) {
        AtomicLongArray stripes = byProduct.get(productId);
        if (stripes == null) {
            return 0;
        }
        long floor = Long.MAX_VALUE;
        for (int stripe = 0; stripe < stripes.length(); stripe++) {
            floor = Math.min(floor, stripes.get(stripe));
        }
        return floor;
    }

    /** This node took keys of the product's stripe, the lowest of them {@code lowestId}. */
    void took(long productId, int stripe, long lowestId) {
        byProduct.computeIfAbsent(productId, p -> new AtomicLongArray(16)).set(stripe, lowestId);
    }

    /**
     * A count of the product's keys on sale (KeyClaimer.COUNT_FROM_FLOOR or COUNT_FROM_LOWEST) answered {@code available}
     * of at most {@code limit}, started at {@code floor}: short from a floor (the product's last keys, or keys back below
     * it), the floor is forgotten. A sold-out product's counts would otherwise search above the floor, where none of its
     * keys are, on every refused checkout.
     */
    void counted(long productId, long floor, long available, long limit) {
        if (floor > 0 && available < limit) {
            forget(productId);
        }
    }

    /** The product's scans start at the lowest again: keys of it came back to stock on this node, or a count was short. */
    void forget(long productId) {
        byProduct.remove(productId);
    }

    /** Tests: a database emptied under a running node reuses product ids, whose floors would then be stale. */
    void forgetAll() {
        byProduct.clear();
    }
}
