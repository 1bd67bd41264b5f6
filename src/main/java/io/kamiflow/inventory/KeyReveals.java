package io.kamiflow.inventory;

import java.util.List;

import io.kamiflow.db.InsertIfAbsent;
import io.kamiflow.db.SqlDialect;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records that an order's keys may have reached a person. A revealed key stays with its order for good:
 * a refund voids it instead of returning it to stock (a database check refuses a revealed key on sale).
 * The order's key rows are locked first, so a reveal and a refund settling the same keys serialize: the
 * refund either sees the reveal, or the reveal finds the keys gone and reveals nothing.
 */
@Service
public class KeyReveals {

    public enum Channel { PAGE, MAIL, HAND }

    /** Marks the keys {@code :ids} revealed (alone, or as the first part of a first reveal's one statement). */
    private static final String MARK =
            "UPDATE card_key SET revealed_at = CURRENT_TIMESTAMP WHERE id IN (:ids) AND revealed_at IS NULL";

    private final JdbcClient jdbc;
    private final InsertIfAbsent inserts;
    private final TransactionTemplate ownTransaction;
    private final SqlDialect dialect;

    KeyReveals(JdbcClient jdbc, InsertIfAbsent inserts, PlatformTransactionManager transactions, SqlDialect dialect) {
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.inserts = inserts;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * Marks the order's sold keys revealed through {@code channel}, in the caller's transaction, when the
     * order holds all {@code quantity} of them. @return true when it does (and they are now revealed)
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean reveal(long orderId, int quantity, Channel channel) {
        // A page viewed again (reloaded, polled) finds its keys revealed and recorded through this channel: it reads them
        // without the lock, so the view stays a read-only transaction (a row lock is a write, and its commit waits for
        // the WAL flush). Safe without the lock: a refund that commits after this read finds the keys revealed, and
        // one that committed before it left them not SOLD, so the read takes the locking path below (issue 23).
        // Only pages are viewed again: a mail or a delivery by hand is mostly the first reveal, which this read
        // would only precede.
        if (channel == Channel.PAGE) {
            List<Held> seen = held(orderId, channel, "");
            if (seen.size() == quantity && seen.stream().allMatch(key -> key.revealed() && key.recorded())) {
                return true;
            }
        }
        List<Held> held = held(orderId, channel, " FOR UPDATE");
        if (held.size() != quantity) {
            return false;
        }
        List<Long> unrevealed = held.stream().filter(key -> !key.revealed()).map(Held::id).toList();
        List<Object[]> unrecorded = held.stream().filter(key -> !key.recorded())
                .map(key -> new Object[] {key.id(), orderId, channel.name()}).toList();
        if (dialect.postgres() && !unrevealed.isEmpty() && !unrecorded.isEmpty()) {
            // a first reveal (most are): the mark and the log in one round trip (issue 23); a data-modifying WITH part
            // runs whether or not the rest reads it, in the statement's one snapshot
            jdbc.sql("WITH marked AS (" + MARK + ") INSERT INTO key_reveal (key_id, order_id, channel) VALUES :rows"
                            + " ON CONFLICT (key_id, order_id, channel) DO NOTHING")
                    .param("ids", unrevealed).param("rows", unrecorded).update();
            return true;
        }
        if (!unrevealed.isEmpty()) {
            jdbc.sql(MARK).param("ids", unrevealed).update();
        }
        if (!unrecorded.isEmpty()) {
            inserts.insertBatch("INSERT INTO key_reveal (key_id, order_id, channel) VALUES (?, ?, ?)",
                    "key_id, order_id, channel", unrecorded);
        }
        return true;
    }

    private record Held(long id, boolean revealed, boolean recorded) {
    }

    /** The order's sold keys, whether each is revealed and recorded through {@code channel}; locked or not. */
    private List<Held> held(long orderId, Channel channel, String lock) {
        return jdbc.sql("""
                SELECT id, revealed_at IS NOT NULL AS revealed,
                       EXISTS (SELECT 1 FROM key_reveal r WHERE r.key_id = card_key.id AND r.order_id = card_key.order_id
                                                          AND r.channel = ?) AS recorded
                FROM card_key WHERE order_id = ? AND status = 'SOLD' ORDER BY id""" + lock)
                .params(channel.name(), orderId)
                .query((rs, row) -> new Held(rs.getLong("id"), rs.getBoolean("revealed"), rs.getBoolean("recorded"))).list();
    }

    /**
     * The same, committed at once in a transaction of its own: for a reveal that leaves the database
     * (a mail) and must stay recorded even if the caller's transaction is rolled back after it.
     */
    public boolean revealCommitted(long orderId, int quantity, Channel channel) {
        return Boolean.TRUE.equals(ownTransaction.execute(tx -> reveal(orderId, quantity, channel)));
    }

    public boolean revealedThrough(long orderId, Channel channel) {
        return jdbc.sql("SELECT count(*) FROM key_reveal WHERE order_id = ? AND channel = ?")
                .params(orderId, channel.name()).query(Long.class).single() > 0;
    }
}
