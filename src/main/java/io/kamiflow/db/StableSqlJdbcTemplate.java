package io.kamiflow.db;

import java.util.List;

import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.PreparedStatementCreatorFactory;
import org.springframework.jdbc.core.SqlParameter;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterUtils;
import org.springframework.jdbc.core.namedparam.ParsedSql;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.util.ConcurrentLruCache;

/**
 * Spring's named-parameter template (behind every {@code JdbcClient} with {@code :name} parameters), writing a
 * statement's JDBC form ({@code ?} for each name) once instead of on every call. Spring builds that string anew each
 * time, and the driver then hashes and compares the new string, as long as the whole statement, to find its prepared
 * statement: 4 % of a checkout's request-thread CPU (JFR, perf/checkout.sh; the checkout's statement is 2.5 KB).
 * The same string object each time makes both cheap (a String keeps its hash; equal keys are the same object).
 * A statement given a collection (expanded to one {@code ?} per element) is written each time, as before.
 */
class StableSqlJdbcTemplate extends NamedParameterJdbcTemplate {

    /** Keyed by Spring's parsed statement, itself cached per SQL string (256): one entry per statement in use. */
    private final ConcurrentLruCache<ParsedSql, String> jdbcForms =
            new ConcurrentLruCache<>(256, parsed -> NamedParameterUtils.substituteNamedParameters(parsed, null));

    StableSqlJdbcTemplate(JdbcOperations classicJdbcTemplate) {
        super(classicJdbcTemplate);
    }

    @Override
    protected PreparedStatementCreatorFactory getPreparedStatementCreatorFactory(ParsedSql parsedSql,
                                                                               SqlParameterSource paramSource) {
        if (!(paramSource instanceof MapSqlParameterSource map) || expands(map)) {
            return super.getPreparedStatementCreatorFactory(parsedSql, paramSource);
        }
        List<SqlParameter> declared = NamedParameterUtils.buildSqlParameterList(parsedSql, paramSource);
        return new PreparedStatementCreatorFactory(jdbcForms.get(parsedSql), declared);
    }

    /** Whether a value is one Spring expands into a list of placeholders (as its substitution decides). */
    private static boolean expands(MapSqlParameterSource source) {
        for (Object value : source.getValues().values()) {
            if (value instanceof SqlParameterValue wrapped) {
                value = wrapped.getValue();
            }
            if (value instanceof Iterable<?>) {
                return true;
            }
        }
        return false;
    }
}
