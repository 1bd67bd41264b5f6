package io.kamiflow.db;

import java.sql.DatabaseMetaData;

import javax.sql.DataSource;

import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.stereotype.Component;

/**
 * Which database kamiflow talks to: PostgreSQL (production, tests) or the embedded H2 dev default. Hot paths use
 * PostgreSQL's single-statement forms (RETURNING, ON CONFLICT DO UPDATE, locking subqueries) and keep a plain
 * two-statement form for H2, which runs one node with a few orders.
 */
@Component
public class SqlDialect {

    private final boolean postgres;

    SqlDialect(DataSource dataSource) throws Exception {
        String product = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
        this.postgres = product.toLowerCase(java.util.Locale.ROOT).contains("postgres");
    }

    public boolean postgres() {
        return postgres;
    }
}
