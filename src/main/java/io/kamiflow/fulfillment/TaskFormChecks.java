package io.kamiflow.fulfillment;

import java.util.Set;

import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Support task listeners: the task's name carries the order no, and server-side checks of the support forms: a completion with a missing or invalid choice is refused
 * (the task stays open and Tasklist shows the message), whatever client submitted it.
 */
@Configuration
class TaskFormChecks {

    static final String EMAIL = "[^@\\s]+@[^@\\s]+\\.[^@\\s]+";

    /** Tasklist lists tasks by name: support sees which order each one is about (the diagram keeps the plain name). */
    @Bean
    TaskListener nameTaskAfterOrder() {
        return task -> task.setName(task.getName() + " for order " + task.getVariable(ProcessVariables.ORDER_NO));
    }

    @Bean
    TaskListener manualDeliveryFormCheck() {
        return task -> {
            String action = choice(task, ProcessVariables.MANUAL_ACTION, Set.of("resend", "deliveredByHand", "refund"));
            Object corrected = task.getVariable(ProcessVariables.CORRECTED_EMAIL);
            if (corrected instanceof String email && !email.isBlank()
                    && (!email.strip().matches(EMAIL) || email.strip().length() > 254)) {
                throw new ProcessEngineException("correctedEmail is not a valid email address");
            }
            Object note = task.getVariable(ProcessVariables.MANUAL_NOTE);
            if (action.equals("deliveredByHand") && (note == null || note.toString().isBlank())) {
                throw new ProcessEngineException("manualNote: say how the keys reached the buyer");
            }
        };
    }

    @Bean
    TaskListener reviewPaymentFormCheck() {
        return task -> choice(task, ProcessVariables.REVIEW_DECISION, Set.of("accept", "refund"));
    }

    @Bean
    TaskListener restockDecisionFormCheck() {
        return task -> choice(task, ProcessVariables.RESTOCK_DECISION, Set.of("wait", "refund"));
    }

    /** The reference of the transfer is what the refund is recorded under: required, and it fits the payment row. */
    @Bean
    TaskListener returnMoneyByHandFormCheck() {
        return task -> {
            Object reference = task.getVariable(ProcessVariables.MANUAL_REFUND_REFERENCE);
            if (!(reference instanceof String text) || text.isBlank()) {
                throw new ProcessEngineException(ProcessVariables.MANUAL_REFUND_REFERENCE
                        + ": enter the reference of the refund or transfer that returned the money");
            }
            if (text.strip().length() > 128) {
                throw new ProcessEngineException(ProcessVariables.MANUAL_REFUND_REFERENCE + " is longer than 128 characters");
            }
            Object note = task.getVariable(ProcessVariables.MANUAL_REFUND_NOTE);
            if (note != null && note.toString().length() > 1000) {
                throw new ProcessEngineException(ProcessVariables.MANUAL_REFUND_NOTE + " is longer than 1000 characters");
            }
        };
    }

    private static String choice(DelegateTask task, String variable, Set<String> allowed) {
        Object value = task.getVariable(variable);
        if (!(value instanceof String text) || !allowed.contains(text)) {
            throw new ProcessEngineException(variable + " must be one of " + allowed);
        }
        return text;
    }
}
