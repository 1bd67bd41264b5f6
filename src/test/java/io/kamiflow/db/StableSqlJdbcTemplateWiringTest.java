package io.kamiflow.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.kamiflow.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The application's named-parameter statements go through {@link StableSqlJdbcTemplate}, on PostgreSQL. */
class StableSqlJdbcTemplateWiringTest extends IntegrationTest {

    @Autowired
    NamedParameterJdbcTemplate named;
    @Autowired
    JdbcClient client;

    @Test
    void theApplicationsNamedParameterStatementsUseIt() {
        assertThat(named).isInstanceOf(StableSqlJdbcTemplate.class);
        String sql = "SELECT count(*) FROM (VALUES (1), (2), (3)) v(n) WHERE n IN (:ns) AND n >= :min";
        assertThat(client.sql(sql).param("ns", List.of(1, 2, 3)).param("min", 2).query(Long.class).single()).isEqualTo(2);
        assertThat(client.sql(sql).param("ns", List.of(3)).param("min", 1).query(Long.class).single()).isEqualTo(1);
        String scalar = "SELECT :a + :b";
        for (int i = 0; i < 3; i++) { // the same JDBC form each time, new values each time
            assertThat(client.sql(scalar).param("a", i).param("b", 10).query(Integer.class).single()).isEqualTo(10 + i);
        }
    }
}
