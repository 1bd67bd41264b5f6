package io.kamiflow.inventory;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;


import io.kamiflow.db.InsertIfAbsent;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes new keys: encrypts each value and inserts it unless its fingerprint is already stocked for the product.
 * On PostgreSQL a chunk is two statements whatever its size: the fingerprints already in stock are looked up in one
 * query (so they are neither encrypted nor sent), the rest go in as one multi-row INSERT over arrays, whose
 * ON CONFLICT still settles a race with another import of the same keys. H2 (the dev default) inserts row by row.
 */
@Component
class KeyStore {

    private static final int BATCH = 1000;

    private final InsertIfAbsent inserts;
    private final KeyCipher cipher;
    private final JdbcTemplate jdbc;
    private final boolean postgres;

    private final StockLevels levels;

    KeyStore(InsertIfAbsent inserts, KeyCipher cipher, JdbcTemplate jdbc, io.kamiflow.db.SqlDialect dialect, StockLevels levels) {
        this.levels = levels;
        this.inserts = inserts;
        this.cipher = cipher;
        this.jdbc = jdbc;
        this.postgres = dialect.postgres();
    }

    record NewKey(String value, String fingerprint) {
    }

    /** @return how many were inserted under a new batch id; the rest already existed for this product */
    int insert(long productId, List<NewKey> keys) {
        return insert(productId, UUID.randomUUID().toString(), keys);
    }

    /** @return how many were inserted into the given batch; the rest already existed for this product */
    int insert(long productId, String batchId, List<NewKey> keys) {
        if (keys.isEmpty()) {
            return 0;
        }
        levels.changed(productId);
        return postgres ? insertAll(productId, batchId, keys) : insertRows(productId, batchId, keys);
    }

    private int insertAll(long productId, String batchId, List<NewKey> keys) {
        return jdbc.execute((ConnectionCallback<Integer>) connection -> {
            Set<String> stocked = new HashSet<>();
            Array asked = connection.createArrayOf("text", keys.stream().map(NewKey::fingerprint).toArray(String[]::new));
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT fingerprint FROM card_key WHERE product_id = ? AND fingerprint = ANY (CAST(? AS CHAR(64)[]))")) {
                query.setLong(1, productId);
                query.setArray(2, asked);
                try (var rows = query.executeQuery()) {
                    while (rows.next()) {
                        stocked.add(rows.getString(1));
                    }
                }
            }
            List<NewKey> fresh = keys.stream().filter(key -> !stocked.contains(key.fingerprint())).toList();
            if (fresh.isEmpty()) {
                return 0;
            }
            byte[][] sealed = cipher.encryptAll(productId, fresh.stream().map(NewKey::value).toList());
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO card_key (product_id, secret_ciphertext, secret_key_id, fingerprint, status, batch_id)
                    SELECT ?, t.c, ?, t.f, 'AVAILABLE', ? FROM unnest(CAST(? AS BYTEA[]), CAST(? AS CHAR(64)[])) AS t(c, f)
                    ON CONFLICT (product_id, fingerprint) DO NOTHING""")) {
                insert.setLong(1, productId);
                insert.setString(2, cipher.activeKeyId());
                insert.setString(3, batchId);
                insert.setArray(4, connection.createArrayOf("bytea", sealed));
                insert.setArray(5, connection.createArrayOf("text", fresh.stream().map(NewKey::fingerprint).toArray(String[]::new)));
                return insert.executeUpdate();
            }
        });
    }

    private int insertRows(long productId, String batchId, List<NewKey> keys) {
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
