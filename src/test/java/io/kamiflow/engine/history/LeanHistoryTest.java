package io.kamiflow.engine.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;

/** A delivered order leaves the history ops read, without the rows nobody reads (LeanHistoryEventHandler). */
class LeanHistoryTest extends ProcessTest {

    @Test
    void aDeliveredOrderKeepsItsInstanceAndStepsButNoVariablesDetailsRoutineJobLogsGatewaysOrStartRow() {
        Shop.productWithKeys(shop, "LEAN", "2.00", 1);
        Shop.PlacedOrder order = paidOrder("LEAN", 1, "lean@example.com");
        ProcessInstance instance = instanceFor(order.orderNo());
        executeJob(instance); // Send keys
        assertThat(instance).isEnded().hasPassed("ClaimKeys", "SendKeys", "OrderDelivered");

        HistoryService history = engine.getHistoryService();
        String id = instance.getId();
        var processRow = history.createHistoricProcessInstanceQuery().processInstanceId(id).completed().singleResult();
        assertThat(processRow.getStartActivityId()).as("where it started, kept on the instance's row").isEqualTo("PaymentReceived");
        assertThat(processRow.getEndActivityId()).isEqualTo("OrderDelivered");
        assertThat(processRow.getBusinessKey()).isEqualTo(order.orderNo());
        assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(id).list())
                .extracting(activity -> activity.getActivityId())
                .containsExactlyInAnyOrder("VerifyPayment", "ClaimKeys", "SendKeys", "OrderDelivered")
                .as("pass-through gateways leave no row").doesNotContain("PaymentMatchesOrder", "KeysDelivered");
        assertThat(history.createHistoricVariableInstanceQuery().processInstanceId(id).count())
                .as("the order is the business key, the payment row names the instance: no variables").isZero();
        assertThat(history.createHistoricDetailQuery().processInstanceId(id).count()).isZero();
        assertThat(history.createHistoricJobLogQuery().processInstanceId(id).count()).isZero();
        assertThat(engine.getProcessEngineConfiguration().getHistory()).isEqualTo("full");
    }
}
