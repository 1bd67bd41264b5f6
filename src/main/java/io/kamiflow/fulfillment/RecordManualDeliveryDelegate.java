package io.kamiflow.fulfillment;

import io.kamiflow.ops.AuditLog;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.ordering.OrderStatus;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Record delivery by hand: support gave the buyer the keys another way; the note says how. */
@Component
class RecordManualDeliveryDelegate implements JavaDelegate {

    private final InstanceOrders instanceOrders;
    private final OrderRepository orders;
    private final AuditLog audit;

    RecordManualDeliveryDelegate(InstanceOrders instanceOrders, OrderRepository orders, AuditLog audit) {
        this.instanceOrders = instanceOrders;
        this.orders = orders;
        this.audit = audit;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Order order = instanceOrders.order(execution);
        orders.transition(order.id(), OrderStatus.DELIVERED, OrderStatus.MANUAL);
        audit.record("order.delivered-by-hand", order.orderNo(), (String) execution.getVariable(ProcessVariables.MANUAL_NOTE));
    }
}
