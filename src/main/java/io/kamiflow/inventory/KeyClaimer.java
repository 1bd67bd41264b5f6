package io.kamiflow.inventory;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Marks keys sold to an order inside the caller's transaction (the Claim keys job). Rows other
 * claimers hold are skipped rather than waited for, so concurrent orders never block on each other
 * and never get the same key.
 */
@Service
public class KeyClaimer {

    private final JdbcClient jdbc;

    KeyClaimer(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** @return true when the order holds its full quantity afterwards; false (and nothing changed) when stock is short */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean claim(long orderId, long productId, int quantity) {
        int alreadyHeld = soldTo(orderId);
        if (alreadyHeld >= quantity) {
            return true; // a replayed job: the order already has its keys
        }
        int missing = quantity - alreadyHeld;
        List<Long> ids = jdbc.sql("""
                SELECT id FROM card_key WHERE product_id = ? AND status = 'AVAILABLE'
                ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED""")
                .params(productId, missing).query(Long.class).list();
        if (ids.size() < missing) {
            return false; // all or nothing: the locks go with the transaction, no row was changed
        }
        int updated = jdbc.sql("""
                UPDATE card_key SET status = 'SOLD', order_id = :order, sold_at = CURRENT_TIMESTAMP, reserved_until = NULL
                WHERE id IN (:ids) AND status = 'AVAILABLE'""")
                .param("order", orderId).param("ids", ids).update();
        if (updated != ids.size()) {
            throw new IllegalStateException("claimed " + updated + " of " + ids.size() + " locked keys for order id " + orderId);
        }
        return true;
    }

    public int soldTo(long orderId) {
        return jdbc.sql("SELECT count(*) FROM card_key WHERE order_id = ? AND status = 'SOLD'")
                .param(orderId).query(Integer.class).single();
    }
}
