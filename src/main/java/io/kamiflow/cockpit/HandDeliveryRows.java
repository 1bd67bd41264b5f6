package io.kamiflow.cockpit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The timeline's rows of a hand-fulfilled order: the buyer's fields were given (their keys, never their values) and
 * support delivered (who, when) and the buyer first saw it; never the delivery text. Support's note is in the audit
 * rows (task.complete). Kept apart from OrderTimeline's own sources so each source stays one small place.
 */
final class HandDeliveryRows {

    /** Columns named, not *: a node keeps reading its shape while a newer release adds columns (docs/upgrades.md). */
    private static final String HAND_DELIVERY_COLUMNS = "order_id, secret_ciphertext, secret_key_id, delivered_by, delivered_at, revealed_at";

    private HandDeliveryRows() {
    }

    static void add(JdbcTemplate jdbc, long orderId, List<OrderTimeline.Event> events) {
        List<String> keys = jdbc.queryForList("SELECT field_key FROM order_field WHERE order_id = ? ORDER BY field_key",
                String.class, orderId);
        jdbc.query("SELECT " + HAND_DELIVERY_COLUMNS + " FROM hand_delivery WHERE order_id = ?", rs -> {
            Map<String, String> detail = new LinkedHashMap<>();
            detail.put("by", rs.getString("delivered_by"));
            detail.put("buyer's fields", keys.isEmpty() ? "-" : String.join(", ", keys));
            detail.put("first shown to the buyer", rs.getTimestamp("revealed_at") == null ? "not yet" : Times.text(rs, "revealed_at"));
            events.add(new OrderTimeline.Event(Times.text(rs, "delivered_at"), "DELIVERY", "Fulfilled by hand", detail));
        }, orderId);
    }
}
