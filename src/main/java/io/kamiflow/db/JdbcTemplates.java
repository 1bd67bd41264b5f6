package io.kamiflow.db;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/** The named-parameter template Spring Boot would make, as {@link StableSqlJdbcTemplate}: JdbcClient and Spring Data JDBC use it. */
@Configuration(proxyBeanMethods = false)
class JdbcTemplates {

    @Bean
    NamedParameterJdbcTemplate namedParameterJdbcTemplate(JdbcTemplate jdbcTemplate) {
        return new StableSqlJdbcTemplate(jdbcTemplate);
    }
}
