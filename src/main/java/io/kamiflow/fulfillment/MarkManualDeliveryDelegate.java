package io.kamiflow.fulfillment;

import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.ordering.OrderStatus;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Hand delivery to support: the order becomes MANUAL and the task form gets what support needs to see. */
@Component
class MarkManualDeliveryDelegate implements JavaDelegate {

    private final InstanceOrders instanceOrders;
    private final OrderRepository orders;

    MarkManualDeliveryDelegate(InstanceOrders instanceOrders, OrderRepository orders) {
        this.instanceOrders = instanceOrders;
        this.orders = orders;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Order order = instanceOrders.order(execution);
        orders.transition(order.id(), OrderStatus.MANUAL, OrderStatus.PAID, OrderStatus.AWAITING_STOCK, OrderStatus.MANUAL);
        execution.setVariable(ProcessVariables.BUYER_EMAIL_MASKED, EmailMask.mask(order.buyerEmail()));
    }
}
