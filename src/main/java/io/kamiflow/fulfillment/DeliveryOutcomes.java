package io.kamiflow.fulfillment;

import java.util.HashMap;
import java.util.Map;

import io.kamiflow.delivery.KeyDeliveryService;
import io.kamiflow.inventory.KeyReveals;
import org.camunda.bpm.engine.variable.Variables;
import org.springframework.stereotype.Component;

/**
 * Which way "Keys delivered?" goes after an attempt, and the variables that carry it there: delivered, wait and
 * retry (transient failure while the schedule lasts), delivered on the order page (the mail gave up but the buyer
 * has read the keys there), or hand over to support. Send keys sets them on its execution; a queued key mail that
 * failed starts an instance at the gateway with them.
 */
@Component
class DeliveryOutcomes {

    private final KeyReveals reveals;
    private final FulfillmentSettings settings;

    DeliveryOutcomes(KeyReveals reveals, FulfillmentSettings settings) {
        this.reveals = reveals;
        this.settings = settings;
    }

    /** @param retriesSoFar transient failures already waited for (null: none) */
    Map<String, Object> after(long orderId, KeyDeliveryService.Attempt attempt, Object retriesSoFar) {
        int retries = retriesSoFar == null ? 0 : ((Number) retriesSoFar).intValue();
        String outcome = switch (attempt.outcome()) {
            case SENT -> "SENT";
            case PERMANENT_FAILURE -> "FAILED";
            case TRANSIENT_FAILURE -> retries < settings.maxRetries() ? "RETRY" : "FAILED";
        };
        if (outcome.equals("FAILED") && reveals.revealedThrough(orderId, KeyReveals.Channel.PAGE)) {
            outcome = "ON_PAGE";
        }
        Map<String, Object> variables = new HashMap<>();
        if (outcome.equals("RETRY")) {
            variables.put(ProcessVariables.DELIVERY_RETRIES, retries + 1);
        }
        // the outcome only picks the next path (same transaction): transient, never written to the database or history
        variables.put(ProcessVariables.DELIVERY_OUTCOME, Variables.stringValue(outcome, true));
        if (!outcome.equals("SENT")) { // what support's form and the retry path show; a sent order ends here
            variables.put(ProcessVariables.DELIVERY_ATTEMPTS, attempt.attemptNo());
            variables.put(ProcessVariables.LAST_DELIVERY_ERROR, attempt.error());
        }
        return variables;
    }
}
