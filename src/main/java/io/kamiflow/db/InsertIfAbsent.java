package io.kamiflow.db;

import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.Optional;


import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.ArgumentPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementCreator;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;

/**
 * "Insert unless the unique key exists" without aborting the transaction. PostgreSQL (production,
 * tests) uses ON CONFLICT DO NOTHING, which is race-free under concurrency; H2 (the single-node dev
 * default only) has no such clause outside its PostgreSQL mode, which Camunda's H2 schema cannot use,
 * but a failed statement there leaves the transaction intact, so the duplicate is caught.
 */
@Component
public class InsertIfAbsent {

    private final JdbcTemplate jdbc;
    private final boolean postgres;

    InsertIfAbsent(JdbcTemplate jdbc, SqlDialect dialect) {
        this.jdbc = jdbc;
        this.postgres = dialect.postgres();
    }

    /**
     * @param conflictColumns the unique key that may already hold the row; {@code null}: any unique key of the table
     *                        (a row with two unique keys that a concurrent insert of the same row can hit in either order)
     * @return 1 when inserted, 0 when a row with the same unique key already existed
     */
    public int insert(String insertSql, String conflictColumns, Object... params) {
        if (postgres) {
            return jdbc.update(insertSql + (conflictColumns == null ? " ON CONFLICT DO NOTHING"
                    : " ON CONFLICT (" + conflictColumns + ") DO NOTHING"), params);
        }
        try {
            return jdbc.update(insertSql, params);
        } catch (DuplicateKeyException e) {
            return 0;
        }
    }

    /**
     * The same for a table with a generated {@code id}, returning it with the insert (no second query).
     * @return the new row's id, empty when a row with the same unique key already existed
     */
    public Optional<Long> insertReturningId(String insertSql, String conflictColumns, Object... params) {
        String sql = postgres ? insertSql + " ON CONFLICT (" + conflictColumns + ") DO NOTHING" : insertSql;
        GeneratedKeyHolder generated = new GeneratedKeyHolder();
        PreparedStatementCreator statement = connection -> {
            // PostgreSQL: RETURNING id only (RETURN_GENERATED_KEYS would return every column); H2: its generated columns
            PreparedStatement prepared = postgres ? connection.prepareStatement(sql, new String[] {"id"})
                    : connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS);
            new ArgumentPreparedStatementSetter(params).setValues(prepared);
            return prepared;
        };
        try {
            if (jdbc.update(statement, generated) == 0) {
                return Optional.empty();
            }
            // H2 returns every generated column (id and defaults such as received_at): take the id by name
            return Optional.of(Objects.requireNonNull(generated.getKeys(), "no generated keys").entrySet().stream()
                    .filter(column -> column.getKey().equalsIgnoreCase("id")).map(column -> ((Number) column.getValue()).longValue())
                    .findFirst().orElseThrow(() -> new IllegalStateException("the insert returned no id")));
        } catch (DuplicateKeyException e) {
            if (postgres) {
                throw e;
            }
            return Optional.empty();
        }
    }

    /** Batched form; returns how many rows were inserted. */
    public int insertBatch(String insertSql, String conflictColumns, List<Object[]> rows) {
        if (!postgres) {
            return rows.stream().mapToInt(row -> insert(insertSql, conflictColumns, row)).sum();
        }
        int inserted = 0;
        for (int count : jdbc.batchUpdate(insertSql + " ON CONFLICT (" + conflictColumns + ") DO NOTHING", rows)) {
            inserted += count > 0 ? 1 : 0;
        }
        return inserted;
    }
}
