package io.kamiflow.fulfillment;

import java.util.List;

import io.kamiflow.ops.OrderInvariants;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * Check the broken orders again (process reconcile-orders): only the orders a check found. A violation fails the job:
 * it is retried (a race in flight clears itself), then stays an incident naming the orders until they are settled
 * and the job is retried; a later check elsewhere in the shop never clears it by looking at other orders.
 */
@Component
class RecheckBrokenOrdersDelegate implements JavaDelegate {

    private final OrderInvariants invariants;
    private final BrokenOrders brokenOrders;

    RecheckBrokenOrdersDelegate(OrderInvariants invariants, BrokenOrders brokenOrders) {
        this.invariants = invariants;
        this.brokenOrders = brokenOrders;
    }

    @Override
    public void execute(DelegateExecution execution) {
        List<OrderInvariants.Violation> violations = invariants.checkOrders(brokenOrders.of(execution));
        brokenOrders.report(violations);
        if (!violations.isEmpty()) {
            throw new IllegalStateException("invariants violated: " + violations);
        }
    }
}
