package io.kamiflow.payment;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

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
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A payment's refund, as a state of its row moved only under that row's lock, so it happens once whatever the number
 * of requests, nodes or process instances ({@code refund_status}): REQUESTED once decided (the gateway not asked, or
 * its answer not recorded yet), PROCESSING while the gateway settles it, SUCCEEDED once the gateway confirmed it,
 * MANUAL_PENDING while support returns it by hand, MANUAL_DONE once support recorded that; {@code refunded_at} is
 * set only when the money is confirmed returned. The decision fixes the request id every gateway call of this refund
 * carries ({@code refund_request_id}) and the payment-refund instance that carries it ({@code refund_instance_id}).
 * Nothing here talks to a gateway: {@link GatewayRefunds} does, outside any transaction, and records the answer here.
 * <p>
 * When the refunded payment is the one that paid the order, the order becomes REFUNDED as soon as the refund is
 * decided: keys never revealed go back to stock, keys that may have reached the buyer (order page, mail attempt, by
 * hand) become VOID. A refunded duplicate payment leaves the order as it is.
 */
@Service
public class RefundService {

    /** Columns named, not *: a node keeps reading its shape while a newer release adds columns (docs/upgrades.md). */
    private static final String PAYMENT_COLUMNS = "id, channel, trade_no, order_no, amount_minor, currency, raw_status, raw_notice, received_at,"
            + " refunded_at, refund_reference, event_id, process_instance_id, refund_status, refund_request_id,"
            + " refund_requested_at, refund_instance_id";

    /** Where a refund stands after a step, as the payment-refund process routes on it. */
    public enum Progress {
        /** decided and carried by this instance: ask the gateway */
        REQUESTED,
        /** the money is confirmed returned */
        SUCCEEDED,
        /** the gateway accepted the refund and settles it later: follow it up */
        PROCESSING,
        /** another running payment-refund instance carries this refund: nothing to do here */
        UNDER_WAY,
        /** the rest go to support: the channel cannot refund through its API ... */
        NO_REFUND_API,
        /** ... is not configured (any more) ... */
        CHANNEL_NOT_CONFIGURED,
        /** ... the gateway gave the refund up (WeChat ABNORMAL/CLOSED, Stripe failed/canceled) ... */
        GATEWAY_GAVE_UP,
        /** ... or support already has it */
        WITH_SUPPORT
    }

    /** A payment of an order and where its refund stands (status null: no refund decided). */
    public record PaymentRefund(long paymentId, String channel, String tradeNo, String status, String refundInstanceId,
                                String processInstanceId) {
        public boolean decided() {
            return status != null;
        }

        public boolean moneyReturned() {
            return "SUCCEEDED".equals(status) || "MANUAL_DONE".equals(status);
        }
    }

    /** What support sees in the "Return the money by hand" task. */
    public record ManualRefund(Payment payment, String gatewayReference) {
    }

    /** A payment row as a refund step found it under its lock (or read it, outside one). */
    record Locked(Payment payment, String status, String reference, String requestId, String instanceId) {
    }

    private static final Logger log = LoggerFactory.getLogger(RefundService.class);
    private static final String CARRIERS = RefundService.class.getName() + ".carriers";

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

    /**
     * An admin's refund request: locks every payment of the order (in id order, as every refund step locks one of
     * them), so concurrent requests take turns here and each sees what the one before decided.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<PaymentRefund> lockRefunds(String orderNo) {
        return jdbc.sql("SELECT " + PAYMENT_COLUMNS + " FROM payment WHERE order_no = ? ORDER BY id FOR UPDATE").param(orderNo)
                .query((rs, row) -> new PaymentRefund(rs.getLong("id"), rs.getString("channel"), rs.getString("trade_no"),
                        rs.getString("refund_status"), rs.getString("refund_instance_id"),
                        rs.getString("process_instance_id")))
                .list();
    }

    /** The admin's request decides the refund of a payment locked by {@link #lockRefunds} that has none yet. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void recordRequest(long paymentId) {
        jdbc.sql("""
                UPDATE payment SET refund_status = 'REQUESTED', refund_request_id = ?, refund_requested_at = CURRENT_TIMESTAMP
                WHERE id = ? AND refund_status IS NULL""").params(requestId(paymentId), paymentId).update();
    }

    /**
     * Record refund decision, the first step of payment-refund, in the transaction that started it: this instance
     * carries the refund unless another running one does ({@code running} says which instances run; one that took
     * the refund earlier in this same transaction runs too, though the engine has not written it yet). A refund not
     * decided yet is decided now; the order is settled. Answers which way the refund goes on from here.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Progress decide(long paymentId, String instanceId, Predicate<String> running) {
        Locked locked = lock(paymentId);
        if ("SUCCEEDED".equals(locked.status()) || "MANUAL_DONE".equals(locked.status())) {
            settleOrder(paymentId, locked.payment().orderNo());
            return Progress.SUCCEEDED;
        }
        if (locked.status() != null && locked.instanceId() != null && !locked.instanceId().equals(instanceId)
                && (carriersOfThisTransaction().contains(locked.instanceId()) || running.test(locked.instanceId()))) {
            log.info("refund of payment {} is carried by instance {}; instance {} leaves it", paymentId,
                    locked.instanceId(), instanceId);
            return Progress.UNDER_WAY;
        }
        if (locked.status() == null) {
            recordRequest(paymentId);
        }
        jdbc.sql("UPDATE payment SET refund_instance_id = ? WHERE id = ?").params(instanceId, paymentId).update();
        carriersOfThisTransaction().add(instanceId);
        settleOrder(paymentId, locked.payment().orderNo());
        return switch (locked.status() == null ? "REQUESTED" : locked.status()) {
            case "REQUESTED" -> channelProgress(locked.payment());
            case "PROCESSING" -> Progress.PROCESSING;
            default -> Progress.WITH_SUPPORT;
        };
    }

    /** REQUESTED when the payment's channel refunds through its API, else why support returns the money. */
    private Progress channelProgress(Payment payment) {
        PaymentChannel channel = channels.byId(payment.channel()).filter(PaymentChannel::enabled).orElse(null);
        return channel == null ? Progress.CHANNEL_NOT_CONFIGURED
                : channel.supportsRefund() ? Progress.REQUESTED : Progress.NO_REFUND_API;
    }

