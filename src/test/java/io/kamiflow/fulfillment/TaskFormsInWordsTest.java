package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.util.Map;

import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;

/**
 * Every support task shows its order (amount, channel, trade no, product, quantity) and says what happened in words,
 * not codes; a decision that cannot succeed is refused up front; the agent's note reaches the order's timeline (the
 * audit log) and never the history.
 */
class TaskFormsInWordsTest extends ProcessTest {

    @Test
    void reviewPaymentSaysWhatHappenedInWordsWithTheOrdersFacts() {
        Shop.productWithKeys(shop, "WORDS", "30.00", 2);
        Shop.PlacedOrder order = Shop.order(shop, "WORDS", 2, "words@example.com");
        shop.sandboxNotify(ShopClient.signedNotice(order.orderNo(), "T-cheap", "0.01", "CNY"));
        ProcessInstance instance = instanceFor(order.orderNo());

        Map<String, Object> shown = engine.getTaskService().getVariablesLocal(openTask(instance).getId());
        assertThat(shown).containsEntry("orderAmount", "60.00 CNY").containsEntry("orderChannel", "sandbox")
                .containsEntry("orderTradeNo", "T-cheap").containsEntry("orderProduct", "Product WORDS (WORDS)")
                .containsEntry("orderQuantity", 2).containsEntry("reviewCanAccept", true);
        assertThat(shown.get("reviewWhy").toString()).contains("another amount than the order's 60.00 CNY", "金额")
                .doesNotContain("AMOUNT_MISMATCH");
    }

    @Test
    void aSecondPaymentCannotBeAcceptedAndTheFormSaysSo() {
        Shop.productWithKeys(shop, "WORDS", "30.00", 2);
        Shop.PlacedOrder order = paidOrder("WORDS", 1, "twice@example.com");
        executeJob(instanceFor(order.orderNo()));
        Shop.pay(shop, order, "T-second");
        ProcessInstance second = instanceFor(order.orderNo());

        Map<String, Object> shown = engine.getTaskService().getVariablesLocal(openTask(second).getId());
        assertThat(shown).containsEntry("reviewCanAccept", false).containsEntry("orderTradeNo", "T-second");
        assertThat(shown.get("reviewWhy").toString()).contains("already paid by another payment");
        assertThatThrownBy(() -> complete(second, Map.of("reviewDecision", "accept"))).hasMessageContaining("refund this payment");
        assertThat(second).isWaitingAt("ReviewPayment");

        complete(second, Map.of("reviewDecision", "refund", "reviewNote", "buyer paid twice by mistake"));
        assertThat(jdbc.queryForObject("SELECT detail FROM audit_event WHERE action = 'task.complete'", String.class))
                .isEqualTo("ReviewPayment: reviewDecision=refund: buyer paid twice by mistake");
        runUntilOnlyTasksWait(order.orderNo());
        assertThat(second).isEnded();
    }

    @Test
    void theRestockNoteReachesTheTimelineAndNotTheHistory() {
        takeKeysOnPayment();
        Shop.productWithKeys(shop, "WORDS", "5.00", 1);
        Shop.PlacedOrder first = Shop.order(shop, "WORDS", 1, "first@example.com");
        Shop.PlacedOrder parked = Shop.order(shop, "WORDS", 1, "parked@example.com"); // on payment: both may order the last key
        Shop.pay(shop, first, "T-first");
        executeJob(instanceFor(first.orderNo()));
        Shop.pay(shop, parked, "T-parked");
        ProcessInstance instance = instanceFor(parked.orderNo());
        executeJobAt(instance, "RestockDeadline");
        assertThat(instance).isWaitingAt("RestockOrRefund");
        assertThat(engine.getTaskService().getVariablesLocal(openTask(instance).getId()).get("restockWhy").toString())
                .contains("ran out of keys", "补货期限");

        complete(instance, Map.of("restockDecision", "refund", "restockNote", "supplier has none until next month"));
        assertThat(jdbc.queryForList("SELECT detail FROM audit_event WHERE action = 'task.complete'", String.class))
                .containsExactly("RestockOrRefund: restockDecision=refund: supplier has none until next month");
        assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().variableName("restockNote").count()).isZero();
        runUntilOnlyTasksWait(parked.orderNo());
    }
}
