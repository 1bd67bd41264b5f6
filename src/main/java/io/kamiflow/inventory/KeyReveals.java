package io.kamiflow.inventory;

import java.util.List;

import io.kamiflow.db.InsertIfAbsent;
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

    private final JdbcClient jdbc;
    private final InsertIfAbsent inserts;
    private final TransactionTemplate ownTransaction;

    KeyReveals(JdbcClient jdbc, InsertIfAbsent inserts, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
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
        List<Long> held = jdbc.sql("SELECT id FROM card_key WHERE order_id = ? AND status = 'SOLD' ORDER BY id FOR UPDATE")
                .param(orderId).query(Long.class).list();
        if (held.size() != quantity) {
            return false;
        }
        jdbc.sql("UPDATE card_key SET revealed_at = CURRENT_TIMESTAMP WHERE id IN (:ids) AND revealed_at IS NULL")
                .param("ids", held).update();
        inserts.insertBatch("INSERT INTO key_reveal (key_id, order_id, channel) VALUES (?, ?, ?)", "key_id, order_id, channel",
                held.stream().map(id -> new Object[] {id, orderId, channel.name()}).toList());
        return true;
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
