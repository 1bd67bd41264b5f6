package io.kamiflow.payment;

import java.util.Optional;

import io.kamiflow.fulfillment.FulfillmentStarter;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.ops.db.InsertIfAbsent;
import io.kamiflow.ops.logging.OrderLogContext;
import io.kamiflow.ops.metrics.CallbackMetricsFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The one idempotent entry for paid notices, whatever the channel: the payment row is unique per
 * (channel, trade no), and only the transaction that inserted it starts fulfillment, in the same commit.
 * Repeats of a notice find the row and change nothing.
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
    private final FulfillmentStarter fulfillment;
    private final InsertIfAbsent inserts;

    PaymentRecorder(JdbcClient jdbc, OrderRepository orders, FulfillmentStarter fulfillment, InsertIfAbsent inserts) {
        this.jdbc = jdbc;
        this.inserts = inserts;
        this.orders = orders;
        this.fulfillment = fulfillment;
    }

    @Transactional
    public Outcome record(PaymentNotice notice) {
        try (var logContext = OrderLogContext.of(notice.orderNo())) {
            Outcome outcome = recordOnce(notice);
            CallbackMetricsFilter.mark(switch (outcome) {
                case RECORDED -> "accepted";
                case ALREADY_RECORDED -> "duplicate";
                case UNKNOWN_ORDER -> "unknown_order";
                case IGNORED -> "ignored";
            });
            return outcome;
        }
    }

    private Outcome recordOnce(PaymentNotice notice) {
        Optional<Order> order = orders.findByOrderNo(notice.orderNo());
        if (order.isEmpty()) {
            return Outcome.UNKNOWN_ORDER;
        }
        if (!notice.paid()) {
            return Outcome.IGNORED;
        }
        int inserted = inserts.insert("""
                INSERT INTO payment (channel, trade_no, order_no, amount_minor, currency, raw_status, event_id, raw_notice)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", "channel, trade_no", notice.channel(), notice.tradeNo(), notice.orderNo(),
                notice.amount().minor(), notice.amount().currency(), notice.rawStatus(), truncate(notice.eventId(), 128),
                notice.rawNotice());
        if (inserted == 0) {
            return Outcome.ALREADY_RECORDED;
        }
        long paymentId = jdbc.sql("SELECT id FROM payment WHERE channel = ? AND trade_no = ?")
                .params(notice.channel(), notice.tradeNo()).query(Long.class).single();
        String instanceId = fulfillment.start(order.get(), paymentId);
        jdbc.sql("UPDATE payment SET process_instance_id = ? WHERE id = ?").params(instanceId, paymentId).update();
        log.info("payment {} recorded for order {} via {} (trade {})", paymentId, notice.orderNo(), notice.channel(),
                notice.tradeNo());
        return Outcome.RECORDED;
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
