package io.kamiflow.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamiflow.support.IntegrationTest;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.junit.jupiter.api.Test;

/** Camunda's history does not grow forever: a cleanup job is scheduled and everything it removes has a TTL. */
class HistoryCleanupTest extends IntegrationTest {

    @Test
    void theEngineHasAHistoryCleanupJobScheduled() {
        assertThat(engine.getHistoryService().findHistoryCleanupJobs()).isNotEmpty();
    }

    @Test
    void everyProcessDefinitionAndBatchHasATimeToLive() {
        assertThat(engine.getRepositoryService().createProcessDefinitionQuery().latestVersion().list())
                .isNotEmpty()
                .allSatisfy((ProcessDefinition definition) -> assertThat(definition.getHistoryTimeToLive())
                        .as(definition.getKey()).isNotNull().isPositive());
        ProcessEngineConfigurationImpl configuration = (ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration();
        assertThat(configuration.getBatchOperationHistoryTimeToLive()).isNotBlank();
        assertThat(configuration.getHistoryCleanupStrategy()).isEqualTo("removalTimeBased");
        assertThat(configuration.getHistoryRemovalTimeStrategy()).isEqualTo("start");
    }
}
