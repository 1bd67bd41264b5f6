package io.kamiflow.inventory;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** The one place that turns stored ciphertext back into key values, for the buyer's eyes only. */
@Service
public class KeyVault {

    private final JdbcClient jdbc;
    private final KeyCipher cipher;

    KeyVault(JdbcClient jdbc, KeyCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    public List<String> keysSoldTo(long orderId) {
        return jdbc.sql("""
                SELECT product_id, secret_key_id, secret_ciphertext FROM card_key
                WHERE order_id = ? AND status = 'SOLD' ORDER BY id""")
                .param(orderId)
                .query((rs, row) -> cipher.decrypt(rs.getLong("product_id"), rs.getString("secret_key_id"),
                        rs.getBytes("secret_ciphertext")))
                .list();
    }
}
