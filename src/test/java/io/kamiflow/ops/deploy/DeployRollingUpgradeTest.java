package io.kamiflow.ops.deploy;

import static io.kamiflow.ops.deploy.DeployFiles.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The manifests as docs/upgrades.md's rolling upgrade needs them: one pod more, none less, during a roll; a new pod is
 * in the Service only once it registered the process versions it runs; the application runs deployment-aware.
 */
class DeployRollingUpgradeTest {

    private final DeployKubernetesTest k8s = new DeployKubernetesTest();

    @Test
    void rollsOnePodAtATimeWithoutLosingCapacity() {
        Map<String, Object> deployment = k8s.only("Deployment");
        assertThat(at(deployment, "spec", "strategy", "type")).isEqualTo("RollingUpdate");
        assertThat(at(deployment, "spec", "strategy", "rollingUpdate", "maxSurge")).isEqualTo(1);
        assertThat(at(deployment, "spec", "strategy", "rollingUpdate", "maxUnavailable")).isEqualTo(0);
        assertThat((Integer) at(deployment, "spec", "minReadySeconds")).isPositive();
    }

    @Test
    void readinessWaitsForTheProcessVersionsAndJobsAreDeploymentAware() {
        Map<String, Object> application = DeployFiles.yaml(DeployFiles.read("src/main/resources/application.yml"));
        assertThat(String.valueOf(at(application, "management", "endpoint", "health", "group", "readiness", "include")))
                .contains("db", "jobExecutor", "processVersions");
        assertThat(at(application, "camunda", "bpm", "job-execution", "deployment-aware")).isEqualTo(true);
        assertThat(at(application, "spring", "flyway", "ignore-migration-patterns")).isEqualTo("*:future");
    }
}
