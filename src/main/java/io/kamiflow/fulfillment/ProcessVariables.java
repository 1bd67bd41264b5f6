package io.kamiflow.fulfillment;

import java.util.Set;

/**
 * The only variables order-fulfillment carries: ids and statuses, never key values or buyer secrets.
 * Ids are there for people reading Cockpit; delegates take the order from the business key and check the
 * payment id against it (see {@link InstanceOrders}).
 */
public final class ProcessVariables {

    public static final String PROCESS_KEY = "order-fulfillment";
    public static final String ORDER_NO = "orderNo";
    public static final String PAYMENT_ID = "paymentId";
    public static final String PAYMENT_VERIFIED = "paymentVerified";
    public static final String DISCREPANCY = "discrepancy";
    public static final String OUT_OF_STOCK_ERROR = "OUT_OF_STOCK";
    public static final String CANNOT_ACCEPT_ERROR = "CANNOT_ACCEPT";
    public static final String BY_HAND_ERROR = "BY_HAND";
    public static final String DELIVERY_OUTCOME = "deliveryOutcome";
    public static final String DELIVERY_RETRIES = "deliveryRetries";
    /** Set on an instance whose Send keys took over a queued key mail: a send recorded late by its old node counts. */
    public static final String MAIL_TAKEN_OVER = "keyMailTakenOver";
    public static final String DELIVERY_ATTEMPTS = "deliveryAttempts";
    public static final String LAST_DELIVERY_ERROR = "lastDeliveryError";
    public static final String BUYER_EMAIL_MASKED = "buyerEmailMasked";
    public static final String MANUAL_ACTION = "manualAction";
    public static final String CORRECTED_EMAIL = "correctedEmail";
    public static final String MANUAL_NOTE = "manualNote";
    public static final String REVIEW_DECISION = "reviewDecision";
    public static final String REVIEW_NOTE = "reviewNote";
    /** Review payment's decision where accepting cannot succeed (the form offers refund alone); folded into reviewDecision. */
    public static final String REVIEW_DECISION_REFUND_ONLY = "reviewDecisionRefundOnly";
    /** Review payment: whether accepting can succeed, set on the task when it is created; the form offers decisions by it. */
    public static final String REVIEW_CAN_ACCEPT = "reviewCanAccept";
    public static final String RESTOCK_DECISION = "restockDecision";
    public static final String RESTOCK_NOTE = "restockNote";
    public static final String REFUND_REASON = "refundReason";
    /** payment-refund: where the refund stands after its last step (RefundService.Progress). */
    public static final String REFUND_STATUS = "refundStatus";
    /** payment-refund: the gateway's own status of a refund it gave up (e.g. ABNORMAL). */
    public static final String GATEWAY_REFUND_STATUS = "gatewayRefundStatus";
    public static final String MANUAL_REFUND_REFERENCE = "manualRefundReference";
    public static final String MANUAL_REFUND_NOTE = "manualRefundNote";
    /** Fulfil by hand: support's decision (deliver, refund), the text the buyer receives, the note, the buyer's fields. */
    public static final String HAND_ACTION = "handAction";
    /** Fulfil by hand's decision where the stock cannot cover the order (the form offers no keys); folded into handAction. */
    public static final String HAND_ACTION_NO_KEYS = "handActionNoKeys";
    public static final String DELIVERY_TEXT = "deliveryText";
    public static final String HAND_NOTE = "handNote";
    public static final String BUYER_FIELDS = "buyerFields";

    /**
     * Variables that may describe a person: what support and admins type (notes, reasons, references) and the masked
     * address the Manual delivery form shows. They live while their instance runs and never reach the history
     * (LeanHistoryEventHandler), which outlives the order's retention; what must be kept goes to the audit log or the
     * order, where the retention policy erases it in time. A corrected address does not even stay that long: the
     * form check moves it into the order in the submitting transaction.
     */
    public static final Set<String> KEPT_OUT_OF_HISTORY = Set.of(CORRECTED_EMAIL, BUYER_EMAIL_MASKED, MANUAL_NOTE,
            REVIEW_NOTE, REFUND_REASON, MANUAL_REFUND_REFERENCE, MANUAL_REFUND_NOTE, DELIVERY_TEXT, HAND_NOTE, BUYER_FIELDS, RESTOCK_NOTE);

    public static final String MSG_STOCK_REPLENISHED = "StockReplenished";
    public static final String MSG_RESEND_REQUESTED = "ResendRequested";
    public static final String MSG_RESEND_AFTER_DELIVERY = "ResendAfterDelivery";
    public static final String MSG_REFUND_REQUESTED = "RefundRequested";
    public static final String MSG_REFUND_AFTER_DELIVERY = "RefundAfterDelivery";

    private ProcessVariables() {
    }
}
