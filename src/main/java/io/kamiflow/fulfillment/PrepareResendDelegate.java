package io.kamiflow.fulfillment;

import io.kamiflow.ops.AuditLog;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * Prepare resend: restart the retry schedule. Support's corrected address is already in the order (the task form
 * check put it there); an instance whose form was submitted before that still carries it as a variable, applied here.
 */
@Component
class PrepareResendDelegate implements JavaDelegate {

    private final InstanceOrders instanceOrders;
    private final OrderRepository orders;
    private final AuditLog audit;

    PrepareResendDelegate(InstanceOrders instanceOrders, OrderRepository orders, AuditLog audit) {
        this.instanceOrders = instanceOrders;
        this.orders = orders;
        this.audit = audit;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Order order = instanceOrders.order(execution);
        Object corrected = execution.getVariable(ProcessVariables.CORRECTED_EMAIL);
        if (corrected instanceof String email && !email.isBlank() && !email.strip().equals(order.buyerEmail())) {
            orders.changeEmail(order.id(), email.strip());
            audit.record("order.email-corrected", order.orderNo(), "by support before resend");
        }
        audit.record("order.resend", order.orderNo(), "resend from manual delivery");
        execution.setVariable(ProcessVariables.DELIVERY_RETRIES, 0);
        execution.removeVariable(ProcessVariables.CORRECTED_EMAIL);
        execution.removeVariable(ProcessVariables.MANUAL_ACTION);
    }
}
