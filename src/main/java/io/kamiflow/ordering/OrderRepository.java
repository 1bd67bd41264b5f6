package io.kamiflow.ordering;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kamiflow.catalog.Money;
import io.kamiflow.ops.metrics.ShopMetrics;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class OrderRepository {

    private final JdbcClient jdbc;
    private final ShopMetrics metrics;

    OrderRepository(JdbcClient jdbc, ShopMetrics metrics) {
        this.jdbc = jdbc;
        this.metrics = metrics;
    }

    long insert(String orderNo, long productId, int quantity, Money amount, String email, String tokenHash, String channel,
                String clientAddress) {
        jdbc.sql("""
                INSERT INTO customer_order (order_no, product_id, quantity, amount_minor, currency, buyer_email,
                                            access_token_hash, channel, status, client_address)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'PENDING_PAYMENT', ?)""")
                .params(orderNo, productId, quantity, amount.minor(), amount.currency(), email, tokenHash, channel,
                        clientAddress)
                .update();
        return findByOrderNo(orderNo).orElseThrow().id();
    }

    public Optional<Order> findByOrderNo(String orderNo) {
        return jdbc.sql("SELECT * FROM customer_order WHERE order_no = ?").param(orderNo).query(OrderRepository::map).optional();
    }

    public Order getById(long id) {
        return jdbc.sql("SELECT * FROM customer_order WHERE id = ?").param(id).query(OrderRepository::map).single();
    }

    /** Locks the order row for the rest of the transaction: serializes everything that decides its fate. */
    public Optional<Order> lockByOrderNo(String orderNo) {
        return jdbc.sql("SELECT * FROM customer_order WHERE order_no = ? FOR UPDATE").param(orderNo)
                .query(OrderRepository::map).optional();
    }

    /**
     * Moves the order on from one of the expected states. Every caller holds the order where it expects
     * it, so a refusal is a bug (or a race nobody designed for): it fails the transaction instead of passing
     * in silence.
     */
    public void transition(long orderId, OrderStatus to, OrderStatus... from) {
        List<String> allowed = Arrays.stream(from).map(Enum::name).toList();
        String stamp = switch (to) {
            case PAID -> ", paid_at = coalesce(paid_at, CURRENT_TIMESTAMP)";
            case DELIVERED -> ", delivered_at = coalesce(delivered_at, CURRENT_TIMESTAMP)";
            default -> "";
        };
        String update = "UPDATE customer_order SET status = :to, updated_at = CURRENT_TIMESTAMP" + stamp
                + " WHERE id = :id AND status IN (:from)";
        // a real change is counted; staying put (an allowed DELIVERED -> DELIVERED resend) is not
        int changed = jdbc.sql(update + " AND status <> :to").param("to", to.name()).param("id", orderId)
                .param("from", allowed).update();
        if (changed == 1) {
            counted(to);
            return;
        }
        int stayed = allowed.contains(to.name())
                ? jdbc.sql(update + " AND status = :to").param("to", to.name()).param("id", orderId).param("from", allowed).update()
                : 0;
        if (stayed != 1) {
            String actual = jdbc.sql("SELECT order_no || ' is ' || status FROM customer_order WHERE id = ?").param(orderId)
                    .query(String.class).optional().orElse("order id " + orderId + " does not exist");
            throw new IllegalStateException("refused order transition to " + to + " from " + allowed + ": " + actual);
        }
    }

    private void counted(OrderStatus to) {
        switch (to) {
            case DELIVERED -> metrics.order(ShopMetrics.OrderEvent.DELIVERED);
            case AWAITING_STOCK -> metrics.order(ShopMetrics.OrderEvent.PARKED);
            case MANUAL -> metrics.order(ShopMetrics.OrderEvent.MANUAL);
            case REFUNDED -> metrics.order(ShopMetrics.OrderEvent.REFUNDED);
            default -> { } // PAID again after the restock wait is the same payment; markPaidBy counts it
        }
    }

    public void markPaidBy(long orderId, long paymentId) {
        jdbc.sql("""
                UPDATE customer_order SET status = 'PAID', payment_id = ?, paid_at = CURRENT_TIMESTAMP,
                       updated_at = CURRENT_TIMESTAMP WHERE id = ?""")
                .params(paymentId, orderId).update();
        metrics.order(ShopMetrics.OrderEvent.PAID);
    }

    public void changeEmail(long orderId, String email) {
        jdbc.sql("UPDATE customer_order SET buyer_email = ?, updated_at = CURRENT_TIMESTAMP WHERE id = ?")
                .params(email, orderId).update();
    }

    /** Paid orders parked for stock, oldest payment first, locked so two restocks never resume the same order. */
    public List<Order> lockAwaitingStock(long productId, int limit) {
        return jdbc.sql("""
                SELECT * FROM customer_order WHERE product_id = ? AND status = 'AWAITING_STOCK'
                ORDER BY paid_at, id LIMIT ? FOR UPDATE SKIP LOCKED""")
                .params(productId, limit).query(OrderRepository::map).list();
    }

    /** Unpaid orders created before {@code cutoff}, locked for expiry. */
    public List<Order> lockUnpaidBefore(Instant cutoff, int limit) {
        return jdbc.sql("""
                SELECT * FROM customer_order WHERE status = 'PENDING_PAYMENT' AND created_at < ?
                ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED""")
                .params(Timestamp.from(cutoff), limit).query(OrderRepository::map).list();
    }

    /** Unpaid orders in an age window, for asking gateways whether they were paid after all. */
    public List<Order> unpaidBetween(Instant from, Instant to, int limit) {
        return jdbc.sql("""
                SELECT * FROM customer_order WHERE status = 'PENDING_PAYMENT' AND created_at >= ? AND created_at < ?
                ORDER BY created_at LIMIT ?""")
                .params(Timestamp.from(from), Timestamp.from(to), limit).query(OrderRepository::map).list();
    }

    public List<Order> search(String status, String email, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM customer_order WHERE 1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (status != null) {
            sql.append(" AND status = :status");
            params.put("status", status);
        }
        if (email != null) {
            sql.append(" AND lower(buyer_email) = lower(:email)");
            params.put("email", email);
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
        params.put("limit", limit);
        return jdbc.sql(sql.toString()).params(params).query(OrderRepository::map).list();
    }

    private static Order map(ResultSet rs, int row) throws SQLException {
        return new Order(rs.getLong("id"), rs.getString("order_no"), rs.getLong("product_id"), rs.getInt("quantity"),
                new Money(rs.getLong("amount_minor"), rs.getString("currency")), rs.getString("buyer_email"),
                rs.getString("access_token_hash"), rs.getString("channel"), OrderStatus.valueOf(rs.getString("status")),
                rs.getObject("payment_id", Long.class),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("paid_at", OffsetDateTime.class),
                rs.getObject("delivered_at", OffsetDateTime.class));
    }
}
