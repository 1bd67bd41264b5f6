package io.kamiflow.fulfillment;

import io.kamiflow.ops.AuditLog;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.ordering.OrderStatus;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Record delivery on order page: mail gave up, but the buyer read the keys on the page; nobody needs support. */
@Component
class RecordPageDeliveryDelegate implements JavaDelegate {

    private final InstanceOrders instanceOrders;
    private final OrderRepository orders;
    private final AuditLog audit;

    RecordPageDeliveryDelegate(InstanceOrders instanceOrders, OrderRepository orders, AuditLog audit) {
        this.instanceOrders = instanceOrders;
        this.orders = orders;
        this.audit = audit;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Order order = instanceOrders.order(execution);
        orders.transition(order.id(), OrderStatus.DELIVERED, OrderStatus.PAID, OrderStatus.MANUAL);
        audit.record("order.delivered-on-page", order.orderNo(), "mail failed after "
                + execution.getVariable(ProcessVariables.DELIVERY_ATTEMPTS) + " attempts; the buyer read the keys on the order page");
    }
}
