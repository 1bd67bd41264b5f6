package io.kamiflow.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.kamiflow.db.InsertIfAbsent;
import org.springframework.stereotype.Component;

/** Writes new keys: encrypts each value and inserts it unless its fingerprint is already stocked for the product. */
@Component
class KeyStore {

    private static final int BATCH = 1000;

    private final InsertIfAbsent inserts;
    private final KeyCipher cipher;

    KeyStore(InsertIfAbsent inserts, KeyCipher cipher) {
        this.inserts = inserts;
        this.cipher = cipher;
    }

    record NewKey(String value, String fingerprint) {
    }

    /** @return how many were inserted; the rest already existed for this product */
    int insert(long productId, List<NewKey> keys) {
        String batchId = UUID.randomUUID().toString();
        int inserted = 0;
        for (int from = 0; from < keys.size(); from += BATCH) {
            List<Object[]> rows = new ArrayList<>();
            for (NewKey key : keys.subList(from, Math.min(keys.size(), from + BATCH))) {
                rows.add(new Object[] {productId, cipher.encrypt(productId, key.value()), cipher.activeKeyId(),
                        key.fingerprint(), batchId});
            }
            inserted += inserts.insertBatch("""
                    INSERT INTO card_key (product_id, secret_ciphertext, secret_key_id, fingerprint, status, batch_id)
                    VALUES (?, ?, ?, ?, 'AVAILABLE', ?)""", "product_id, fingerprint", rows);
        }
        return inserted;
    }
}