    private void settleOrder(long paymentId, String orderNo) {
        Order order = orders.lockByOrderNo(orderNo).orElseThrow();
        boolean paidThisOrder = order.paymentId() == null || order.paymentId() == paymentId;
        if (paidThisOrder && order.status() != OrderStatus.REFUNDED) {
            keys.settleRefund(order.id());
            orders.transition(order.id(), OrderStatus.REFUNDED, OrderStatus.values());
        }
    }

    /** The payment's row as it is now, without a lock: what a step outside a transaction decides on. */
    Locked read(long paymentId) {
        return jdbc.sql("SELECT " + PAYMENT_COLUMNS + " FROM payment WHERE id = ?").param(paymentId).query(RefundService::locked).single();
    }

    /**
     * The gateway's answer to the refund request, in a transaction of its own after the call: recorded only while the
     * refund is still REQUESTED (a second answer, after a crash and a repeated call, changes nothing).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    Progress recordAnswer(long paymentId, RefundResult result, String reason) {
        Locked locked = lock(paymentId);
        if (!"REQUESTED".equals(locked.status())) {
            return progressOf(locked.status());
        }
        Payment payment = locked.payment();
        return switch (result.state()) {
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

    /**
     * The gateway's answer to a follow-up of a refund it settles: SUCCEEDED records the money as returned, once. Also
     * when support took the refund over while the question was on its way (no final answer in time): the gateway
     * returned the money, and support's task then records nothing (its form says to look at the gateway first).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    RefundResult recordFollowUp(long paymentId, RefundResult result) {
        Locked locked = lock(paymentId);
        boolean settledByGatewayMeanwhile = "MANUAL_PENDING".equals(locked.status()) && locked.reference() != null
                && result.state() == RefundResult.State.SUCCEEDED;
        if (!"PROCESSING".equals(locked.status()) && !settledByGatewayMeanwhile) {
            return resultOf(locked);
        }
        if (result.state() == RefundResult.State.SUCCEEDED) {
            confirmReturned(locked.payment(), "SUCCEEDED", result.reference() == null ? locked.reference() : result.reference(),
                    "confirmed by the gateway");
        } else if (result.state() == RefundResult.State.FAILED) {
            log.warn("refund of payment {} of order {} is {} at the gateway: support returns it by hand", paymentId,
                    locked.payment().orderNo(), result.gatewayStatus());
        }
        return result;
    }

    static Progress progressOf(String status) {
        return switch (status == null ? "" : status) {
            case "SUCCEEDED", "MANUAL_DONE" -> Progress.SUCCEEDED;
            case "PROCESSING" -> Progress.PROCESSING;
            case "REQUESTED" -> Progress.REQUESTED;
            default -> Progress.WITH_SUPPORT;
        };
    }

    static RefundResult resultOf(Locked locked) {
        return "SUCCEEDED".equals(locked.status()) || "MANUAL_DONE".equals(locked.status())
                ? RefundResult.succeeded(locked.reference()) : RefundResult.failed(locked.reference(), locked.status());
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
        if (locked.status() == null || "REQUESTED".equals(locked.status()) || "PROCESSING".equals(locked.status())) {
            if (locked.status() == null) {
                recordRequest(locked.payment().id());
            }
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

    static String describe(Payment payment) {
        return payment.channel() + " trade " + payment.tradeNo() + " " + payment.amount().amount() + " "
                + payment.amount().currency();
    }

    /** The idempotency key of the payment's one refund, fixed when the refund is decided. */
    static String requestId(long paymentId) {
        return "KF-REFUND-" + paymentId;
    }

    private Locked lock(long paymentId) {
        return jdbc.sql("SELECT " + PAYMENT_COLUMNS + " FROM payment WHERE id = ? FOR UPDATE").param(paymentId).query(RefundService::locked).single();
    }

    private static Locked locked(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Locked(new Payment(rs.getLong("id"), rs.getString("channel"), rs.getString("trade_no"),
                rs.getString("order_no"), new Money(rs.getLong("amount_minor"), rs.getString("currency"))),
                rs.getString("refund_status"), rs.getString("refund_reference"), rs.getString("refund_request_id"),
                rs.getString("refund_instance_id"));
    }

    /** payment-refund instances that took a refund in the current transaction (the engine writes them at its end). */
    @SuppressWarnings("unchecked")
    private static Set<String> carriersOfThisTransaction() {
        Set<String> carriers = (Set<String>) TransactionSynchronizationManager.getResource(CARRIERS);
        if (carriers == null) {
            Set<String> fresh = new HashSet<>();
            TransactionSynchronizationManager.bindResource(CARRIERS, fresh);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(CARRIERS);
                }
            });
            carriers = fresh;
        }
        return carriers;
    }
}
