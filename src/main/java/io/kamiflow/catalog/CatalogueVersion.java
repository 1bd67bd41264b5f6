package io.kamiflow.catalog;

import java.util.concurrent.atomic.AtomicLong;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Counts this node's changes of what the storefront shows of the catalogue (products, categories, tiers, images), so
 * that {@link CatalogueCache} drops its copy. Apart from the cache so that the repositories can tell it without
 * depending on what reads them.
 */
@Component
class CatalogueVersion {

    private final AtomicLong generation = new AtomicLong();

    long generation() {
        return generation.get();
    }

    /**
     * A change in the caller's transaction: counted now and again when it ends, so that a copy loaded between the two
     * (still without the change) is not taken for a fresh one.
     */
    void changed() {
        generation.incrementAndGet();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    generation.incrementAndGet();
                }
            });
        }
    }
}
