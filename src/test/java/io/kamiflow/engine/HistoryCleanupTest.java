package io.kamiflow.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
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
        assertThat(configuration.getHistoryRemovalTimeStrategy()).isEqualTo("end");
    }

    /**
     * A happy order's instance starts and ends in the paying callback: every history row it wrote (in whichever table
     * Camunda keeps it) is removed 180 days after that end.
     */
    @Test
    void everyHistoryRowOfAnOrderEndedInItsCallbackIsRemovedTtlAfterTheEnd() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "HIS", "3.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "HIS", 1, "history@example.com");
        assertThat(Shop.pay(shop, order, "T-history").body()).isEqualTo("success");
        HistoricProcessInstance instance = await().atMost(Duration.ofSeconds(10)).until(() -> engine.getHistoryService()
                .createHistoricProcessInstanceQuery().processInstanceBusinessKey(order.orderNo()).finished().singleResult(),
                found -> found != null);
        // 180 calendar days in the engine's time zone, as Camunda adds them
        LocalDateTime removal = new Timestamp(instance.getEndTime().getTime()).toLocalDateTime().plusDays(180);

        List<String> tables = jdbc.queryForList("""
                SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema()
                AND column_name = 'removal_time_' AND table_name IN (SELECT table_name FROM information_schema.columns
                    WHERE table_schema = current_schema() AND column_name = 'root_proc_inst_id_') ORDER BY table_name""",
                String.class);
        assertThat(tables).contains("act_hi_procinst", "act_hi_actinst", "act_ge_bytearray");
        long rows = 0;
        for (String table : tables) {
            List<Timestamp> removals = jdbc.queryForList("SELECT removal_time_ FROM " + table + " WHERE root_proc_inst_id_ = ?",
                    Timestamp.class, instance.getId());
            assertThat(removals).as(table).doesNotContainNull()
                    .extracting(Timestamp::toLocalDateTime).allMatch(removal::equals, "end + 180 days: " + removal);
            rows += removals.size();
        }
        // the instance's own row at least (LeanHistoryEventHandler keeps no rows of the steps of an instance that
        // started and ended at Key mail queued in the callback)
        assertThat(rows).as("history rows of the order's instance").isGreaterThanOrEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM act_hi_procinst WHERE id_ = ?", Long.class, instance.getId()))
                .isEqualTo(1);
    }
}
