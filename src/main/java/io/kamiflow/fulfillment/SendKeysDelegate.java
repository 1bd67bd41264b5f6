package io.kamiflow.fulfillment;

import io.kamiflow.delivery.KeyDeliveryService;
import io.kamiflow.inventory.KeyReveals;
import io.kamiflow.ordering.Order;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.variable.Variables;
import org.springframework.stereotype.Component;

/**
 * Send keys: one recorded delivery attempt in its own job. The outcome picks the path: delivered, wait
 * and retry (transient failure while the schedule lasts), delivered on the order page (mail gave up but
 * the buyer has read the keys there), or hand over to support.
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
        Object retriesSoFar = execution.getVariable(ProcessVariables.DELIVERY_RETRIES);
        int retries = retriesSoFar == null ? 0 : ((Number) retriesSoFar).intValue();
        String outcome = switch (attempt.outcome()) {
            case SENT -> "SENT";
            case PERMANENT_FAILURE -> "FAILED";
            case TRANSIENT_FAILURE -> retries < settings.maxRetries() ? "RETRY" : "FAILED";
        };
        if (outcome.equals("FAILED") && reveals.revealedThrough(order.id(), KeyReveals.Channel.PAGE)) {
            outcome = "ON_PAGE";
        }
        if (outcome.equals("RETRY")) {
            execution.setVariable(ProcessVariables.DELIVERY_RETRIES, retries + 1);
        }
        // the outcome only picks the next path (same transaction): transient, never written to the database or history
        execution.setVariable(ProcessVariables.DELIVERY_OUTCOME, Variables.stringValue(outcome, true));
        if (!outcome.equals("SENT")) { // what support's form and the retry path show; a sent order ends here
            execution.setVariable(ProcessVariables.DELIVERY_ATTEMPTS, attempt.attemptNo());
            execution.setVariable(ProcessVariables.LAST_DELIVERY_ERROR, attempt.error());
        }
    }
}
