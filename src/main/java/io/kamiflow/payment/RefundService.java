package io.kamiflow.payment;

import io.kamiflow.catalog.Money;
import io.kamiflow.inventory.KeyClaimer;
import io.kamiflow.ops.AuditLog;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.ordering.OrderStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Returns a payment's money and settles the order. The payment row says where its refund stands
 * ({@code refund_status}): PROCESSING while the gateway settles it, SUCCEEDED once the gateway confirmed it,
 * MANUAL_PENDING while support returns it by hand, MANUAL_DONE once support recorded that;
 * {@code refunded_at} is set only when the money is confirmed returned. Every step locks the payment row
 * and acts only on the state it finds, so a replayed or concurrent job never asks the gateway twice nor
 * records a refund twice; the gateway request itself is idempotent per payment (the channel keys it on the
 * payment id).
 * <p>
 * When the refunded payment is the one that paid the order, the order becomes REFUNDED as soon as the
 * refund is decided: keys never revealed go back to stock, keys that may have reached the
 * buyer (order page, mail attempt, by hand) become VOID.
 * A refunded duplicate payment leaves the order as it is.
 */
@Service
public class RefundService {

    /** Where a refund stands after a step, as the payment-refund process routes on it. */
    public enum Progress {
        /** the money is confirmed returned */
        SUCCEEDED,
        /** the gateway accepted the refund and settles it later: follow it up */
        PROCESSING,
        /** the rest go to support: the channel cannot refund through its API ... */
        NO_REFUND_API,
        /** ... is not configured (any more) ... */
        CHANNEL_NOT_CONFIGURED,
        /** ... the gateway gave the refund up (WeChat ABNORMAL/CLOSED, Stripe failed/canceled) ... */
        GATEWAY_GAVE_UP,
        /** ... or support already has it */
        WITH_SUPPORT
    }

    /** What support sees in the "Return the money by hand" task. */
    public record ManualRefund(Payment payment, String gatewayReference) {
    }

    private static final Logger log = LoggerFactory.getLogger(RefundService.class);

    private final JdbcClient jdbc;
    private final PaymentChannels channels;
    private final OrderRepository orders;
    private final KeyClaimer keys;
    private final AuditLog audit;

    RefundService(JdbcClient jdbc, PaymentChannels channels, OrderRepository orders, KeyClaimer keys, AuditLog audit) {
        this.jdbc = jdbc;
        this.channels = channels;
        this.orders = orders;
        this.keys = keys;
        this.audit = audit;
    }

    private record Locked(Payment payment, String status, String reference) {
    }

