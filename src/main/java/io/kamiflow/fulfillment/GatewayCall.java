package io.kamiflow.fulfillment;

import java.util.Map;

/**
 * A call to a payment gateway that a BPMN activity makes as an external task (camunda:type="external", its topic),
 * worked by {@link GatewayWorker} outside any transaction. Thin like a delegate: named after its activity, it calls a
 * domain service.
 */
interface GatewayCall {

    String topic();

    /**
     * Makes the call; no transaction is open and none may be held across it. @return the variables that complete the
     * task; a failure throws and is retried by the worker as the activity says
     */
    Map<String, Object> call(GatewayTask task);

    /**
     * Whether the call's variables stay local to its activity instance: the instances of a multi-instance activity
     * completing side by side would otherwise write the same process variable and collide.
     */
    default boolean leavesLocalVariables() {
        return false;
    }

    /** An external task as the worker locked it. */
    record GatewayTask(String id, String topic, String processInstanceId, String businessKey, Integer retries,
                       Map<String, String> extensionProperties, Map<String, Object> variables) {
    }
}
