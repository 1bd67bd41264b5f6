package io.kamiflow.db;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Guards network calls (gateways, SMTP): no database transaction, and so no pooled connection, may be held across
 * one. A caller that wraps such a call in a transaction fails at once instead of tying up the pool while it waits.
 */
public final class NoTransaction {

    private NoTransaction() {
    }

    /** @throws IllegalStateException when the current thread is inside a transaction */
    public static void require(String call) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException(call + " must not run inside a database transaction: commit first, "
                    + "then call, then record the result in a new transaction");
        }
    }
}
