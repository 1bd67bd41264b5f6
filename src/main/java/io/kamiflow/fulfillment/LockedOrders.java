package io.kamiflow.fulfillment;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.kamiflow.catalog.Money;
import io.kamiflow.ordering.Order;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Orders as a step of this transaction read them under their row lock ({@code FOR UPDATE}), and as that step left
 * them: the later steps of the same instance in the same transaction act on them instead of reading the row again
 * (issue 23: the paying callback read it five times). Bound to the Spring transaction, not kept in a process variable:
 * Camunda cannot hold an object in a transient variable without a serializer, and no client can set what is here.
 * Gone when the transaction ends (commit or rollback) and while a transaction of its own runs inside it, so a job, a
 * retry or the callback's second attempt finds nothing and its steps read the order themselves.
 */
final class LockedOrders {

    private static final Object RESOURCE = LockedOrders.class;

    /** The paying callback's order, locked, with the payment row it inserted and that row's amount. */
    record Paying(Order order, long paymentId, Money paid) {
    }

    private LockedOrders() {
    }

    /**
     * Runs {@code start} (the new instance's steps up to its first wait) with the paying callback's locked order
     * offered to its Verify payment; the offer ends with {@code start}.
     */
    static <T> T offeredToVerify(Paying paying, Supplier<T> start) {
        Map<String, Object> held = held(true);
        if (held == null) {
            return start.get();
        }
        String key = "paying " + paying.order().orderNo();
        held.put(key, paying);
        try {
            return start.get();
        } finally {
            held.remove(key);
        }
    }

    /** Verify payment of the paying callback's own instance: the offer, taken once. */
    static Optional<Paying> takePaying(DelegateExecution execution) {
        Map<String, Object> held = held(false);
        return held == null ? Optional.empty()
                : Optional.ofNullable((Paying) held.remove("paying " + execution.getProcessBusinessKey()));
    }

    /** After a step that locked the order (and maybe paid it): the order as it left it, for this instance's next steps. */
    static void handDown(DelegateExecution execution, Order lockedAsLeft) {
        Map<String, Object> held = held(true);
        if (held != null && lockedAsLeft.orderNo().equals(execution.getProcessBusinessKey())) {
            held.put("instance " + execution.getProcessInstanceId(), lockedAsLeft);
        }
    }

    /** What this instance's locking step handed down in this transaction, when it did. */
    static Optional<Order> of(DelegateExecution execution) {
        Map<String, Object> held = held(false);
        return held == null ? Optional.empty()
                : Optional.ofNullable((Order) held.get("instance " + execution.getProcessInstanceId()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> held(boolean create) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return null;
        }
        Map<String, Object> held = (Map<String, Object>) TransactionSynchronizationManager.getResource(RESOURCE);
        if (held == null && create) {
            Map<String, Object> fresh = new HashMap<>();
            TransactionSynchronizationManager.bindResource(RESOURCE, fresh);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void suspend() { // a transaction of its own inside this one sees none of it
                    TransactionSynchronizationManager.unbindResourceIfPossible(RESOURCE);
                }

                @Override
                public void resume() {
                    TransactionSynchronizationManager.bindResource(RESOURCE, fresh);
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(RESOURCE);
                }
            });
            held = fresh;
        }
        return held;
    }
}
