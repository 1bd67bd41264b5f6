package io.kamiflow.db;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A lock row per key (a buyer's email, a client address) that serializes one key's checkouts: inserted unless present,
 * then locked to the end of the caller's transaction. Idle lock rows are deleted now and then (they hold personal
 * data for nothing), also between the insert and the lock: the row is then inserted again. On PostgreSQL one upsert
 * does both (ON CONFLICT DO UPDATE inserts the row or locks the existing one, atomically, even against a concurrent
 * delete); H2 inserts and then locks.
 */
@Component
public class LockRows {

    private static final int ATTEMPTS = 3;

    private final InsertIfAbsent inserts;
    private final JdbcTemplate jdbc;
    private final SqlDialect dialect;

    LockRows(InsertIfAbsent inserts, JdbcTemplate jdbc, SqlDialect dialect) {
        this.inserts = inserts;
        this.jdbc = jdbc;
        this.dialect = dialect;
    }

    /** @param table and {@code column}: constants of the caller, never request input */
    public void hold(String table, String column, String key) {
        if (dialect.postgres()) {
            jdbc.queryForList("INSERT INTO " + table + " (" + column + ") VALUES (?) ON CONFLICT (" + column + ") DO UPDATE SET "
                    + column + " = EXCLUDED." + column + " RETURNING " + column, String.class, key);
            return;
        }
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
