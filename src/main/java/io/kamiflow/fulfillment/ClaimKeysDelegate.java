package io.kamiflow.fulfillment;

import io.kamiflow.inventory.KeyClaimer;
import io.kamiflow.inventory.LowStockMonitor;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Claim keys: all of the order's quantity in this job's transaction, or the Out of stock path. */
@Component
class ClaimKeysDelegate implements JavaDelegate {

    private final OrderRepository orders;
    private final KeyClaimer claimer;
    private final LowStockMonitor lowStock;

    ClaimKeysDelegate(OrderRepository orders, KeyClaimer claimer, LowStockMonitor lowStock) {
        this.orders = orders;
        this.claimer = claimer;
        this.lowStock = lowStock;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Order order = orders.getById(ProcessVariables.orderId(execution));
        if (!claimer.claim(order.id(), order.productId(), order.quantity())) {
            throw new BpmnError(ProcessVariables.OUT_OF_STOCK_ERROR, "not enough stock for order " + order.orderNo());
        }
        lowStock.checkAfterTaking(order.productId());
    }
}
