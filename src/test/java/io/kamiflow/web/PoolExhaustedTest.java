package io.kamiflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.SecondNode;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A node whose every database connection is taken answers within the pool's timeout with a 503 problem+json and
 * Retry-After, which buyers and gateways retry, not with a 500 after Hikari's default 30 s; and it serves again as soon
 * as a connection is free.
 */
class PoolExhaustedTest extends IntegrationTest {

    @Test
    void aRequestThatGetsNoConnectionIsA503ToTryAgain() throws Exception {
        ConfigurableApplicationContext node = SecondNode.start("pool-exhausted", Map.of(
                "spring.datasource.hikari.maximum-pool-size", 3,
                "spring.datasource.hikari.minimum-idle", 3,
                "spring.datasource.hikari.connection-timeout", 1000,
                "camunda.bpm.job-execution.enabled", false), context -> { });
        try {
            ShopClient there = new ShopClient(node.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
            assertThat(there.send("GET", "/api/products", null, null, Map.of()).status()).as("with connections free").isEqualTo(200);
            List<Connection> held = new ArrayList<>();
            DataSource pool = node.getBean(DataSource.class);
            try {
                for (int i = 0; i < 3; i++) {
                    held.add(pool.getConnection());
                }
                long start = System.nanoTime();
                ShopClient.Response busy = there.send("GET", "/api/products", null, null, Map.of());
                long tookMillis = (System.nanoTime() - start) / 1_000_000;
                assertThat(busy.status()).isEqualTo(503);
                assertThat(busy.contentType()).startsWith("application/problem+json");
                assertThat(busy.retryAfter()).isPositive();
                assertThat(busy.json().get("detail").asText()).contains("try again");
                assertThat(tookMillis).as("answered after the pool's timeout, not Hikari's default 30 s").isLessThan(10_000);
            } finally {
                for (Connection connection : held) {
                    connection.close();
                }
            }
            assertThat(there.send("GET", "/api/products", null, null, Map.of()).status()).as("a connection is free again").isEqualTo(200);
        } finally {
            node.close();
        }
    }
}
