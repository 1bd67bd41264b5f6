package io.kamiflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.ShopClient;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * Readiness needs the database, a running job executor and the process versions this jar runs registered with it
 * (docs/upgrades.md); liveness needs none of them (a restart fixes no database).
 */
class HealthTest extends IntegrationTest {

    @LocalManagementPort
    int managementPort;

    @Test
    void readinessChecksDatabaseAndJobExecutorLivenessDoesNot() {
        ShopClient.Response readiness = health("readiness");
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(components(readiness)).containsExactlyInAnyOrder("db", "jobExecutor", "processVersions", "readinessState");
        ShopClient.Response liveness = health("liveness");
        assertThat(liveness.status()).isEqualTo(200);
        assertThat(components(liveness)).containsExactly("livenessState");
    }

    @Test
    void aStoppedJobExecutorMakesTheNodeUnreadyButAlive() {
        JobExecutor executor = ((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration()).getJobExecutor();
        executor.shutdown();
        try {
            ShopClient.Response readiness = health("readiness");
            assertThat(readiness.status()).isEqualTo(503);
            assertThat(readiness.json().get("components").get("jobExecutor").get("status").asText()).isEqualTo("DOWN");
            assertThat(health("liveness").status()).isEqualTo(200);
        } finally {
            executor.start();
        }
        assertThat(health("readiness").status()).isEqualTo(200);
    }

    private ShopClient.Response health(String group) {
        return new ShopClient(managementPort).send("GET", "/actuator/health/" + group, null, null, Map.of());
    }

    private static List<String> components(ShopClient.Response response) {
        JsonNode components = response.json().get("components");
        List<String> names = new ArrayList<>();
        if (components != null) {
            components.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }
}
