package io.kamiflow.fulfillment;

import java.util.HashMap;
import java.util.Map;

import io.kamiflow.delivery.KeyDeliveryService;
import org.camunda.bpm.engine.variable.Variables;

/**
 * Which way "Keys delivered?" goes after an attempt, and the variables that carry it there: delivered, wait and
 * retry (transient failure while the schedule lasts), delivered on the order page (the mail gave up but the buyer
 * has read the keys there), or hand over to support. Send keys sets them on its execution; a queued key mail that
 * failed starts an instance at the gateway with them.
 */
final class DeliveryOutcomes {

    private DeliveryOutcomes() {
    }

    /**
     * @param retriesSoFar transient failures already waited for (null: none)
     * @param readOnPage   whether the buyer has read the keys on the order page
     */
    static Map<String, Object> after(KeyDeliveryService.Attempt attempt, Object retriesSoFar, boolean readOnPage,
                                     int maxRetries) {
        int retries = retriesSoFar == null ? 0 : ((Number) retriesSoFar).intValue();
        String outcome = switch (attempt.outcome()) {
            case SENT -> "SENT";
            case PERMANENT_FAILURE -> "FAILED";
            case TRANSIENT_FAILURE -> retries < maxRetries ? "RETRY" : "FAILED";
        };
        if (outcome.equals("FAILED") && readOnPage) {
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
