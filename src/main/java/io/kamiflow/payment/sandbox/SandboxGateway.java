package io.kamiflow.payment.sandbox;

import java.util.Optional;

import io.kamiflow.catalog.Money;
import io.kamiflow.ops.db.InsertIfAbsent;
import io.kamiflow.ordering.Order;
import io.kamiflow.payment.Payment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The sandbox gateway's side of the world, kept in its own ledger table: what it believes was paid
 * and refunded. It answers queries (for compensation) and refunds the way a real gateway's API would.
 */
@Component
public class SandboxGateway {

    public record Trade(String tradeNo, String orderNo, Money amount, String status) {
    }

    private final JdbcClient jdbc;
    private final InsertIfAbsent inserts;

    SandboxGateway(JdbcClient jdbc, InsertIfAbsent inserts) {
        this.jdbc = jdbc;
        this.inserts = inserts;
    }

    /** The buyer paid at the gateway (whether or not its callback ever reaches us). */
    public void recordPaid(String tradeNo, Order order) {
        inserts.insert("INSERT INTO sandbox_trade (trade_no, order_no, amount_minor, currency, status) VALUES (?, ?, ?, ?, 'PAID')",
                "trade_no", tradeNo, order.orderNo(), order.amount().minor(), order.amount().currency());
    }

    Optional<Trade> paidTradeFor(String orderNo) {
        return jdbc.sql("SELECT * FROM sandbox_trade WHERE order_no = ? AND status = 'PAID' ORDER BY paid_at LIMIT 1")
                .param(orderNo)
                .query((rs, row) -> new Trade(rs.getString("trade_no"), rs.getString("order_no"),
                        new Money(rs.getLong("amount_minor"), rs.getString("currency")), rs.getString("status")))
                .optional();
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
