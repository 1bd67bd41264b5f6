package io.kamiflow.fulfillment;

import java.util.Map;

/**
 * A BPMN service task whose work is a call to a payment gateway. It is an external task (camunda:type="external"):
 * the engine records it in the transaction that reaches it, and {@link GatewayActivities} makes the call after that
 * commit with no transaction and no pooled connection held, then completes it in a short transaction. A job's
 * JavaDelegate could not: it runs inside the job's transaction, on its connection.
 */
interface GatewayActivity {

    /** The external task topic of the activity (camunda:topic in the BPMN). */
    String topic();

    /**
     * Does the activity's work for one order, with no transaction open; records what the gateway said in
     * transactions of its own and must be idempotent (a retry or another node after a lost lock repeats it).
     *
     * @return the variables the activity leaves (local to its instance)
     * @throws RuntimeException when the call failed: the attempt is retried, then becomes an incident
     */
    Map<String, Object> call(String orderNo);
}
