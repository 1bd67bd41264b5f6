package io.kamiflow.fulfillment;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.kamiflow.ops.AuditLog;
import io.kamiflow.web.Problems;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.ordering.OrderStatus;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.RuntimeService;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Admin resend and refund act only through order-fulfillment, by message: a running instance takes
 * the message where it waits (manual delivery, or anywhere for a refund); a finished order gets a
 * new instance under the same business key from the matching message start event. Cockpit shows
 * every one of them.
 */
@Service
public class FulfillmentCommands {

    private final RuntimeService runtime;
    private final AuditLog audit;
    private final JdbcClient jdbc;
    private final KeyMailQueue keyMails;
    private final OrderRepository orders;

    FulfillmentCommands(RuntimeService runtime, AuditLog audit, JdbcClient jdbc, KeyMailQueue keyMails, OrderRepository orders) {
        this.keyMails = keyMails;
        this.orders = orders;
        this.runtime = runtime;
        this.audit = audit;
        this.jdbc = jdbc;
    }

    /**
     * The order's row is locked first: "Forget personal data" skips a locked order, and an order it erased a moment ago
     * is seen erased here. Its keys can no longer be mailed (there is no address), so the resend is refused.
     */
    @Transactional
    public String resend(Order requested) {
        Order order = orders.lockByOrderNo(requested.orderNo()).orElseThrow();
        if (order.personalDataErased()) {
            throw Problems.conflict("order " + order.orderNo() + " has no buyer address any more: its personal data was "
                    + "erased on " + order.personalDataErasedAt().toLocalDate() + " under the retention policy");
        }
        if (order.status() == OrderStatus.MANUAL && waitingFor(order, ProcessVariables.MSG_RESEND_REQUESTED)) {
            boolean reached = !runtime.createMessageCorrelation(ProcessVariables.MSG_RESEND_REQUESTED)
                    .processInstanceBusinessKey(order.orderNo()).correlateAllWithResult().isEmpty();
            if (!reached) { // support completed the task a moment ago: the caller tries again on the new state
                throw new OptimisticLockingException("order " + order.orderNo() + " left manual delivery while the resend was requested");
            }
        } else if (order.status() == OrderStatus.DELIVERED) {
            runtime.createMessageCorrelation(ProcessVariables.MSG_RESEND_AFTER_DELIVERY).processInstanceBusinessKey(order.orderNo())
                    .setVariables(ids(order)).correlateStartMessage();
        } else {
            throw Problems.conflict("order " + order.orderNo() + " is " + order.status()
                    + "; keys can be resent once delivered or while it waits for manual delivery");
        }
        audit.record("order.resend", order.orderNo(), "requested through the admin API");
        return "resend requested";
    }

    /**
     * Refunds every payment of the order: running instances (each holds one payment: the order's own,
     * or a duplicate under review) are interrupted by message; the order's own payment, when no running
     * instance holds it any more (delivered, delivered by hand), gets a refund instance of its own.
     */
    @Transactional
    public String refund(Order order, String reason) {
        if (order.status() == OrderStatus.REFUNDED) {
            throw Problems.conflict("order " + order.orderNo() + " is already refunded");
        }
        keyMails.cancel(order); // a key mail still queued is not sent after the refund was asked for
        Map<String, Object> reasonVariable = Map.of(ProcessVariables.REFUND_REASON, reason);
        // Every running instance of the order takes the message. Which ones it reached is read from the
        // outcome, not from an earlier query: the own payment's instance may have ended a moment ago.
        Set<String> reached = runtime.createMessageCorrelation(ProcessVariables.MSG_REFUND_REQUESTED)
                .processInstanceBusinessKey(order.orderNo()).setVariables(reasonVariable).correlateAllWithResult().stream()
                .map(result -> result.getExecution() != null ? result.getExecution().getProcessInstanceId()
                        : result.getProcessInstance().getId())
                .collect(Collectors.toSet());
        if (order.paymentId() == null && reached.isEmpty()) {
            throw Problems.conflict("order " + order.orderNo() + " is " + order.status() + " and has no payment to refund");
        }
        if (order.paymentId() != null && !reached.contains(instanceOf(order.paymentId()))) {
            Map<String, Object> variables = ids(order);
            variables.putAll(reasonVariable);
            runtime.createMessageCorrelation(ProcessVariables.MSG_REFUND_AFTER_DELIVERY).processInstanceBusinessKey(order.orderNo())
                    .setVariables(variables).correlateStartMessage();
        }
        audit.record("order.refund", order.orderNo(), "requested through the admin API: " + reason);
        return "refund requested";
    }

    /** The order-fulfillment instance the payment started (recorded with the payment), or "" for none. */
    private String instanceOf(long paymentId) {
        java.util.List<String> ids = jdbc.sql("SELECT process_instance_id FROM payment WHERE id = ?").param(paymentId)
                .query(String.class).list();
        return ids.isEmpty() || ids.get(0) == null ? "" : ids.get(0);
    }

    private boolean waitingFor(Order order, String message) {
        return runtime.createExecutionQuery().processDefinitionKey(ProcessVariables.PROCESS_KEY)
                .processInstanceBusinessKey(order.orderNo()).messageEventSubscriptionName(message).count() > 0;
    }

    private static Map<String, Object> ids(Order order) {
        Map<String, Object> variables = new HashMap<>();
        variables.put(ProcessVariables.ORDER_NO, order.orderNo());
        variables.put(ProcessVariables.PAYMENT_ID, order.paymentId());
        return variables;
    }
}
