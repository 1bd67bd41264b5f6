package io.kamiflow.engine.versions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kamiflow.support.IntegrationTest;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Deployment-aware job execution as a rolling upgrade meets it, on the shared node's real job executor: a
 * deployment is run by a node only once registered, and {@link ProcessVersions} registers exactly those its jar's
 * levels allow (docs/upgrades.md, rule 1).
 */
class ProcessVersionsTest extends IntegrationTest {

    private static final String KEY = "upgrade-probe";

    @Autowired
    RepositoryService repository;
    @Autowired
    ManagementService management;
    @Autowired
    RuntimeService runtime;
    @Autowired
    ProcessVersions jarVersions;

    private final List<String> deployments = new ArrayList<>();

    @AfterEach
    void removeProbes() {
        for (String id : deployments) {
            management.unregisterDeploymentForJobExecutor(id);
            repository.deleteDeployment(id, true);
        }
    }

    @Test
    void theStartersDeploymentIsRegisteredAndTheNodeIsReady() {
        Deployment auto = repository.createDeploymentQuery().deploymentName("SpringAutoDeployment")
                .orderByDeploymentTime().desc().listPage(0, 1).get(0);
        assertThat(management.getRegisteredDeployments()).contains(auto.getId());
        assertThat(jarVersions.health().getStatus().getCode()).isEqualTo("UP");
        // the jar's BPMN files carry no level yet: every process is at 0, and the jar starts orders on the newest
        ProcessDefinition newest = repository.createProcessDefinitionQuery().processDefinitionKey("order-fulfillment")
                .latestVersion().singleResult();
        assertThat(jarVersions.newestRunnable("order-fulfillment")).isEqualTo(newest.getId());
    }

    @Test
    void anOlderNodeLeavesTheJobsOfAHigherLevelAloneAndANewerNodeRunsBothVersions() {
        // both deployed by "other nodes": not registered with this one
        String levelOne = deployForeign(probe("1"));
        String levelTwo = deployForeign(probe("2"));
        String v1 = definitionOf(levelOne);
        String v2 = definitionOf(levelTwo);

        ProcessVersions olderJar = new ProcessVersions(repository, management, Map.of(KEY, 1));
        assertThat(olderJar.register()).contains(levelOne).doesNotContain(levelTwo);
        assertThat(management.getRegisteredDeployments()).contains(levelOne).doesNotContain(levelTwo);
        assertThat(olderJar.newestRunnable(KEY)).as("new instances start on the version the node can run").isEqualTo(v1);

        String onV1 = runtime.startProcessInstanceById(v1).getId();
        String onV2 = runtime.startProcessInstanceById(v2).getId();
        await().atMost(Duration.ofSeconds(20)).until(() -> ended(onV1));
        // the job executor polls every 100 ms here: it had dozens of chances to take v2's job
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !ended(onV2));
        Job waiting = management.createJobQuery().processInstanceId(onV2).singleResult();
        assertThat(waiting.getRetries()).as("never tried, so no retries burnt").isEqualTo(3);
        assertThat(waiting.getDeploymentId()).isEqualTo(levelTwo);

        // the newer jar arrives: it registers level 2 and keeps level 1 (older instances still run somewhere)
        ProcessVersions newerJar = new ProcessVersions(repository, management, Map.of(KEY, 2));
        assertThat(newerJar.register()).containsExactly(levelTwo);
        assertThat(newerJar.newestRunnable(KEY)).isEqualTo(v2);
        await().atMost(Duration.ofSeconds(20)).until(() -> ended(onV2));
        assertThat(management.getRegisteredDeployments()).contains(levelOne, levelTwo);
    }

    @Test
    void aDeploymentWithAProcessTheJarDoesNotShipIsNotRun() {
        String mixed = deployForeign(probe("0"), Bpmn.createExecutableProcess("unknown-to-this-jar")
                .startEvent().endEvent().done());
        ProcessVersions jar = new ProcessVersions(repository, management, Map.of(KEY, 5));
        assertThat(jar.register()).doesNotContain(mixed);
        assertThatThrownBy(() -> jar.newestRunnable(KEY)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(KEY);
    }

    @Test
    void levelsAreWholeNumbersOrNone() {
        assertThat(ProcessLevels.level(null)).isZero();
        assertThat(ProcessLevels.level(" 3 ")).isEqualTo(3);
        assertThat(ProcessLevels.level("1.2.0")).isEqualTo(-1);
        assertThat(ProcessLevels.ofJar("classpath*:bpmn/**/*.bpmn")).containsKeys("order-fulfillment", "order-expiry");
    }

    /** start -> async service task (no code needed) -> end, at a level */
    private static BpmnModelInstance probe(String level) {
        return Bpmn.createExecutableProcess(KEY).camundaVersionTag(level).camundaHistoryTimeToLive(1)
                .startEvent().serviceTask("Work").camundaAsyncBefore().camundaExpression("${true}").endEvent().done();
    }

    private String deployForeign(BpmnModelInstance... models) {
        var builder = repository.createDeployment().name("upgrade-probe");
        for (int i = 0; i < models.length; i++) {
            builder.addModelInstance("probe-" + i + ".bpmn", models[i]);
        }
        String id = builder.deploy().getId();
        deployments.add(id);
        // deploying registered it with this node's job executor: a deployment made by another node is not
        management.unregisterDeploymentForJobExecutor(id);
        return id;
    }

    private String definitionOf(String deployment) {
        return repository.createProcessDefinitionQuery().deploymentId(deployment).processDefinitionKey(KEY)
                .singleResult().getId();
    }

    private boolean ended(String instance) {
        return runtime.createProcessInstanceQuery().processInstanceId(instance).count() == 0;
    }
}
