package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;

import java.util.Map;

import io.kamiflow.support.HandProducts;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.TestMail;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;

/** order-fulfillment for a product a person fulfils: Fulfil by hand, its SLA timer, and refund from the task. */
class FulfilByHandProcessTest extends ProcessTest {

    @Test
    void paidOrderGoesToFulfilByHandAndIsDeliveredWithTheText() throws Exception {
        HandProducts.product(shop, "TOPUP-1", "30.00");
        Shop.PlacedOrder order = HandProducts.order(shop, "TOPUP-1", "dora@example.com", "123456789");
        assertThat(Shop.pay(shop, order, "T-HAND-1").body()).isEqualTo("success");

        ProcessInstance instance = instanceFor(order.orderNo());
        assertThat(instance).isWaitingAt("FulfilByHand").hasPassed("VerifyPayment", "ClaimKeys", "ByHand");
        assertThat(task(instance)).hasCandidateGroup("kamiflow-support").hasName("Fulfil by hand for order " + order.orderNo());
        assertThat(formRef(instance)).isEqualTo("fulfil-by-hand");
        Map<String, Object> shown = engine.getTaskService().getVariablesLocal(task(instance).getId());
        assertThat(shown).containsEntry("orderAmount", "30.00 CNY").containsEntry("orderChannel", "sandbox")
                .containsEntry("orderTradeNo", "T-HAND-1").containsEntry("orderQuantity", 1);
        assertThat(shown.get("buyerFields").toString()).contains("Game account id / 游戏账号: 123456789", "Server / 服务器: Asia-1");
        assertThat(orderStatus(order.orderNo())).isEqualTo("PAID");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key", Integer.class)).isZero();

        complete(instance, Map.of("handAction", "deliver", "deliveryText", "Top-up receipt R-778899", "handNote", "done in the game console"));
        assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");
        // the text left the engine with the completion: not a variable, not in the history
        assertThat(engine.getRuntimeService().getVariables(instance.getId())).doesNotContainKeys("deliveryText", "handNote");
        assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().variableName("deliveryText").count()).isZero();
        byte[] stored = jdbc.queryForObject("SELECT secret_ciphertext FROM hand_delivery", byte[].class);
        assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("R-778899");

        executeJob(instance); // the user task's async continuation
        executeJob(instance); // Mail the delivery
        assertThat(instance).isEnded().hasPassed("FulfilByHand", "MailHandDelivery", "FulfilledByHand");
        var mails = TestMail.get().getReceivedMessagesForDomain("dora@example.com");
        assertThat(mails).hasSize(1);
        assertThat(com.icegreen.greenmail.util.GreenMailUtil.getBody(mails[0])).contains("R-778899");
        assertThat(shop.getOrder(order.orderNo(), order.accessToken()).json().get("delivery").asText())
                .isEqualTo("Top-up receipt R-778899");
        assertThat(jdbc.queryForObject("SELECT revealed_at IS NOT NULL FROM hand_delivery", Boolean.class)).isTrue();
        assertThat(jdbc.queryForObject("SELECT detail FROM audit_event WHERE action = 'task.complete'", String.class))
                .isEqualTo("FulfilByHand: delivered: done in the game console");
    }

    @Test
    void deliverWithoutTextIsRefusedAndTheTaskStays() {
        HandProducts.product(shop, "TOPUP-2", "30.00");
        Shop.PlacedOrder order = HandProducts.order(shop, "TOPUP-2", "eve@example.com", "55555");
        Shop.pay(shop, order, "T-HAND-2");
        ProcessInstance instance = instanceFor(order.orderNo());

        assertThatThrownBy(() -> complete(instance, Map.of("handAction", "deliver", "deliveryText", " ")))
                .isInstanceOf(ProcessEngineException.class).hasMessageContaining("deliveryText");
        assertThat(instance).isWaitingAt("FulfilByHand");
        assertThat(orderStatus(order.orderNo())).isEqualTo("PAID");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM hand_delivery", Integer.class)).isZero();
    }

    @Test
    void untouchedTaskIsEscalatedToAdminsAfterItsSla() {
        HandProducts.product(shop, "TOPUP-3", "30.00");
        Shop.PlacedOrder order = HandProducts.order(shop, "TOPUP-3", "finn@example.com", "66666");
        Shop.pay(shop, order, "T-HAND-3");
        ProcessInstance instance = instanceFor(order.orderNo());
        var timer = jobAt(instance, "FulfilByHandSla");
        // PT2H by default (kamiflow.by-hand.sla)
        assertThat(timer.getDuedate().toInstant()).isBetween(java.time.Instant.now().plusSeconds(7100),
                java.time.Instant.now().plusSeconds(7300));
        Task before = task(instance);
        assertThat(before).hasCandidateGroup("kamiflow-support");

        engine.getManagementService().executeJob(timer.getId());

        assertThat(instance).isWaitingAt("FulfilByHand").hasPassed("EscalateFulfilByHand", "FulfilByHandEscalated");
        Task after = task(instance);
        assertThat(after.getId()).isEqualTo(before.getId()); // the same task, not a new one: nothing support did is lost
        assertThat(after).hasCandidateGroup("kamiflow-admin").hasCandidateGroup("kamiflow-support");
        assertThat(after.getPriority()).isEqualTo(80);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'task.escalated'", Integer.class)).isEqualTo(1);
    }

    @Test
    void supportRefundsFromTheTask() {
        HandProducts.product(shop, "TOPUP-4", "30.00");
        Shop.PlacedOrder order = HandProducts.order(shop, "TOPUP-4", "gus@example.com", "77777");
        Shop.pay(shop, order, "T-HAND-4");
        ProcessInstance instance = instanceFor(order.orderNo());

        complete(instance, Map.of("handAction", "refund", "handNote", "account does not exist"));
        runUntilOnlyTasksWait(order.orderNo());

        assertThat(instance).isEnded().hasPassed("RefundPayment", "OrderRefunded").hasNotPassed("MailHandDelivery");
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM hand_delivery", Integer.class)).isZero();
        assertThat(shop.getOrder(order.orderNo(), order.accessToken()).json().has("delivery")).isFalse();
    }

    @Test
    void invariantCatchesAHandFulfilledPaidOrderWithoutInstanceOrDelivery() throws Exception {
        HandProducts.product(shop, "TOPUP-5", "30.00");
        Shop.PlacedOrder order = HandProducts.order(shop, "TOPUP-5", "hal@example.com", "88888");
        Shop.pay(shop, order, "T-HAND-5");
        ProcessInstance instance = instanceFor(order.orderNo());
        assertInvariants();

        engine.getRuntimeService().deleteProcessInstance(instance.getId(), "test: lost instance");
        assertThat(invariants.check()).extracting(v -> v.invariant())
                .contains("a hand-fulfilled paid order has neither a running instance nor a delivery");
        // a delivery makes the order whole again, and the check passes
        jdbc.update("UPDATE customer_order SET status = 'DELIVERED' WHERE order_no = ?", order.orderNo());
        jdbc.update("""
                INSERT INTO hand_delivery (order_id, secret_ciphertext, secret_key_id, delivered_by)
                SELECT id, ?, 't1', 'test' FROM customer_order WHERE order_no = ?""", new byte[] {1, 2, 3}, order.orderNo());
        assertThat(invariants.check()).isEmpty();
    }

}
