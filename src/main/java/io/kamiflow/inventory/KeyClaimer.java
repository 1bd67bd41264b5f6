package io.kamiflow.inventory;

import java.time.Instant;
import java.util.List;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Sets keys aside for orders inside the caller's transaction. Rows other transactions hold are
 * skipped rather than waited for ({@code FOR UPDATE SKIP LOCKED}), so concurrent orders never block
 * on each other and never get the same key. Every operation is all or nothing.
 */
@Service
public class KeyClaimer {

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    KeyClaimer(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    /** Checkout in on-checkout mode: reserve {@code quantity} keys until {@code until}; false (nothing changed) when short. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean reserve(long orderId, long productId, int quantity, Instant until) {
        List<Long> ids = lockAvailable(productId, quantity);
        if (ids.size() < quantity) {
            return false;
        }
        jdbc.sql("UPDATE card_key SET status = 'RESERVED', order_id = :order, reserved_until = :until WHERE id IN (:ids)")
                .param("order", orderId).param("until", java.sql.Timestamp.from(until)).param("ids", ids).update();
        return true;
    }

    /**
     * Claim keys: confirms the order's reservation and tops it up from available stock if it lapsed
     * (or there was none). @return true when the order holds its full quantity as SOLD afterwards;
     * false, with nothing changed, when stock is short.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean claim(long orderId, long productId, int quantity) {
        int alreadySold = soldTo(orderId);
        if (alreadySold >= quantity) {
            return true; // a replayed job or a resumed order that already holds its keys
        }
        List<Long> reserved = jdbc.sql("SELECT id FROM card_key WHERE order_id = ? AND status = 'RESERVED' ORDER BY id FOR UPDATE")
                .param(orderId).query(Long.class).list();
        int missing = quantity - alreadySold - reserved.size();
        List<Long> fresh = missing > 0 ? lockAvailable(productId, missing) : List.of();
        if (fresh.size() < missing) {
            return false; // all or nothing: the locks go with the transaction, no row was changed
        }
        List<Long> ids = new java.util.ArrayList<>(reserved.subList(0, Math.min(reserved.size(), quantity - alreadySold)));
        ids.addAll(fresh);
        int updated = jdbc.sql("""
                UPDATE card_key SET status = 'SOLD', order_id = :order, sold_at = CURRENT_TIMESTAMP, reserved_until = NULL
                WHERE id IN (:ids) AND status IN ('AVAILABLE', 'RESERVED')""")
                .param("order", orderId).param("ids", ids).update();
        if (updated != ids.size()) {
            throw new IllegalStateException("claimed " + updated + " of " + ids.size() + " locked keys for order id " + orderId);
        }
        return true;
    }

    /**
     * Returns reserved or sold keys of orders to stock, unless they were ever revealed. Keys back in stock are new stock
     * for parked orders too: the same event as an import wakes them after the commit.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public int release(List<Long> orderIds) {
        if (orderIds.isEmpty()) {
            return 0;
        }
        record Returned(long productId, String sku, int keys) {
        }
        List<Returned> returned = jdbc.sql("""
                SELECT k.product_id, p.sku, count(*) AS keys FROM card_key k JOIN product p ON p.id = k.product_id
                WHERE k.order_id IN (:orders) AND k.status IN ('RESERVED', 'SOLD') AND k.revealed_at IS NULL
                GROUP BY k.product_id, p.sku""")
                .param("orders", orderIds)
                .query((rs, row) -> new Returned(rs.getLong("product_id"), rs.getString("sku"), rs.getInt("keys")))
                .list();
        int released = jdbc.sql("""
                UPDATE card_key SET status = 'AVAILABLE', order_id = NULL, reserved_until = NULL, sold_at = NULL
                WHERE order_id IN (:orders) AND status IN ('RESERVED', 'SOLD') AND revealed_at IS NULL""")
                .param("orders", orderIds).update();
        for (Returned back : returned) {
            events.publishEvent(new StockAdded(back.productId(), back.sku(), back.keys()));
        }
        return released;
    }

    /**
     * A refunded order gives its keys up: keys ever revealed (page, mail attempt, by hand) become VOID, the
     * others return to stock. The order's key rows are locked first, so a reveal cannot slip in between.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void settleRefund(long orderId) {
        jdbc.sql("SELECT id FROM card_key WHERE order_id = ? FOR UPDATE").param(orderId).query(Long.class).list();
        jdbc.sql("UPDATE card_key SET status = 'VOID' WHERE order_id = ? AND status = 'SOLD' AND revealed_at IS NOT NULL")
                .param(orderId).update();
        release(List.of(orderId));
    }

    public int soldTo(long orderId) {
        return jdbc.sql("SELECT count(*) FROM card_key WHERE order_id = ? AND status = 'SOLD'")
                .param(orderId).query(Integer.class).single();
    }

    private List<Long> lockAvailable(long productId, int count) {
        return jdbc.sql("""
                SELECT id FROM card_key WHERE product_id = ? AND status = 'AVAILABLE'
                ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED""")
                .params(productId, count).query(Long.class).list();
    }
}
