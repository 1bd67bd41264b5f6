package io.kamiflow.fulfillment;

import io.kamiflow.ops.AuditLog;
import io.kamiflow.ordering.HandDeliveries;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.ordering.OrderStatus;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.springframework.stereotype.Component;

/**
 * Completes "Fulfil by hand" (support's decision, checked whatever client submitted it). Deliver: the delivery text
 * leaves the engine in this transaction (the variable is removed before anything is written, and is kept out of the
 * history anyway), is stored encrypted once per order, and the order is DELIVERED with it. Deliver keys: the order's
 * quantity of keys of its own product ({@link HandKeyPick}), plus the text when one was entered (instructions for an
 * account, say); short stock refuses the completion with nothing changed. The order's row is locked first: a second
 * submission or a second agent at the same moment (keys or text) finds the order DELIVERED and is refused, so the first
 * delivery stays. Refund: support's note becomes the refund's reason. The decision and the note go to the audit log, which the
 * order's timeline shows.
 */
@Component("fulfilByHandFormCheck")
class FulfilByHandFormCheck implements TaskListener {

    static final String DELIVER = "deliver";
    /** Keys from the product's own stock (the order's quantity), with the text too when support entered one. */
    static final String DELIVER_KEYS = "deliverKeys";

    private final OrderRepository orders;
    private final HandDeliveries deliveries;
    private final AuditLog audit;
    private final IdentityService identity;
    private final HandKeyPick keyPick;

    FulfilByHandFormCheck(OrderRepository orders, HandDeliveries deliveries, AuditLog audit, IdentityService identity,
                          HandKeyPick keyPick) {
        this.keyPick = keyPick;
        this.orders = orders;
        this.deliveries = deliveries;
        this.audit = audit;
        this.identity = identity;
    }

    @Override
    public void notify(DelegateTask task) {
        Object text = task.getVariable(ProcessVariables.DELIVERY_TEXT);
        task.removeVariable(ProcessVariables.DELIVERY_TEXT);
        Object action = decision(task);
        Object note = task.getVariable(ProcessVariables.HAND_NOTE);
        task.removeVariable(ProcessVariables.HAND_NOTE);
        task.removeVariable(ProcessVariables.BUYER_FIELDS); // the form's read-only copy, when a client sends it back
        if (task.getExecution() == null) {
            throw new ProcessEngineException("task " + task.getId() + " is no longer part of a running order process");
        }
        String orderNo = task.getExecution().getProcessBusinessKey();
        Order order = orders.lockByOrderNo(orderNo).orElseThrow(() -> new ProcessEngineException("no order " + orderNo));
        String noteText = note == null || note.toString().isBlank() ? null : note.toString().strip();
        if (DELIVER.equals(action) || DELIVER_KEYS.equals(action)) {
            boolean keys = DELIVER_KEYS.equals(action);
            String delivery = deliveryText(text, !keys);
            if (order.status() != OrderStatus.PAID) {
                throw new ProcessEngineException("order " + orderNo + " was delivered or refunded already");
            }
            if (keys) {
                keyPick.pick(order); // all of the order's quantity or nothing, before anything else is written
            }
            if (delivery != null && !deliveries.store(order.id(), delivery, who())) {
                throw new ProcessEngineException("order " + orderNo + " was delivered or refunded already");
            }
            orders.transition(order.id(), OrderStatus.DELIVERED, OrderStatus.PAID);
            String what = !keys ? "delivered"
                    : "delivered " + order.quantity() + (order.quantity() == 1 ? " key" : " keys") + " from stock"
                            + (delivery == null ? "" : " and a text");
            audit.record("task.complete", orderNo, "FulfilByHand: " + what + (noteText == null ? "" : ": " + noteText));
        } else if ("refund".equals(action)) {
            if (order.status() != OrderStatus.PAID) {
                throw new ProcessEngineException("order " + orderNo + " is " + order.status() + ", not waiting for a person");
            }
            String reason = "refunded by support instead of fulfilling by hand" + (noteText == null ? "" : ": " + noteText);
            task.getExecution().setVariable(ProcessVariables.REFUND_REASON, reason);
            audit.record("task.complete", orderNo, "FulfilByHand: refund" + (noteText == null ? "" : ": " + noteText));
        } else {
            throw new ProcessEngineException(ProcessVariables.HAND_ACTION + " must be one of [deliver, deliverKeys, refund]");
        }
    }

    /**
     * The form offers keys from stock only while the stock covers the order (keysEnough, set when the task opens and
     * again when keys arrive): then the decision is handAction, else handActionNoKeys (deliver a text or refund), which
     * is folded into handAction for the diagram's gateway. A decision the situation does not offer is refused whatever
     * client submitted it; keys that ran out since the form was shown are refused by the pick itself.
     */
    private static Object decision(DelegateTask task) {
        Object withKeys = task.getVariable(ProcessVariables.HAND_ACTION);
        Object withoutKeys = task.getVariable(ProcessVariables.HAND_ACTION_NO_KEYS);
        task.removeVariable(ProcessVariables.HAND_ACTION_NO_KEYS);
        if (withoutKeys == null) {
            return withKeys;
        }
        if (Boolean.TRUE.equals(task.getVariable(HandKeyPick.KEYS_ENOUGH)) || DELIVER_KEYS.equals(withoutKeys)) {
            throw new ProcessEngineException(ProcessVariables.HAND_ACTION_NO_KEYS + " is not offered here: decide with "
                    + ProcessVariables.HAND_ACTION);
        }
        if (task.getExecution() != null) {
            task.getExecution().setVariable(ProcessVariables.HAND_ACTION, withoutKeys);
        }
        return withoutKeys;
    }

    /** The text support entered, stripped; null when none was entered and none is needed (keys delivered). */
    private static String deliveryText(Object text, boolean required) {
        if (!(text instanceof String delivery) || delivery.isBlank()) {
            if (required) {
                throw new ProcessEngineException(ProcessVariables.DELIVERY_TEXT + ": enter what the buyer receives");
            }
            return null;
        }
        if (delivery.length() > HandDeliveries.MAX_TEXT) {
            throw new ProcessEngineException(ProcessVariables.DELIVERY_TEXT + " is longer than "
                    + HandDeliveries.MAX_TEXT + " characters");
        }
        return delivery.strip();
    }

    private String who() {
        Authentication current = identity.getCurrentAuthentication();
        return current == null || current.getUserId() == null ? "system" : current.getUserId();
    }
}
