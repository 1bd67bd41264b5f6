package io.kamiflow.fulfillment;

import java.util.ArrayList;
import java.util.List;

import io.kamiflow.ops.OrderInvariants;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * Check the next orders (process reconcile-orders, nightly): walks every order by id,
 * {@code kamiflow.fulfillment.reconcile-orders-per-job} per job, so each job stays seconds long (a job may not outlive
 * its lock) and each transaction short. Where it stands is
 * {@value #CHECKED_UP_TO} (an order id); {@value #EVERY_ORDER_CHECKED} ends the walk.
 */
@Component
class CheckNextOrdersDelegate implements JavaDelegate {

    static final String CHECKED_UP_TO = "checkedUpTo";
    static final String EVERY_ORDER_CHECKED = "everyOrderChecked";

    private final OrderInvariants invariants;
    private final FulfillmentSettings settings;
    private final BrokenOrders brokenOrders;

    CheckNextOrdersDelegate(OrderInvariants invariants, FulfillmentSettings settings, BrokenOrders brokenOrders) {
        this.invariants = invariants;
        this.settings = settings;
        this.brokenOrders = brokenOrders;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Object from = execution.getVariable(CHECKED_UP_TO);
        long after = from == null ? 0 : ((Number) from).longValue();
        List<OrderInvariants.Violation> violations = new ArrayList<>();
        OrderInvariants.Slice slice;
        long until = after + settings.getReconcileOrdersPerJob(); // by id: gaps only make a job lighter
        do {
            slice = invariants.checkNext(after, (int) Math.min(Integer.MAX_VALUE, until - after));
            violations.addAll(slice.violations());
            after = slice.lastOrderId();
        } while (!slice.done() && after < until);
        brokenOrders.found(execution, violations);
        execution.setVariable(CHECKED_UP_TO, after);
        execution.setVariable(EVERY_ORDER_CHECKED, slice.done());
    }
}
