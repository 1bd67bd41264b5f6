package io.kamiflow.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementCreatorFactory;
import org.springframework.jdbc.core.SqlProvider;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterUtils;
import org.springframework.jdbc.core.namedparam.ParsedSql;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;

/**
 * The JDBC form of a statement is written once and handed out as the same string object (so the driver's statement
 * cache finds it by a kept hash and by identity), except where a collection expands into placeholders. What reaches
 * PostgreSQL through it is every integration test's business (JdbcClient and Spring Data JDBC use this template:
 * {@link StableSqlJdbcTemplateWiringTest}).
 */
class StableSqlJdbcTemplateTest {

    private static final String SQL = "SELECT id FROM card_key WHERE product_id = :product AND status = :status AND id IN (:ids)";

    /** As the template's own cache of parsed statements hands it out: one object per SQL string. */
    private static final ParsedSql PARSED = NamedParameterUtils.parseSqlStatement(SQL);

    private final StableSqlJdbcTemplate template = new StableSqlJdbcTemplate(new JdbcTemplate());

    @Test
    void aStatementWithoutCollectionsIsWrittenOnceAndReused() {
        String first = jdbcForm(new MapSqlParameterSource().addValue("product", 1L).addValue("status", "AVAILABLE").addValue("ids", 7L));
        String second = jdbcForm(new MapSqlParameterSource().addValue("product", 2L).addValue("status", "SOLD").addValue("ids", 8L));
        assertThat(first).isEqualTo("SELECT id FROM card_key WHERE product_id = ? AND status = ? AND id IN (?)");
        assertThat(second).as("the same string object, not an equal copy").isSameAs(first);
    }

    @Test
    void collectionsStillExpandIntoOnePlaceholderPerElement() {
        String two = jdbcForm(params(List.of(1L, 2L)));
        String three = jdbcForm(params(List.of(1L, 2L, 3L)));
        String wrapped = jdbcForm(new MapSqlParameterSource().addValue("product", 1L).addValue("status", "SOLD")
                .addValue("ids", new SqlParameterValue(java.sql.Types.BIGINT, List.of(4L, 5L))));
        assertThat(two).endsWith("id IN (?, ?)");
        assertThat(three).endsWith("id IN (?, ?, ?)");
        assertThat(wrapped).endsWith("id IN (?, ?)");
        assertThat(jdbcForm(new MapSqlParameterSource().addValue("product", 1L).addValue("status", "SOLD").addValue("ids", 9L)))
                .as("a scalar after lists").endsWith("id IN (?)");
    }

    private static MapSqlParameterSource params(List<Long> ids) {
        return new MapSqlParameterSource().addValue("product", 1L).addValue("status", "SOLD").addValue("ids", ids);
    }

    private String jdbcForm(SqlParameterSource params) {
        PreparedStatementCreatorFactory factory = template.getPreparedStatementCreatorFactory(PARSED, params);
        return ((SqlProvider) factory.newPreparedStatementCreator(NamedParameterUtils.buildValueArray(PARSED, params, null))).getSql();
    }
}
