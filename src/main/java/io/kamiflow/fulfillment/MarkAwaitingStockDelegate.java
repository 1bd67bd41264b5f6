package io.kamiflow.fulfillment;

import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.ordering.OrderStatus;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Mark order awaiting stock: the buyer's order page says the keys come when stock arrives. */
@Component
class MarkAwaitingStockDelegate implements JavaDelegate {

    private final OrderRepository orders;

    MarkAwaitingStockDelegate(OrderRepository orders) {
        this.orders = orders;
    }

    @Override
    public void execute(DelegateExecution execution) {
        orders.transition(ProcessVariables.orderId(execution), OrderStatus.AWAITING_STOCK, OrderStatus.PAID);
    }
}
