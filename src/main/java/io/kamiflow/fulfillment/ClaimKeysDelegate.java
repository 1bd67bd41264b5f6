package io.kamiflow.fulfillment;

import io.kamiflow.inventory.KeyClaimer;
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

    ClaimKeysDelegate(OrderRepository orders, KeyClaimer claimer) {
        this.orders = orders;
        this.claimer = claimer;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Order order = orders.getById(((Number) execution.getVariable(ProcessVariables.ORDER_ID)).longValue());
        if (!claimer.claim(order.id(), order.productId(), order.quantity())) {
            throw new BpmnError(ProcessVariables.OUT_OF_STOCK_ERROR, "not enough stock for order " + order.orderNo());
        }
    }
}
