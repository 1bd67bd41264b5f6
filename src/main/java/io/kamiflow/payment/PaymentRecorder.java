package io.kamiflow.payment;

import java.util.Optional;

import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.db.InsertIfAbsent;
import io.kamiflow.ops.logging.OrderLogContext;
import io.kamiflow.ops.metrics.CallbackMetricsFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one idempotent entry for paid notices, whatever the channel: the payment row is unique per
 * (channel, trade no), and only the transaction that inserted it starts fulfillment, in the same commit.
 * Repeats of a notice find the row and change nothing.
 *
 * <p>The claim runs in the callback's transaction (see {@link PaidOrders}). If that transaction fails
 * for any reason, the notice is recorded once more in a new transaction with the claim deferred to a job:
 * a fault in verifying or claiming never turns into callbacks the gateway repeats forever. When the database
 * itself is down the second attempt fails too and the gateway gets its 5xx.
 */
@Service
public class PaymentRecorder {

    private static final Logger log = LoggerFactory.getLogger(PaymentRecorder.class);

    public enum Outcome {
        /** a new paid notice: recorded, fulfillment started */
        RECORDED,
        /** this (channel, trade no) was recorded before: nothing changed */
        ALREADY_RECORDED,
        /** no such order: the channel rejects the notice */
        UNKNOWN_ORDER,
        /** a verified notice that does not mean paid (e.g. WAIT_BUYER_PAY): acknowledged, nothing changed */
        IGNORED
    }

    private final JdbcClient jdbc;
    private final OrderRepository orders;
    private final PaidOrders fulfillment;
    private final InsertIfAbsent inserts;
    private final TransactionTemplate transactions;

    PaymentRecorder(JdbcClient jdbc, OrderRepository orders, PaidOrders fulfillment, InsertIfAbsent inserts,
                    PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.inserts = inserts;
        this.orders = orders;
        this.fulfillment = fulfillment;
    }

    /**
     * Records the notice in its own transaction, or in the caller's when one is active (a compensation job:
     * there a failure is the job's to retry). In its own, it returns once the key mail it queued is out, or after
     * {@code kamiflow.fulfillment.key-mail-wait} ({@link PaidOrders#pacedByFollowUps}).
     */
    public Outcome record(PaymentNotice notice) {
        try (var logContext = OrderLogContext.of(notice.orderNo())) {
            if (TransactionSynchronizationManager.isActualTransactionActive()) {
                return recordOnce(notice, false);
            }
            return fulfillment.pacedByFollowUps(() -> recordInOwnTransaction(notice));
        }
    }

    private Outcome recordInOwnTransaction(PaymentNotice notice) {
        try {
            return transactions.execute(status -> recordOnce(notice, false));
        } catch (RuntimeException claimFailed) {
            log.warn("order {}: recording the payment with the claim failed ({}); recording it with the claim deferred to a job",
                    notice.orderNo(), claimFailed.getClass().getName());
            log.debug("claim in the callback failed", claimFailed);
            return transactions.execute(status -> recordOnce(notice, true));
        }
    }

    private Outcome recordOnce(PaymentNotice notice, boolean deferClaim) {
        Outcome outcome = recordPayment(notice, deferClaim);
        CallbackMetricsFilter.mark(switch (outcome) {
            case RECORDED -> "accepted";
            case ALREADY_RECORDED -> "duplicate";
            case UNKNOWN_ORDER -> "unknown_order";
            case IGNORED -> "ignored";
        });
        return outcome;
    }

    private Outcome recordPayment(PaymentNotice notice, boolean deferClaim) {
        // A paid notice locks the order first: the only read of its row in this transaction, on which Verify payment
        // decides and the steps after it act (issue 23: it was read five times). Repeats wait here for the first one.
        Optional<Order> order = notice.paid() ? orders.lockByOrderNo(notice.orderNo()) : orders.findByOrderNo(notice.orderNo());
        if (order.isEmpty()) {
            return Outcome.UNKNOWN_ORDER;
        }
        if (!notice.paid()) {
            return Outcome.IGNORED;
        }
        Optional<Long> inserted = inserts.insertReturningId("""
                INSERT INTO payment (channel, trade_no, order_no, amount_minor, currency, raw_status, event_id, raw_notice)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", "channel, trade_no", notice.channel(), notice.tradeNo(), notice.orderNo(),
                notice.amount().minor(), notice.amount().currency(), notice.rawStatus(), truncate(notice.eventId(), 128),
                notice.rawNotice());
        if (inserted.isEmpty()) {
            return Outcome.ALREADY_RECORDED;
        }
        long paymentId = inserted.get();
        String instanceId = deferClaim ? fulfillment.startDeferred(order.get(), paymentId)
                : fulfillment.start(order.get(), paymentId, notice.amount());
        jdbc.sql("UPDATE payment SET process_instance_id = ? WHERE id = ?").params(instanceId, paymentId).update();
        log.info("payment {} recorded for order {} via {} (trade {})", paymentId, notice.orderNo(), notice.channel(),
                notice.tradeNo());
        return Outcome.RECORDED;
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
