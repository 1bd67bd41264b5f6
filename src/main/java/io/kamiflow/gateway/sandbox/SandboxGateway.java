package io.kamiflow.gateway.sandbox;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.kamiflow.catalog.Money;
import io.kamiflow.db.InsertIfAbsent;
import io.kamiflow.ordering.Order;
import io.kamiflow.payment.GatewayTrade;
import io.kamiflow.payment.Payment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The sandbox gateway's side of the world, kept in its own ledger table: what it believes was paid
 * and refunded, and which trades were closed. It answers queries (for compensation), refunds and closes the way a
 * real gateway's API would.
 */
@Component
public class SandboxGateway {

    /** Columns named, not *: a node keeps reading its shape while a newer release adds columns (docs/upgrades.md). */
    private static final String SANDBOX_TRADE_COLUMNS = "trade_no, order_no, amount_minor, currency, status, refund_id, paid_at";

    public record Trade(String tradeNo, String orderNo, Money amount, String status) {
    }

    private final JdbcClient jdbc;
    private final InsertIfAbsent inserts;

    SandboxGateway(JdbcClient jdbc, InsertIfAbsent inserts) {
        this.jdbc = jdbc;
        this.inserts = inserts;
    }

    /**
     * The buyer paid at the gateway (whether or not its callback ever reaches us).
     *
     * @throws IllegalStateException when the order's trade was closed: the gateway takes no more money for it
     */
    public void recordPaid(String tradeNo, Order order) {
        if (isClosed(order.orderNo())) {
            throw new IllegalStateException("the sandbox trade of order " + order.orderNo() + " is closed");
        }
        inserts.insert("INSERT INTO sandbox_trade (trade_no, order_no, amount_minor, currency, status) VALUES (?, ?, ?, ?, 'PAID')",
                "trade_no", tradeNo, order.orderNo(), order.amount().minor(), order.amount().currency());
    }

    public boolean isClosed(String orderNo) {
        return jdbc.sql("SELECT count(*) FROM sandbox_closed_order WHERE order_no = ?").param(orderNo)
                .query(Integer.class).single() > 0;
    }

    /** Closes the order's trade unless it was paid; idempotent. @return false when it was paid */
    boolean close(String orderNo) {
        if (paidTradeFor(orderNo).isPresent()) {
            return false;
        }
        inserts.insert("INSERT INTO sandbox_closed_order (order_no) VALUES (?)", "order_no", orderNo);
        return true;
    }

    Optional<Trade> paidTradeFor(String orderNo) {
        return jdbc.sql("SELECT " + SANDBOX_TRADE_COLUMNS + " FROM sandbox_trade WHERE order_no = ? AND status = 'PAID' ORDER BY paid_at LIMIT 1")
                .param(orderNo)
                .query((rs, row) -> new Trade(rs.getString("trade_no"), rs.getString("order_no"),
                        new Money(rs.getLong("amount_minor"), rs.getString("currency")), rs.getString("status")))
                .optional();
    }

    /** The ledger's paid trades in {@code [from, to)}, oldest first (the bill a real gateway would let us download). */
    List<GatewayTrade> paidTrades(Instant from, Instant to) {
        return jdbc.sql("SELECT " + SANDBOX_TRADE_COLUMNS + " FROM sandbox_trade WHERE status = 'PAID' AND paid_at >= ? AND paid_at < ? ORDER BY paid_at, trade_no")
                .params(Timestamp.from(from), Timestamp.from(to))
                .query((rs, row) -> new GatewayTrade(rs.getString("trade_no"), rs.getString("order_no"),
                        new Money(rs.getLong("amount_minor"), rs.getString("currency")), rs.getTimestamp("paid_at").toInstant()))
                .list();
    }

    /** Idempotent per payment: the refund id is derived from our payment id. */
    String refund(Payment payment) {
        String refundId = "SBR-" + payment.id();
        inserts.insert("INSERT INTO sandbox_trade (trade_no, order_no, amount_minor, currency, status) VALUES (?, ?, ?, ?, 'PAID')",
                "trade_no", payment.tradeNo(), payment.orderNo(), payment.amount().minor(), payment.amount().currency());
        jdbc.sql("UPDATE sandbox_trade SET status = 'REFUNDED', refund_id = ? WHERE trade_no = ?")
                .params(refundId, payment.tradeNo()).update();
        return refundId;
    }
}
