package io.kamiflow.fulfillment;

import io.kamiflow.delivery.KeyDeliveryService;
import io.kamiflow.inventory.KeyReveals;
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
    private final KeyReveals reveals;
    private final FulfillmentSettings settings;

    SendKeysDelegate(InstanceOrders orders, KeyDeliveryService delivery, KeyReveals reveals, FulfillmentSettings settings) {
        this.orders = orders;
        this.delivery = delivery;
        this.reveals = reveals;
        this.settings = settings;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Order order = orders.order(execution);
        KeyDeliveryService.Attempt attempt = delivery.attempt(order.id());
        boolean readOnPage = attempt.outcome() != KeyDeliveryService.Outcome.SENT
                && reveals.revealedThrough(order.id(), KeyReveals.Channel.PAGE);
        execution.setVariables(DeliveryOutcomes.after(attempt, execution.getVariable(ProcessVariables.DELIVERY_RETRIES),
                readOnPage, settings.maxRetries()));
    }
}
