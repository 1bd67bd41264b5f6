package io.kamiflow.db;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A lock row per key (a buyer's email, a client address) that serializes one key's checkouts: inserted unless present,
 * then locked to the end of the caller's transaction. Idle lock rows are deleted now and then (they hold personal
 * data for nothing), also between the insert and the lock: the row is then inserted again.
 */
@Component
public class LockRows {

    private static final int ATTEMPTS = 3;

    private final InsertIfAbsent inserts;
    private final JdbcTemplate jdbc;

    LockRows(InsertIfAbsent inserts, JdbcTemplate jdbc) {
        this.inserts = inserts;
        this.jdbc = jdbc;
    }

    /** @param table and {@code column}: constants of the caller, never request input */
    public void hold(String table, String column, String key) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            inserts.insert("INSERT INTO " + table + " (" + column + ") VALUES (?)", column, key);
            if (!jdbc.queryForList("SELECT " + column + " FROM " + table + " WHERE " + column + " = ? FOR UPDATE",
                    String.class, key).isEmpty()) {
                return;
            }
        }
        throw new IllegalStateException(table + " row deleted " + ATTEMPTS + " times while being locked");
    }
}
