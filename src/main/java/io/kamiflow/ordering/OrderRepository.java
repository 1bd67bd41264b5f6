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
import java.util.Objects;
import java.util.Optional;

import io.kamiflow.catalog.Money;
import io.kamiflow.db.SqlDialect;
import io.kamiflow.inventory.KeyClaimer;
import io.kamiflow.ops.metrics.ShopMetrics;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

@Repository
public class OrderRepository {

    /** Columns named, not *: a node keeps reading its shape while a newer release adds columns (docs/upgrades.md). */
    private static final String CUSTOMER_ORDER_COLUMNS = "id, order_no, product_id, quantity, amount_minor, currency, buyer_email, access_token_hash,"
            + " channel, status, payment_id, created_at, paid_at, delivered_at, updated_at, client_address,"
            + " gateway_reference, trade_close, personal_data_erased_at, language";

    /** A new unpaid order's columns, in the order both {@link #insert} and {@link #newOrder} give their values. */
    private static final String INSERT_NEW_ORDER = "INSERT INTO customer_order (order_no, product_id, quantity,"
            + " amount_minor, currency, buyer_email, access_token_hash, channel, status, client_address, language)";

    private final JdbcClient jdbc;
    private final ShopMetrics metrics;
    private final SqlDialect dialect;

    OrderRepository(JdbcClient jdbc, ShopMetrics metrics, SqlDialect dialect) {
        this.jdbc = jdbc;
        this.metrics = metrics;
        this.dialect = dialect;
    }

