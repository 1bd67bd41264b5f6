package io.kamiflow.fulfillment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.kamiflow.ops.AuditLog;
import io.kamiflow.payment.RefundService;
import io.kamiflow.web.Problems;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.ordering.OrderStatus;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
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
    private final KeyMailQueue keyMails;
    private final OrderRepository orders;
    private final RefundService refunds;

    FulfillmentCommands(RuntimeService runtime, AuditLog audit, KeyMailQueue keyMails, OrderRepository orders,
                        RefundService refunds) {
        this.keyMails = keyMails;
        this.orders = orders;
        this.runtime = runtime;
        this.audit = audit;
        this.refunds = refunds;
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
        if (mailOnItsWay(order)) { // a request repeated (a double click, two admins, a client's retry) sends nothing more
            audit.record("order.resend", order.orderNo(), "requested while a resend was on its way; "
                    + "nothing more sent");
            return "resend already on its way";
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
        audit.record("order.resend", order.orderNo(), "requested");
        return "resend requested";
    }

    /**
     * Refunds every payment of the order that has no refund yet, once, however many requests, nodes or instances
     * there are. The payments' rows are locked first, so concurrent requests take turns and each sees what the one
     * before decided: a payment whose refund was decided (by an earlier request or by support) and is still carried
     * by a running instance is not refunded again, and a request that finds nothing left to refund answers 409 with
     * where each refund stands. For each payment to refund, the order's running instances that serve it (found by
     * business key, whoever started them: the paying callback, the key mail queue, an admin) take the message
     * (interrupting whatever they wait for); a payment no running instance serves gets a refund instance of its own.
     * A refund whose carrying instance no longer runs (deleted in Cockpit) is carried on the same way.
     */
    @Transactional
    public String refund(Order order, String reason) {
        keyMails.cancel(order); // a key mail still queued is not sent after the refund was asked for
        List<RefundService.PaymentRefund> payments = refunds.lockRefunds(order.orderNo());
        if (payments.isEmpty()) {
            throw Problems.conflict("order " + order.orderNo() + " is " + order.status() + " and has no payment to refund");
        }
        Map<Long, List<String>> serving = runningInstancesByPayment(order.orderNo(), payments);
        List<RefundService.PaymentRefund> toRefund = payments.stream()
                .filter(payment -> !payment.decided() || !payment.moneyReturned() && !carried(payment, serving)).toList();
        if (toRefund.isEmpty()) {
            throw Problems.conflict(payments.stream().allMatch(RefundService.PaymentRefund::moneyReturned)
                    ? "order " + order.orderNo() + " is already refunded"
                    : "order " + order.orderNo() + ": its refund was already requested (" + payments.stream()
                            .map(payment -> payment.channel() + " " + payment.tradeNo() + ": " + payment.status())
                            .collect(Collectors.joining(", ")) + ")");
        }
        Map<String, Object> reasonVariable = Map.of(ProcessVariables.REFUND_REASON, reason);
        for (RefundService.PaymentRefund payment : toRefund) {
            refunds.recordRequest(payment.paymentId());
            List<String> instances = serving.getOrDefault(payment.paymentId(), List.of());
            for (String instance : instances) {
                boolean reached = !runtime.createMessageCorrelation(ProcessVariables.MSG_REFUND_REQUESTED)
                        .processInstanceId(instance).setVariables(reasonVariable).correlateAllWithResult().isEmpty();
                if (!reached) { // it ended or moved on a moment ago: the caller tries again on the new state
                    throw new OptimisticLockingException("instance " + instance + " of order " + order.orderNo()
                            + " left while its refund was requested");
                }
            }
            if (instances.isEmpty()) {
                Map<String, Object> variables = new HashMap<>(reasonVariable);
                variables.put(ProcessVariables.ORDER_NO, order.orderNo());
                variables.put(ProcessVariables.PAYMENT_ID, payment.paymentId());
                runtime.createMessageCorrelation(ProcessVariables.MSG_REFUND_AFTER_DELIVERY)
                        .processInstanceBusinessKey(order.orderNo()).setVariables(variables).correlateStartMessage();
            }
        }
        audit.record("order.refund", order.orderNo(), "requested: " + reason);
        return "refund requested";
    }

    /**
     * The order's running order-fulfillment instances by the payment each serves: its payment id variable (instances
     * started after the paying one: the key mail queue's, an admin's), else the payment row that names it.
     */
    private Map<Long, List<String>> runningInstancesByPayment(String orderNo, List<RefundService.PaymentRefund> payments) {
        Map<Long, List<String>> serving = new HashMap<>();
        for (ProcessInstance instance : runtime.createProcessInstanceQuery().processDefinitionKey(ProcessVariables.PROCESS_KEY)
                .processInstanceBusinessKey(orderNo).list()) {
            Object variable = runtime.getVariable(instance.getId(), ProcessVariables.PAYMENT_ID);
            Long paymentId = variable instanceof Number number ? Long.valueOf(number.longValue())
                    : payments.stream().filter(payment -> instance.getId().equals(payment.processInstanceId()))
                    .map(RefundService.PaymentRefund::paymentId).findFirst().orElse(null);
            if (paymentId != null) {
                serving.computeIfAbsent(paymentId, id -> new ArrayList<>()).add(instance.getId());
            }
        }
        return serving;
    }

    /**
     * Whether a running instance carries the payment's decided refund: its payment-refund instance, or (decided by an
     * admin's request and not yet taken up) an order-fulfillment instance serving the payment, which will call it.
     */
    private boolean carried(RefundService.PaymentRefund payment, Map<Long, List<String>> serving) {
        return payment.refundInstanceId() != null
                ? runtime.createProcessInstanceQuery().processInstanceId(payment.refundInstanceId()).count() > 0
                : serving.containsKey(payment.paymentId());
    }

    /**
     * An instance of the order is about to send its keys (a resend past its start), at Send keys, or waits to retry it.
     * Read under the order's row lock, which every resend
     * takes first and holds until the instance it starts has committed, so concurrent resends see each other.
     */
    private boolean mailOnItsWay(Order order) {
        for (String activity : List.of("ResendAfterDelivery", "SendKeys", "WaitBeforeRetry")) {
            if (runtime.createExecutionQuery().processDefinitionKey(ProcessVariables.PROCESS_KEY)
                    .processInstanceBusinessKey(order.orderNo()).activityId(activity).count() > 0) {
                return true;
            }
        }
        return false;
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
