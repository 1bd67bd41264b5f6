package io.kamiflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Metrics;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;

/** Metrics and probes live on the management port, which a deployment does not publish; the shop's port has none. */
class ManagementPortTest extends IntegrationTest {

    @LocalManagementPort
    int managementPort;

    @Test
    void prometheusIsNotOnThePublicPort() {
        ShopClient.Response metrics = shop().send("GET", "/actuator/prometheus", null, null, Map.of());
        assertThat(metrics.status()).isEqualTo(404);
        assertThat(metrics.body()).doesNotContain("jvm_memory");
        assertThat(shop().send("GET", "/actuator/health", null, null, Map.of()).status()).isEqualTo(404);
    }

    /** The pool sized in application.yml, and the gauge the DatabaseConnectionsWaiting alert watches. */
    @Test
    void theConnectionPoolIsExportedWithItsSizeAndItsWaitingThreads() {
        Metrics pool = Metrics.scrape(managementPort);
        assertThat(pool.value("hikaricp_connections_max", "pool", "kamiflow")).isEqualTo(20);
        assertThat(pool.has("hikaricp_connections_pending", "pool", "kamiflow")).isTrue();
        assertThat(pool.has("hikaricp_connections_timeout_total", "pool", "kamiflow")).isTrue();
    }

    @Test
    void prometheusAndHealthAreOnTheManagementPort() {
        assertThat(managementPort).isPositive().isNotEqualTo(port);
        ShopClient management = new ShopClient(managementPort);
        ShopClient.Response metrics = management.send("GET", "/actuator/prometheus", null, null, Map.of());
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");
        ShopClient.Response health = management.send("GET", "/actuator/health", null, null, Map.of());
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("UP");
    }
}
