package io.kamiflow.db;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A lock per key (a buyer's email, a client address), held to the end of the caller's transaction, that serializes
 * one key's checkouts so that a cap counted under it holds under concurrency.
 * <p>
 * On PostgreSQL a transaction-level advisory lock on (the table's name, the key), both hashed: nothing is written (a
 * lock row cost every checkout an insert or a new row version, and kept the buyer's email until the retention job
 * deleted it), and it is released with the transaction as a row lock is. Two keys with the same hash share a lock:
 * their checkouts then take turns, nothing more. H2 (one node, the dev default) inserts a lock row unless present and
 * locks it; an idle lock row may be deleted between the insert and the lock (the retention job deletes them): it is
 * then inserted again.
 */
@Component
public class KeyedLocks {

    private static final int ATTEMPTS = 3;

    private final InsertIfAbsent inserts;
    private final JdbcTemplate jdbc;
    private final SqlDialect dialect;

    KeyedLocks(InsertIfAbsent inserts, JdbcTemplate jdbc, SqlDialect dialect) {
        this.inserts = inserts;
        this.jdbc = jdbc;
        this.dialect = dialect;
    }

    /**
     * @param table  the lock table of this kind of key (H2's lock rows; PostgreSQL's lock space): a constant of the
     *               caller, never request input, as is {@code column}
     */
    public void hold(String table, String column, String key) {
        if (dialect.postgres()) {
            jdbc.queryForObject("SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?)) IS NOT NULL", Boolean.class,
                    table, key);
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
