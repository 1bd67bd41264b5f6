package io.kamiflow.notify;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The delivery log: one row per event and target, its attempts, last error and next retry. */
@Repository
public class NotifyDeliveries {

    /** Columns named, not *: a node keeps reading its shape while a newer release adds columns (docs/upgrades.md). */
    private static final String NOTIFY_DELIVERY_COLUMNS = "id, target_id, event, payload, status, attempts, last_error, next_retry_at, created_at, sent_at";

    public enum Status { PENDING, SENT, FAILED }

    public record Delivery(String id, long targetId, NotifyEvent event, String payload, Status status, int attempts,
                           String lastError, OffsetDateTime nextRetryAt, OffsetDateTime createdAt, OffsetDateTime sentAt) {
    }

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    NotifyDeliveries(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * The buyer's email and input fields leave the product hooks' logged bodies of these orders when the retention
     * policy erases them from the orders (privacy); the rest of the log stays.
     * @return the deliveries changed
     */
    public int forgetBuyers(List<String> orderNos) {
        int changed = 0;
        for (String orderNo : orderNos) {
            List<String[]> rows = jdbc.sql("SELECT id, payload FROM notify_delivery WHERE event = ? AND payload LIKE ?")
                    .params(NotifyEvent.PRODUCT_HOOK.name(), "%\"orderNo\":\"" + orderNo + "\"%")
                    .query((rs, n) -> new String[] {rs.getString("id"), rs.getString("payload")}).list();
            for (String[] row : rows) {
                try {
                    ObjectNode body = (ObjectNode) json.readTree(row[1]);
                    if (body.get("data") instanceof ObjectNode data && orderNo.equals(data.path("orderNo").asText())
                            && (data.has("email") || data.has("fields"))) {
                        data.remove(List.of("email", "fields"));
                        changed += jdbc.sql("UPDATE notify_delivery SET payload = ? WHERE id = ?")
                                .params(json.writeValueAsString(body), row[0]).update();
                    }
                } catch (JsonProcessingException | ClassCastException e) { // not ours to read: the whole body goes
                    changed += jdbc.sql("UPDATE notify_delivery SET payload = '{}' WHERE id = ?").param(row[0]).update();
                }
            }
        }
        return changed;
    }

    void insert(String id, long targetId, NotifyEvent event, String payload) {
        jdbc.sql("INSERT INTO notify_delivery (id, target_id, event, payload, status) VALUES (?, ?, ?, ?, 'PENDING')")
                .params(id, targetId, event.name(), payload).update();
    }

    public Optional<Delivery> get(String id) {
        return jdbc.sql("SELECT " + NOTIFY_DELIVERY_COLUMNS + " FROM notify_delivery WHERE id = ?").param(id).query(NotifyDeliveries::map).optional();
    }

    public List<Delivery> recent(long targetId, int limit) {
        return jdbc.sql("SELECT " + NOTIFY_DELIVERY_COLUMNS + " FROM notify_delivery WHERE target_id = ? ORDER BY created_at DESC, id LIMIT ?")
                .params(targetId, limit).query(NotifyDeliveries::map).list();
    }

    /** A failed attempt, in a statement of its own (no call is in flight then); no next retry when none is left. */
    void failed(String id, String error, Instant nextRetry) {
        jdbc.sql("""
                UPDATE notify_delivery SET attempts = attempts + 1, last_error = ?, next_retry_at = ?,
                       status = CASE WHEN ? THEN 'PENDING' ELSE 'FAILED' END WHERE id = ? AND status <> 'SENT'""")
                .params(error.length() > 500 ? error.substring(0, 500) : error,
                        nextRetry == null ? null : Timestamp.from(nextRetry), nextRetry != null, id).update();
    }

    /** Written in the transaction that completes the delivery's task. */
    void sent(String id) {
        jdbc.sql("""
                UPDATE notify_delivery SET attempts = attempts + 1, status = 'SENT', sent_at = CURRENT_TIMESTAMP,
                       next_retry_at = NULL WHERE id = ? AND status <> 'SENT'""").param(id).update();
    }

    private static Delivery map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Delivery(rs.getString("id"), rs.getLong("target_id"), NotifyEvent.valueOf(rs.getString("event")),
                rs.getString("payload"), Status.valueOf(rs.getString("status")), rs.getInt("attempts"),
                rs.getString("last_error"), rs.getObject("next_retry_at", OffsetDateTime.class),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("sent_at", OffsetDateTime.class));
    }
}
