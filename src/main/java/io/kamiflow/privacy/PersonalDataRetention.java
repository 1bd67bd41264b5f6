package io.kamiflow.privacy;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.kamiflow.notify.NotifyDeliveries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Erases personal data past its retention ({@link RetentionSettings}) in place, one bounded batch of each kind per
 * call: the order, its amount, status, payments and keys stay for the accounting; the buyer's email becomes
 * {@link #ERASED} (the same for every order, so nothing can be recovered from it), the fields the buyer of a
 * hand-fulfilled product filled in are deleted, the client address, the gateway's
 * raw notice, delivery errors and audit details become NULL, and idle lock rows (an email or address each) go.
 * <p>
 * An order that still has work is never touched: paid, parked or in support's hands, a running process of any kind
 * under its number (a task, a retry, a refund, an alert), a queued key mail, a refund still settling, a trade still
 * being closed. Rows are taken with SKIP LOCKED, so a batch never waits for an order someone is working on, and the
 * order rows are checked again after they were locked: an admin's resend locks the order before it starts a process,
 * so it either comes first (and the order has work) or sees the order erased.
 */
@Service
public class PersonalDataRetention {

    private static final Logger log = LoggerFactory.getLogger(PersonalDataRetention.class);

    /** What an erased order's buyer_email and its delivery attempts' recipient hold: no address, and no way back to one. */
    public static final String ERASED = "(erased)";

    /** The order {@code o} ended and nothing is left to do for it. */
    private static final String ENDED = """
            o.status IN ('DELIVERED', 'REFUNDED', 'EXPIRED', 'CANCELLED')
            AND NOT EXISTS (SELECT 1 FROM act_ru_execution e WHERE e.business_key_ = o.order_no)
            AND NOT EXISTS (SELECT 1 FROM key_mail_queue q WHERE q.order_id = o.id)
            AND NOT EXISTS (SELECT 1 FROM payment r WHERE r.order_no = o.order_no
                            AND r.refund_status IN ('REQUESTED', 'PROCESSING', 'MANUAL_PENDING'))
            AND (o.trade_close IS NULL OR o.trade_close IN ('CLOSED', 'PAID'))""";

    /** How many rows of each kind one call changed; {@code more} when a kind filled its batch (more may be due). */
    public record Forgotten(int orders, int clientAddresses, int gatewayNotices, int deliveryErrors, int auditDetails,
                            int lockRows, boolean more) {
        public int total() {
            return orders + clientAddresses + gatewayNotices + deliveryErrors + auditDetails + lockRows;
        }
    }

    private final JdbcClient jdbc;
    private final RetentionSettings settings;
    private final NotifyDeliveries hooks;

    PersonalDataRetention(JdbcClient jdbc, RetentionSettings settings, NotifyDeliveries hooks) {
        this.hooks = hooks;
        this.jdbc = jdbc;
        this.settings = settings;
    }

    /** One batch of every kind, in the caller's transaction (a job of "Forget personal data"), as of {@code now}. */
    @Transactional
    public Forgotten forgetBatch(Instant now) {
        int batch = settings.getBatchSize();
        int orders = eraseOrders(now, batch);
        int addresses = eraseClientAddresses(now.minus(settings.getClientAddress()), batch);
        int notices = eraseGatewayNotices(now.minus(settings.getGatewayNotice()), batch);
        int errors = eraseDeliveryErrors(now.minus(settings.getDeliveryError()), batch);
        int details = eraseAuditDetails(now.minus(settings.getAuditDetail()), batch);
        int locks = deleteIdleLockRows("buyer_lock", "email", batch) + deleteIdleLockRows("address_lock", "address", batch);
        boolean more = orders == batch || addresses == batch || notices == batch || errors == batch || details == batch
                || locks >= batch;
        Forgotten forgotten = new Forgotten(orders, addresses, notices, errors, details, locks, more);
        if (forgotten.total() > 0) {
            log.info("forgot personal data past its retention: {} orders, {} client addresses, {} gateway notices, "
                    + "{} delivery errors, {} audit details, {} lock rows", orders, addresses, notices, errors, details, locks);
        }
        return forgotten;
    }

    /** Email, client address, and with them the notices, recipients and errors of ended orders past their time. */
    private int eraseOrders(Instant now, int batch) {
        Set<Long> due = new LinkedHashSet<>(locked("""
                SELECT o.id FROM customer_order o
                WHERE o.personal_data_erased_at IS NULL AND o.status IN ('EXPIRED', 'CANCELLED') AND o.updated_at < ?
                  AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.order_no = o.order_no) AND %s
                ORDER BY o.updated_at LIMIT ? FOR UPDATE SKIP LOCKED""".formatted(ENDED),
                now.minus(settings.getUnpaidOrder()), batch));
        // then every other ended order, those whose client address went already (most) and those still holding one:
        // each kind oldest first along its own partial index (V36, V16_1); one statement for both would sort them all
        for (String address : List.of("o.client_address IS NULL", "o.client_address IS NOT NULL")) {
            if (due.size() < batch) {
                due.addAll(locked("""
                        SELECT o.id FROM customer_order o
                        WHERE o.personal_data_erased_at IS NULL AND o.updated_at < ? AND %s AND %s
                        ORDER BY o.updated_at LIMIT ? FOR UPDATE SKIP LOCKED""".formatted(address, ENDED),
                        now.minus(settings.getBuyerEmail()), batch - due.size()));
            }
        }
        if (due.isEmpty()) {
            return 0;
        }
        // again after the lock, in a new snapshot: a process started by someone who held the row a moment ago counts
        List<Long> ids = jdbc.sql("SELECT o.id FROM customer_order o WHERE o.id IN (:ids) AND " + ENDED)
                .param("ids", List.copyOf(due)).query(Long.class).list();
        if (ids.isEmpty()) {
            return 0;
        }
        jdbc.sql("""
                UPDATE payment SET raw_notice = NULL WHERE raw_notice IS NOT NULL
                AND order_no IN (SELECT order_no FROM customer_order WHERE id IN (:ids))""").param("ids", ids).update();
        jdbc.sql("UPDATE delivery_attempt SET recipient = :erased, error = NULL WHERE order_id IN (:ids)")
                .param("erased", ERASED).param("ids", ids).update();
        // a once-per-email coupon's digest of the address goes too: after erasure that email may use the coupon again
        jdbc.sql("UPDATE coupon_redemption SET email_key = NULL WHERE order_id IN (:ids)").param("ids", ids).update();
        // what the buyer of a hand-fulfilled product filled in (an account, a phone number) goes with the email
        jdbc.sql("DELETE FROM order_field WHERE order_id IN (:ids)").param("ids", ids).update();
        // and their copies in the product hooks' delivery log
        hooks.forgetBuyers(jdbc.sql("SELECT order_no FROM customer_order WHERE id IN (:ids)").param("ids", ids)
                .query(String.class).list());
        return jdbc.sql("""
                UPDATE customer_order SET buyer_email = :erased, client_address = NULL, personal_data_erased_at = :now
                WHERE id IN (:ids)""")
                .param("erased", ERASED).param("now", Timestamp.from(now)).param("ids", ids).update();
    }

    private int eraseClientAddresses(Instant cutoff, int batch) {
        List<Long> ids = locked("""
                SELECT o.id FROM customer_order o WHERE o.client_address IS NOT NULL AND o.updated_at < ? AND %s
                ORDER BY o.updated_at LIMIT ? FOR UPDATE SKIP LOCKED""".formatted(ENDED), cutoff, batch);
        return ids.isEmpty() ? 0
                : jdbc.sql("UPDATE customer_order SET client_address = NULL WHERE id IN (:ids)").param("ids", ids).update();
    }

    private int eraseGatewayNotices(Instant cutoff, int batch) {
        List<Long> ids = locked("""
                SELECT p.id FROM payment p WHERE p.raw_notice IS NOT NULL AND p.received_at < ?
                  AND EXISTS (SELECT 1 FROM customer_order o WHERE o.order_no = p.order_no AND %s)
                ORDER BY p.received_at LIMIT ? FOR UPDATE SKIP LOCKED""".formatted(ENDED), cutoff, batch);
        return ids.isEmpty() ? 0
                : jdbc.sql("UPDATE payment SET raw_notice = NULL WHERE id IN (:ids)").param("ids", ids).update();
    }

    private int eraseDeliveryErrors(Instant cutoff, int batch) {
        List<Long> ids = locked("""
                SELECT a.id FROM delivery_attempt a WHERE a.error IS NOT NULL AND a.attempted_at < ?
                  AND EXISTS (SELECT 1 FROM customer_order o WHERE o.id = a.order_id AND %s)
                ORDER BY a.attempted_at LIMIT ? FOR UPDATE SKIP LOCKED""".formatted(ENDED), cutoff, batch);
        return ids.isEmpty() ? 0
                : jdbc.sql("UPDATE delivery_attempt SET error = NULL WHERE id IN (:ids)").param("ids", ids).update();
    }

    private int eraseAuditDetails(Instant cutoff, int batch) {
        List<Long> ids = locked("""
                SELECT id FROM audit_event WHERE detail IS NOT NULL AND occurred_at < ?
                ORDER BY occurred_at LIMIT ? FOR UPDATE SKIP LOCKED""", cutoff, batch);
        return ids.isEmpty() ? 0
                : jdbc.sql("UPDATE audit_event SET detail = NULL WHERE id IN (:ids)").param("ids", ids).update();
    }

    /**
     * A lock row only means something while a checkout holds it (to the end of its transaction); idle ones hold an
     * email or address for nothing. Held ones are skipped; a checkout that finds its row gone inserts it again. Only H2
     * writes them now (PostgreSQL locks by key, KeyedLocks): on PostgreSQL this clears what releases before wrote.
     */
    private int deleteIdleLockRows(String table, String column, int batch) {
        List<String> idle = jdbc.sql("SELECT %s FROM %s LIMIT ? FOR UPDATE SKIP LOCKED".formatted(column, table))
                .param(batch).query(String.class).list();
        return idle.isEmpty() ? 0
                : jdbc.sql("DELETE FROM %s WHERE %s IN (:keys)".formatted(table, column)).param("keys", idle).update();
    }

    private List<Long> locked(String sql, Instant cutoff, int limit) {
        return jdbc.sql(sql).params(Timestamp.from(cutoff), limit).query(Long.class).list();
    }
}