    /** The new unpaid order as stored (PostgreSQL: the insert returns it; H2: read back by its generated id). */
    Order insert(String orderNo, long productId, int quantity, Money amount, String email, String tokenHash, String channel,
                 String clientAddress, String language) {
        String insert = INSERT_NEW_ORDER + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'PENDING_PAYMENT', ?, ?)";
        Object[] values = {orderNo, productId, quantity, amount.minor(), amount.currency(), email, tokenHash, channel,
                clientAddress, language};
        if (dialect.postgres()) {
            return jdbc.sql(insert + " RETURNING " + CUSTOMER_ORDER_COLUMNS).params(values).query(OrderRepository::map).single();
        }
        KeyHolder id = new GeneratedKeyHolder();
        jdbc.sql(insert).params(values).update(id, "id");
        return getById(id.getKeyAs(Number.class).longValue());
    }

    /**
     * The same new order as {@link #insert}, for {@link KeyClaimer#insertAndReserve} to write in
     * its statement (PostgreSQL): typed casts, since a SELECT's parameters take no type from the target columns.
     */
    KeyClaimer.NewOrder<Order> newOrder(String orderNo, long productId, int quantity, Money amount, String email,
                                        String tokenHash, String channel, String clientAddress, String language) {
        Map<String, Object> params = new HashMap<>();
        params.put("o_no", orderNo);
        params.put("o_product", productId);
        params.put("o_quantity", quantity);
        params.put("o_amount", amount.minor());
        params.put("o_currency", amount.currency());
        params.put("o_email", email);
        params.put("o_token", tokenHash);
        params.put("o_channel", channel);
        params.put("o_address", clientAddress);
        params.put("o_language", language);
        return new KeyClaimer.NewOrder<>(INSERT_NEW_ORDER + " " + """
                 SELECT CAST(:o_no AS varchar), CAST(:o_product AS bigint), CAST(:o_quantity AS int),
                       CAST(:o_amount AS bigint), CAST(:o_currency AS varchar), CAST(:o_email AS varchar),
                       CAST(:o_token AS varchar), CAST(:o_channel AS varchar), 'PENDING_PAYMENT',
                       CAST(:o_address AS varchar), CAST(:o_language AS varchar)""",
                "RETURNING " + CUSTOMER_ORDER_COLUMNS, params, OrderRepository::map);
    }

    public Optional<Order> findByOrderNo(String orderNo) {
        return jdbc.sql("SELECT " + CUSTOMER_ORDER_COLUMNS + " FROM customer_order WHERE order_no = ?").param(orderNo).query(OrderRepository::map).optional();
    }

    public Order getById(long id) {
        return jdbc.sql("SELECT " + CUSTOMER_ORDER_COLUMNS + " FROM customer_order WHERE id = ?").param(id).query(OrderRepository::map).single();
    }

    /** Locks the order row for the rest of the transaction: serializes everything that decides its fate. */
    public Optional<Order> lockByOrderNo(String orderNo) {
        return jdbc.sql("SELECT " + CUSTOMER_ORDER_COLUMNS + " FROM customer_order WHERE order_no = ? FOR UPDATE").param(orderNo)
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

    /**
     * @return the order as paid (PostgreSQL: returned by the update itself), for the steps after the caller's row lock
     * in the same transaction, which then need not read it again
     */
    public Order markPaidBy(long orderId, long paymentId) {
        String update = """
                UPDATE customer_order SET status = 'PAID', payment_id = ?, paid_at = CURRENT_TIMESTAMP,
                       updated_at = CURRENT_TIMESTAMP WHERE id = ?""";
        Order paid;
        if (dialect.postgres()) {
            paid = jdbc.sql(update + " RETURNING " + CUSTOMER_ORDER_COLUMNS).params(paymentId, orderId)
                    .query(OrderRepository::map).single();
        } else {
            jdbc.sql(update).params(paymentId, orderId).update();
            paid = getById(orderId);
        }
        metrics.order(ShopMetrics.OrderEvent.PAID);
        return paid;
    }

    public void changeEmail(long orderId, String email) {
        jdbc.sql("UPDATE customer_order SET buyer_email = ?, updated_at = CURRENT_TIMESTAMP WHERE id = ?")
                .params(email, orderId).update();
    }

    /** Paid orders parked for stock, oldest payment first, locked so two restocks never resume the same order. */
    public List<Order> lockAwaitingStock(long productId, int limit) {
        return jdbc.sql("""
                SELECT %s FROM customer_order WHERE product_id = ? AND status = 'AWAITING_STOCK'
                ORDER BY paid_at, id LIMIT ? FOR UPDATE SKIP LOCKED""".formatted(CUSTOMER_ORDER_COLUMNS))
                .params(productId, limit).query(OrderRepository::map).list();
    }

    /** Unpaid orders created before {@code cutoff}, locked for expiry. */
    public List<Order> lockUnpaidBefore(Instant cutoff, int limit) {
        return jdbc.sql("""
                SELECT %s FROM customer_order WHERE status = 'PENDING_PAYMENT' AND created_at < ?
                ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED""".formatted(CUSTOMER_ORDER_COLUMNS))
                .params(Timestamp.from(cutoff), limit).query(OrderRepository::map).list();
    }

    /** Unpaid orders in an age window, for asking gateways whether they were paid after all. */
    public List<Order> unpaidBetween(Instant from, Instant to, int limit) {
        return jdbc.sql("""
                SELECT %s FROM customer_order WHERE status = 'PENDING_PAYMENT' AND created_at >= ? AND created_at < ?
                ORDER BY created_at LIMIT ?""".formatted(CUSTOMER_ORDER_COLUMNS))
                .params(Timestamp.from(from), Timestamp.from(to), limit).query(OrderRepository::map).list();
    }

    /** Unpaid orders that expired recently (created in the window) and have no payment at all. */
    public List<Order> expiredUnpaidBetween(Instant from, Instant to, int limit) {
        return jdbc.sql("""
                SELECT %s FROM customer_order o WHERE o.status = 'EXPIRED' AND o.created_at >= ? AND o.created_at < ?
                AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.order_no = o.order_no)
                ORDER BY o.created_at LIMIT ?""".formatted(CUSTOMER_ORDER_COLUMNS))
                .params(Timestamp.from(from), Timestamp.from(to), limit).query(OrderRepository::map).list();
    }

    /** What checkout got back from the gateway that closing the trade needs later (e.g. the Stripe session id). */
    public void recordGatewayReference(long orderId, String reference) {
        jdbc.sql("UPDATE customer_order SET gateway_reference = ? WHERE id = ?").params(reference, orderId).update();
    }

    public Optional<String> gatewayReference(String orderNo) {
        return jdbc.sql("SELECT gateway_reference FROM customer_order WHERE order_no = ?").param(orderNo)
                .query(String.class).optional();
    }

    /** Marks expired orders whose trade is to be closed at their gateway. */
    public void requestTradeClose(List<Long> orderIds) {
        if (!orderIds.isEmpty()) {
            jdbc.sql("UPDATE customer_order SET trade_close = 'PENDING' WHERE id IN (:ids) AND trade_close IS NULL")
                    .param("ids", orderIds).update();
        }
    }

    /**
     * Takes up to {@code limit} trades waiting to be closed (PENDING -> CLOSING) and returns their order numbers:
     * in the caller's transaction, so each trade goes to exactly one close job.
     */
    public List<String> takeTradesToClose(int limit) {
        List<Long> ids = jdbc.sql("""
                SELECT id FROM customer_order WHERE trade_close = 'PENDING' ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED""")
                .param(limit).query(Long.class).list();
        if (ids.isEmpty()) {
            return List.of();
        }
        jdbc.sql("UPDATE customer_order SET trade_close = 'CLOSING' WHERE id IN (:ids)").param("ids", ids).update();
        return jdbc.sql("SELECT order_no FROM customer_order WHERE id IN (:ids) ORDER BY id").param("ids", ids)
                .query(String.class).list();
    }

    /** The trade-close state of the order (null: nothing to close). */
    public Optional<String> tradeClose(String orderNo) {
        // list(), not stream(): an unclosed stream keeps its connection, which outside a transaction is never returned
        return jdbc.sql("SELECT trade_close FROM customer_order WHERE order_no = ?").param(orderNo)
                .query((rs, row) -> rs.getString(1)).list().stream().filter(Objects::nonNull).findFirst();
    }

    /** Ends a close job's work: CLOSED, or PAID when the gateway says the buyer paid first. */
    public boolean finishTradeClose(String orderNo, String outcome) {
        return jdbc.sql("UPDATE customer_order SET trade_close = ? WHERE order_no = ? AND trade_close = 'CLOSING'")
                .params(outcome, orderNo).update() == 1;
    }

    public List<Order> search(String status, String email, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + CUSTOMER_ORDER_COLUMNS + " FROM customer_order WHERE 1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (status != null) { // a literal (one of OrderStatus's names), so the plan can use the open orders' partial index
            sql.append(" AND status = '").append(OrderStatus.valueOf(status).name()).append('\'');
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
                rs.getObject("delivered_at", OffsetDateTime.class), rs.getObject("personal_data_erased_at", OffsetDateTime.class),
                rs.getString("language"));
    }
}
