package io.kamiflow.calls;

import java.time.Duration;
import java.util.Map;

/**
 * A call over the network (to a payment gateway, to SMTP) that a BPMN activity makes as an external task
 * (camunda:type="external", its topic), worked by {@link RemoteCallWorker} outside any transaction. Thin like a
 * delegate: named after its activity, it calls a domain service.
 */
public interface RemoteCall {

    String topic();

    /**
     * Makes the call; no transaction is open and none may be held across it. @return what completes the task; a
     * failure throws and is retried by the worker as the activity says
     */
    Completion call(CallTask task);

    /**
     * Runs in the transaction that completes the task: what it writes commits with the completion or not at all (a task
     * whose lock passed to another node meanwhile is completed there). @return the variables the task completes with
     */
    @FunctionalInterface
    interface Completion {
        Map<String, Object> inTransaction();

        static Completion with(Map<String, Object> variables) {
            return () -> variables;
        }
    }

    /**
     * Whether the call's variables stay local to its activity instance: the instances of a multi-instance activity
     * completing side by side would otherwise write the same process variable and collide.
     */
    default boolean leavesLocalVariables() {
        return false;
    }

    /**
     * How long to wait after the {@code failures}-th failed attempt: the activity's {@code retryDelay} unless the call
     * backs off by itself (the merchant's webhooks: longer after each failure, from the settings).
     */
    default Duration retryDelay(CallTask task, int failures, Duration configured) {
        return configured;
    }

    /** The order the call is for, named in the worker's log lines: the instance's business key unless said otherwise. */
    default String orderNo(CallTask task) {
        return task.businessKey();
    }

    /** An external task as the worker locked it. */
    record CallTask(String id, String topic, String processInstanceId, String businessKey, Integer retries,
                       Map<String, String> extensionProperties, Map<String, Object> variables) {
    }
}
