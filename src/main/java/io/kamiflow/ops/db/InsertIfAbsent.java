package io.kamiflow.ops.db;

import java.sql.DatabaseMetaData;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcUtils;
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

    InsertIfAbsent(JdbcTemplate jdbc, DataSource dataSource) throws Exception {
        this.jdbc = jdbc;
        String product = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
        this.postgres = product.toLowerCase().contains("postgres");
    }

    /** @return 1 when inserted, 0 when a row with the same unique key already existed */
    public int insert(String insertSql, String conflictColumns, Object... params) {
        if (postgres) {
            return jdbc.update(insertSql + " ON CONFLICT (" + conflictColumns + ") DO NOTHING", params);
        }
        try {
            return jdbc.update(insertSql, params);
        } catch (DuplicateKeyException e) {
            return 0;
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