    /**
     * Refund payment: asks the gateway where the channel can refund, else hands the refund to support. A payment
     * whose refund was already requested is not requested again; its state decides what comes next.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Progress refund(long paymentId, String reason) {
        Locked locked = lock(paymentId);
        Payment payment = locked.payment();
        Progress progress;
        if (locked.status() != null) {
            progress = switch (locked.status()) {
                case "SUCCEEDED", "MANUAL_DONE" -> Progress.SUCCEEDED;
                case "PROCESSING" -> Progress.PROCESSING;
                default -> Progress.WITH_SUPPORT;
            };
        } else {
            PaymentChannel channel = channels.byId(payment.channel()).filter(PaymentChannel::enabled).orElse(null);
            if (channel == null || !channel.supportsRefund()) {
                progress = channel == null ? Progress.CHANNEL_NOT_CONFIGURED : Progress.NO_REFUND_API;
                handToSupport(locked, progress.name() + "; " + reason);
            } else {
                RefundResult result = channel.refund(payment, reason);
                progress = switch (result.state()) {
                    case SUCCEEDED -> {
                        confirmReturned(payment, "SUCCEEDED", result.reference(), reason);
                        yield Progress.SUCCEEDED;
                    }
                    case PROCESSING -> {
                        jdbc.sql("UPDATE payment SET refund_status = 'PROCESSING', refund_reference = ? WHERE id = ?")
                                .params(result.reference(), paymentId).update();
                        audit.record("payment.refund.requested", payment.orderNo(), describe(payment) + " ref "
                                + result.reference() + ": accepted by the gateway, settling; " + reason);
                        yield Progress.PROCESSING;
                    }
                    case FAILED -> {
                        handToSupport(locked, "the gateway answered " + result.gatewayStatus() + "; " + reason);
                        yield Progress.GATEWAY_GAVE_UP;
                    }
                };
            }
        }
        Order order = orders.lockByOrderNo(payment.orderNo()).orElseThrow();
        boolean paidThisOrder = order.paymentId() == null || order.paymentId() == paymentId;
        if (paidThisOrder && order.status() != OrderStatus.REFUNDED) {
            keys.settleRefund(order.id());
            orders.transition(order.id(), OrderStatus.REFUNDED, OrderStatus.values());
        }
        return progress;
    }

    /**
     * Check refund result: asks the gateway about a refund it is still settling. SUCCEEDED records the money as
     * returned; FAILED leaves the payment for support. Once the payment left PROCESSING nothing is asked.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public RefundResult checkRefund(long paymentId) {
        Locked locked = lock(paymentId);
        Payment payment = locked.payment();
        if (!"PROCESSING".equals(locked.status())) {
            return "SUCCEEDED".equals(locked.status()) || "MANUAL_DONE".equals(locked.status())
                    ? RefundResult.succeeded(locked.reference()) : RefundResult.failed(locked.reference(), locked.status());
        }
        PaymentChannel channel = channels.byId(payment.channel()).filter(PaymentChannel::enabled)
                .orElseThrow(() -> new IllegalStateException("channel " + payment.channel() + " of payment " + paymentId
                        + " is not configured any more; its refund cannot be checked"));
        RefundResult result = channel.checkRefund(payment, locked.reference());
        if (result.state() == RefundResult.State.SUCCEEDED) {
            confirmReturned(payment, "SUCCEEDED", result.reference() == null ? locked.reference() : result.reference(),
                    "confirmed by the gateway");
        } else if (result.state() == RefundResult.State.FAILED) {
            log.warn("refund of payment {} of order {} is {} at the gateway: support returns it by hand", paymentId,
                    payment.orderNo(), result.gatewayStatus());
        }
        return result;
    }

    /**
     * The "Return the money by hand" task opens: the payment waits for support (MANUAL_PENDING) unless its money
     * is already confirmed returned. Answers what the task shows.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public ManualRefund handToSupport(long paymentId, String why) {
        Locked locked = lock(paymentId);
        handToSupport(locked, why);
        return new ManualRefund(locked.payment(), locked.reference());
    }

    /** Record refund returned by hand: support's reference of the transfer; once, whoever completes first. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean recordReturnedByHand(long paymentId, String reference, String note) {
        Locked locked = lock(paymentId);
        if (!"MANUAL_PENDING".equals(locked.status())) {
            log.info("refund of payment {} is {}: nothing to record by hand", paymentId, locked.status());
            return false;
        }
        confirmReturned(locked.payment(), "MANUAL_DONE", reference,
                "returned by hand" + (note == null || note.isBlank() ? "" : ": " + note.strip()));
        return true;
    }

    private void handToSupport(Locked locked, String why) {
        if (locked.status() == null || "PROCESSING".equals(locked.status())) {
            jdbc.sql("UPDATE payment SET refund_status = 'MANUAL_PENDING' WHERE id = ?").param(locked.payment().id()).update();
            audit.record("payment.refund.by-hand", locked.payment().orderNo(), describe(locked.payment())
                    + ": handed to support to return by hand (" + why + ")");
            log.info("refund of payment {} of order {} handed to support", locked.payment().id(), locked.payment().orderNo());
        }
    }

    private void confirmReturned(Payment payment, String status, String reference, String detail) {
        jdbc.sql("UPDATE payment SET refunded_at = CURRENT_TIMESTAMP, refund_status = ?, refund_reference = ? WHERE id = ?")
                .params(status, reference, payment.id()).update();
        audit.record("payment.refund", payment.orderNo(), describe(payment) + " ref " + reference + "; " + detail);
        log.info("payment {} of order {} refunded ({}, {})", payment.id(), payment.orderNo(), status, reference);
    }

    private static String describe(Payment payment) {
        return payment.channel() + " trade " + payment.tradeNo() + " " + payment.amount().amount() + " "
                + payment.amount().currency();
    }

    private Locked lock(long paymentId) {
        return jdbc.sql("SELECT * FROM payment WHERE id = ? FOR UPDATE").param(paymentId)
                .query((rs, row) -> new Locked(new Payment(rs.getLong("id"), rs.getString("channel"), rs.getString("trade_no"),
                        rs.getString("order_no"), new Money(rs.getLong("amount_minor"), rs.getString("currency"))),
                        rs.getString("refund_status"), rs.getString("refund_reference")))
                .single();
    }
}
