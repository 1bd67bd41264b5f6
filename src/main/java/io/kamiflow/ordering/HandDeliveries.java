package io.kamiflow.ordering;

import java.util.Optional;

import io.kamiflow.db.InsertIfAbsent;
import io.kamiflow.inventory.KeyCipher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * What support delivered for a hand-fulfilled order (an account, a top-up receipt): encrypted like the keys, bound to
 * its order, stored once (the order id is the primary key, so a form submitted twice or two agents at once store the
 * first text and the second finds it there). Reading it for the buyer records the reveal, as for keys.
 */
@Service
public class HandDeliveries {

    /** Longest delivery text support may enter. */
    public static final int MAX_TEXT = 4000;

    private final JdbcClient jdbc;
    private final InsertIfAbsent inserts;
    private final KeyCipher cipher;

    HandDeliveries(JdbcClient jdbc, InsertIfAbsent inserts, KeyCipher cipher) {
        this.jdbc = jdbc;
        this.inserts = inserts;
        this.cipher = cipher;
    }

    /** @return true when this call stored the text, false when the order already had its delivery */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean store(long orderId, String text, String deliveredBy) {
        return inserts.insert("""
                INSERT INTO hand_delivery (order_id, secret_ciphertext, secret_key_id, delivered_by) VALUES (?, ?, ?, ?)""",
                "order_id", orderId, cipher.encryptHandDelivery(orderId, text), cipher.activeKeyId(), deliveredBy) == 1;
    }

    public boolean exists(long orderId) {
        return jdbc.sql("SELECT count(*) FROM hand_delivery WHERE order_id = ?").param(orderId).query(Long.class).single() > 0;
    }

    /** The text for the buyer's eyes (order page, mail): its first reveal is recorded in the caller's transaction. */
    @Transactional
    public Optional<String> reveal(long orderId) {
        Optional<String> text = jdbc.sql("SELECT secret_key_id, secret_ciphertext FROM hand_delivery WHERE order_id = ?")
                .param(orderId)
                .query((rs, row) -> cipher.decryptHandDelivery(orderId, rs.getString("secret_key_id"),
                        rs.getBytes("secret_ciphertext")))
                .optional();
        text.ifPresent(shown -> jdbc.sql("UPDATE hand_delivery SET revealed_at = CURRENT_TIMESTAMP "
                + "WHERE order_id = ? AND revealed_at IS NULL").param(orderId).update());
        return text;
    }
}
