package io.kamiflow.db;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps a node working while a newer release expands the schema under it (docs/upgrades.md, rule 4). PostgreSQL's
 * JDBC driver prepares a statement on the server after a few uses; once a table gains a column, a prepared
 * {@code SELECT *} fails with "cached plan must not change result type" on every pooled connection, once each, and the
 * failing request answers 500 (measured: FutureMigrationTest). {@code autosave=conservative} makes the driver wrap each
 * statement of a transaction in a savepoint and re-run exactly such a statement after dropping its stale plan.
 * Added to PostgreSQL pools unless the URL sets autosave itself.
 */
@Configuration(proxyBeanMethods = false)
class SchemaChangeTolerantStatements {

    @Bean
    static BeanPostProcessor postgresAutosave() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof HikariDataSource pool && pool.getJdbcUrl() != null
                        && pool.getJdbcUrl().startsWith("jdbc:postgresql:") && !pool.getJdbcUrl().contains("autosave=")
                        && !pool.getDataSourceProperties().containsKey("autosave")) {
                    pool.addDataSourceProperty("autosave", "conservative");
                }
                return bean;
            }
        };
    }
}
