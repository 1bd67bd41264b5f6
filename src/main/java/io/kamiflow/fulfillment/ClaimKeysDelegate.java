package io.kamiflow.fulfillment;

import io.kamiflow.inventory.KeyClaimer;
import io.kamiflow.inventory.LowStockMonitor;
import io.kamiflow.ops.metrics.ShopMetrics;
import io.kamiflow.ordering.Order;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Claim keys: all of the order's quantity in this job's transaction, or the Out of stock path; Fulfil by hand for a product a person fulfils. */
@Component
class ClaimKeysDelegate implements JavaDelegate {

    private final InstanceOrders orders;
    private final KeyClaimer claimer;
    private final LowStockMonitor lowStock;
    private final ShopMetrics metrics;
    private final HandFulfilment handFulfilment;

    ClaimKeysDelegate(InstanceOrders orders, KeyClaimer claimer, LowStockMonitor lowStock, ShopMetrics metrics,
                      HandFulfilment handFulfilment) {
        this.handFulfilment = handFulfilment;
        this.orders = orders;
        this.claimer = claimer;
        this.lowStock = lowStock;
        this.metrics = metrics;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Order order = orders.lockedOrRead(execution);
        if (handFulfilment.byHand(order)) { // a person fulfils it (the order above, not read again): nothing to take from stock
            throw new BpmnError(ProcessVariables.BY_HAND_ERROR, "order " + order.orderNo() + " is fulfilled by hand");
        }
        KeyClaimer.Claimed claimed = claimer.claimKeys(order.id(), order.productId(), order.quantity());
        if (!claimed.done()) {
            throw new BpmnError(ProcessVariables.OUT_OF_STOCK_ERROR, "not enough stock for order " + order.orderNo());
        }
        metrics.keysVisible(order.paidAt());
        if (claimed.fromStock() > 0) { // keys reserved at checkout were counted out of stock then
            lowStock.checkAfterTaking(order.productId());
        }
    }
}
