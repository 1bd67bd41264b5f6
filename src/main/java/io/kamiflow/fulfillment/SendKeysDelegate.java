package io.kamiflow.fulfillment;

import io.kamiflow.delivery.KeyDeliveryService;
import io.kamiflow.ordering.Order;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * Send keys: one recorded delivery attempt in its own job; its outcome picks the path ({@link DeliveryOutcomes}).
 */
@Component
class SendKeysDelegate implements JavaDelegate {

    private final InstanceOrders orders;
    private final KeyDeliveryService delivery;
    private final DeliveryOutcomes outcomes;

    SendKeysDelegate(InstanceOrders orders, KeyDeliveryService delivery, DeliveryOutcomes outcomes) {
        this.orders = orders;
        this.delivery = delivery;
        this.outcomes = outcomes;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Order order = orders.order(execution);
        KeyDeliveryService.Attempt attempt = delivery.attempt(order.id());
        execution.setVariables(outcomes.after(order.id(), attempt, execution.getVariable(ProcessVariables.DELIVERY_RETRIES)));
    }
}
