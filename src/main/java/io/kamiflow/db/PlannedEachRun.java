package io.kamiflow.db;

import java.sql.PreparedStatement;
import java.util.List;

import org.postgresql.PGStatement;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * Queries that PostgreSQL plans for their own parameter values on every run. The driver server-prepares a statement
 * after its fifth run on a connection, and PostgreSQL may then keep a generic plan, chosen without the values and
 * against statistics older or newer than the custom plans it is weighed against; for a few statements that plan
 * reads every row of a kind instead of one key's (the caps' counts: every unpaid order instead of one buyer's). These
 * run as the driver's unnamed statement each time (its prepare threshold 0): parsed and planned again, a few tens of
 * microseconds. H2 runs them as any other statement.
 */
@Component
public class PlannedEachRun {

    private final JdbcTemplate jdbc;

    PlannedEachRun(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public <T> List<T> query(String sql, RowMapper<T> rows, Object... args) {
        return jdbc.query(connection -> {
            PreparedStatement statement = connection.prepareStatement(sql);
            if (statement.isWrapperFor(PGStatement.class)) {
                statement.unwrap(PGStatement.class).setPrepareThreshold(0);
            }
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            return statement;
        }, rows);
    }
}
