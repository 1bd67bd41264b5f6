package io.kamiflow.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.kamiflow.support.IntegrationTest;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A new version of a process with a timer start event deletes the old version's timer job. While a running node holds
 * that job (its job executor acquired it, or fires it), the delete waits for that node's commit and then finds the
 * job changed: the deployment rolls back. At start-up that failed the node (drill f); the start-up deployment is now
 * tried again. Here "another node" is a second connection that acquires the timer job the way a job executor does
 * (lock owner, revision) and commits a moment later. Fails without the retry (one attempt).
 */
class RetriedDeploymentTest extends IntegrationTest {

    private static final String KEY = "RetriedDeploymentTimer";

    @Autowired
    RepositoryService repository;
    @Autowired
    ManagementService management;
    @Autowired
    ProcessEngineConfigurationImpl engine;

    private final List<String> deployments = new ArrayList<>();

    @AfterEach
    void removeTheTestsDeployments() {
        deployments.forEach(id -> repository.deleteDeployment(id, true));
    }

    @Test
    void theEngineDeploysAtStartUpThroughTheRetry() {
        assertThat(engine).isInstanceOf(RetriedDeployment.Retrying.class);
    }

    @Test
    void aDeploymentThatMeetsARunningNodesTimerJobIsTriedAgainAndReplacesIt() throws Exception {
        deployTimerProcess();
        String oldTimer = timerJob().getId();

        try (Connection otherNode = acquiredByAnotherNode(oldTimer)) {
            commitIn(otherNode, Duration.ofSeconds(1));
            assertThatThrownBy(() -> RetriedDeployment.retried(this::deployTimerProcess, 1, Duration.ZERO))
                    .as("one attempt: the delete of the old timer job finds it changed").isInstanceOf(OptimisticLockingException.class);
        }
        assertThat(timerJob().getId()).as("the failed deployment changed nothing").isEqualTo(oldTimer);

        try (Connection otherNode = acquiredByAnotherNode(oldTimer)) {
            CompletableFuture<Void> committed = commitIn(otherNode, Duration.ofSeconds(1));
            RetriedDeployment.retried(this::deployTimerProcess, RetriedDeployment.ATTEMPTS, Duration.ofMillis(200));
            committed.get(10, TimeUnit.SECONDS);
        }
        Job timer = timerJob();
        assertThat(timer.getId()).as("the old version's timer job replaced").isNotEqualTo(oldTimer);
        assertThat(repository.getProcessDefinition(timer.getProcessDefinitionId()).getVersion())
                .as("the timer belongs to the latest version").isEqualTo(
                        repository.createProcessDefinitionQuery().processDefinitionKey(KEY).latestVersion().singleResult().getVersion());
    }

    private void deployTimerProcess() {
        deployments.add(repository.createDeployment().name("RetriedDeploymentTest")
                .addModelInstance(KEY + ".bpmn", Bpmn.createExecutableProcess(KEY).startEvent().timerWithCycle("R/PT1H")
                        .endEvent().done())
                .deploy().getId());
    }

    /** The one timer job of the process (a new version deletes the old version's). */
    private Job timerJob() {
        return management.createJobQuery().processDefinitionKey(KEY).singleResult();
    }

    /** A transaction of another node holding the job acquired, as a job executor's acquisition leaves it until commit. */
    private Connection acquiredByAnotherNode(String jobId) throws Exception {
        Connection connection = jdbc.getDataSource().getConnection();
        connection.setAutoCommit(false);
        try (PreparedStatement acquire = connection.prepareStatement(
                "UPDATE act_ru_job SET rev_ = rev_ + 1, lock_owner_ = 'another-node' WHERE id_ = ?")) {
            acquire.setString(1, jobId);
            assertThat(acquire.executeUpdate()).isEqualTo(1);
        }
        return connection;
    }

    private static CompletableFuture<Void> commitIn(Connection connection, Duration delay) {
        return CompletableFuture.runAsync(() -> {
            try {
                connection.commit();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }, CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
    }
}
