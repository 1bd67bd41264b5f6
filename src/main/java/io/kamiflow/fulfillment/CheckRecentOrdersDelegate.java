package io.kamiflow.fulfillment;

import java.time.Instant;

import io.kamiflow.ops.OrderInvariants;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.springframework.stereotype.Component;

/**
 * Check recently changed orders (process reconcile-orders, every few minutes): the orders changed or paid within
 * {@code kamiflow.fulfillment.reconcile-window} on the engine's clock, and every open order.
 */
@Component
class CheckRecentOrdersDelegate implements JavaDelegate {

    private final OrderInvariants invariants;
    private final FulfillmentSettings settings;
    private final BrokenOrders brokenOrders;

    CheckRecentOrdersDelegate(OrderInvariants invariants, FulfillmentSettings settings, BrokenOrders brokenOrders) {
        this.invariants = invariants;
        this.settings = settings;
        this.brokenOrders = brokenOrders;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Instant since = ClockUtil.getCurrentTime().toInstant().minus(settings.getReconcileWindow());
        brokenOrders.found(execution, invariants.checkChangedSince(since));
    }
}
