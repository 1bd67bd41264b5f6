package io.kamiflow.fulfillment;

import java.util.Set;

import io.kamiflow.inventory.KeyReveals;
import io.kamiflow.ops.AuditLog;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Support task listeners: the task's name carries the order no; on completion the decision is checked
 * server-side whatever client submitted it (the task stays open and the caller sees the message), and
 * written to the audit log under the Camunda user who completed it. Which fields a client may submit at
 * all is checked before the engine sees the request (security.TaskSubmissionGuard; support may submit, not complete).
 */
@Configuration
class TaskFormChecks {

    static final String EMAIL = "[^@\\s]+@[^@\\s]+\\.[^@\\s]+";

    private final AuditLog audit;
    private final OrderRepository orders;
    private final KeyReveals reveals;

    TaskFormChecks(AuditLog audit, OrderRepository orders, KeyReveals reveals) {
        this.audit = audit;
        this.orders = orders;
        this.reveals = reveals;
    }

    /** Tasklist lists tasks by name: support sees which order each one is about (the diagram keeps the plain name). */
    @Bean
    TaskListener nameTaskAfterOrder() {
        return task -> {
            String orderNo = orderNo(task);
            task.setName(task.getName() + " for order " + orderNo);
            // the forms show it; an order that never needs a person carries no variables at all
            if (task.getVariable(ProcessVariables.ORDER_NO) == null) {
                task.getExecution().setVariable(ProcessVariables.ORDER_NO, orderNo);
            }
        };
    }

    @Bean
    TaskListener manualDeliveryFormCheck() {
        return task -> {
            String action = choice(task, ProcessVariables.MANUAL_ACTION, Set.of("resend", "deliveredByHand", "refund"));
            String corrected = correctedEmail(task);
            if (corrected != null && action.equals("resend")) {
                correctEmail(order(task), corrected);
            }
            Object note = task.getVariable(ProcessVariables.MANUAL_NOTE);
            if (action.equals("deliveredByHand")) {
                if (note == null || note.toString().isBlank()) {
                    throw new ProcessEngineException("manualNote: say how the keys reached the buyer");
                }
                // support handed the keys over: from now on a refund voids them instead of reselling them
                Order order = order(task);
                if (!reveals.reveal(order.id(), order.quantity(), KeyReveals.Channel.HAND)) {
                    throw new ProcessEngineException("order " + order.orderNo() + " no longer holds its keys");
                }
            }
            completed(task, withNote("manualAction=" + action, note));
        };
    }

    /**
     * A corrected address goes into the order in this (the submitting) transaction and the variable goes again before
     * anything is written, so no process variable or history row ever holds it. It applies to a resend only.
     */
    private static String correctedEmail(DelegateTask task) {
        Object corrected = task.getVariable(ProcessVariables.CORRECTED_EMAIL);
        task.removeVariable(ProcessVariables.CORRECTED_EMAIL);
        if (!(corrected instanceof String email) || email.isBlank()) {
            return null;
        }
        if (!email.strip().matches(EMAIL) || email.strip().length() > 254) {
            throw new ProcessEngineException("correctedEmail is not a valid email address");
        }
        return email.strip();
    }

    private void correctEmail(Order order, String email) {
        if (!email.equals(order.buyerEmail())) {
            orders.changeEmail(order.id(), email);
            audit.record("order.email-corrected", order.orderNo(), "by support before resend");
        }
    }

    /**
     * The form offers a decision radio per situation (reviewCanAccept, set when the task was created): accept or refund,
     * or refund alone as reviewDecisionRefundOnly. That one is folded into reviewDecision, which the diagram reads; a
     * decision the situation does not offer is refused here too, whatever client submitted it.
     */
    @Bean
    TaskListener reviewPaymentFormCheck() {
        return task -> {
            boolean canAccept = !Boolean.FALSE.equals(task.getVariableLocal(ProcessVariables.REVIEW_CAN_ACCEPT));
            Object refundOnly = task.getVariable(ProcessVariables.REVIEW_DECISION_REFUND_ONLY);
            task.removeVariable(ProcessVariables.REVIEW_DECISION_REFUND_ONLY);
            if (refundOnly != null) {
                if (canAccept || !"refund".equals(refundOnly)) {
                    throw new ProcessEngineException(ProcessVariables.REVIEW_DECISION_REFUND_ONLY
                            + " is not offered here: decide with reviewDecision");
                }
                orderNo(task); // a task whose process is gone is refused as below
                task.getExecution().setVariable(ProcessVariables.REVIEW_DECISION, "refund");
            }
            String decision = choice(task, ProcessVariables.REVIEW_DECISION, Set.of("accept", "refund"));
            if (decision.equals("accept") && !canAccept) {
                // the form offers refund alone here; refused here too, whatever client submitted it
                throw new ProcessEngineException("reviewDecision: accepting cannot succeed, the order is paid by another "
                        + "payment or past being paid; refund this payment");
            }
            completed(task, withNote("reviewDecision=" + decision, task.getVariable(ProcessVariables.REVIEW_NOTE)));
        };
    }

    @Bean
    TaskListener restockDecisionFormCheck() {
        return task -> completed(task, withNote("restockDecision=" + choice(task, ProcessVariables.RESTOCK_DECISION,
                Set.of("wait", "refund")), task.getVariable(ProcessVariables.RESTOCK_NOTE)));
    }

    private static String orderNo(DelegateTask task) {
        if (task.getExecution() == null) { // completed while its process was interrupted (a refund won the race)
            throw new ProcessEngineException("task " + task.getId() + " is no longer part of a running order process");
        }
        return task.getExecution().getProcessBusinessKey();
    }

    private Order order(DelegateTask task) {
        String orderNo = orderNo(task);
        return orders.findByOrderNo(orderNo).orElseThrow(() -> new ProcessEngineException("no order " + orderNo));
    }

    /**
     * Support's note joins the decision in the audit log: it is free text that may name the buyer, so it is kept there
     * (erased with the audit details) and not in the process history.
     */
    private static String withNote(String decision, Object note) {
        return note == null || note.toString().isBlank() ? decision : decision + ": " + note;
    }

    private void completed(DelegateTask task, String decision) {
        audit.record("task.complete", orderNo(task),
                task.getTaskDefinitionKey() + ": " + decision);
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
            completed(task, "returned by hand, reference " + text.strip());
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
