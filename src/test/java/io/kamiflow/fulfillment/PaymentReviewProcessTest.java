package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;

import java.util.List;
import java.util.Map;

import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;

/** Payments that do not simply pay their order go to a person, and are never delivered on their own. */
class PaymentReviewProcessTest extends ProcessTest {

    @Test
    void supportAcceptsAShortPaymentAndTheKeysAreDelivered() {
        Shop.productWithKeys(shop, "REV", "30.00", 2);
        Shop.PlacedOrder order = Shop.order(shop, "REV", 1, "short@example.com");
        shop.sandboxNotify(ShopClient.signedNotice(order.orderNo(), "T-short", "29.00", "CNY"));
        ProcessInstance instance = instanceFor(order.orderNo());
        assertThat(instance).isWaitingAt("ReviewPayment").variables().containsEntry("discrepancy", "AMOUNT_MISMATCH");
        assertThat(formRef(instance)).isEqualTo("review-payment");
        assertThat(engine.getTaskService().getVariable(openTask(instance).getId(), "reviewCanAccept")).isEqualTo(true);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> complete(instance, Map.of("reviewDecisionRefundOnly", "refund")))
                .as("the refund-only decision is offered only where accepting cannot succeed").hasMessageContaining("not offered");

        complete(instance, Map.of("reviewDecision", "accept", "reviewNote", "buyer paid the rest by bank transfer"));
        executeJobs(instance, 2);
        assertThat(instance).isEnded().hasPassedInOrder("ReviewPayment", "AcceptPayment", "ClaimKeys", "SendKeys", "OrderDelivered");
        assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");
        assertThat(mailsTo("short@example.com")).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT detail FROM audit_event WHERE action = 'task.complete'", String.class))
                .as("the note is kept in the audit log, not in the history")
                .isEqualTo("ReviewPayment: reviewDecision=accept: buyer paid the rest by bank transfer");
        assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(instance.getId())
                .variableName("reviewNote").count()).isZero();
    }

    @Test
    void supportRefundsAPaymentInTheWrongCurrency() {
        Shop.productWithKeys(shop, "REV", "30.00", 2);
        Shop.PlacedOrder order = Shop.order(shop, "REV", 1, "usd@example.com");
        shop.sandboxNotify(ShopClient.signedNotice(order.orderNo(), "T-usd", "30.00", "USD"));
        ProcessInstance instance = instanceFor(order.orderNo());
        assertThat(instance).variables().containsEntry("discrepancy", "CURRENCY_MISMATCH");
        complete(instance, Map.of("reviewDecision", "refund"));
        executeJobs(instance, 2);
        assertThat(instance).isEnded().hasPassed("RefundPayment", "OrderRefunded");
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
        assertThat(keysIn("AVAILABLE")).isEqualTo(2); // the checkout's reservation went back too
        assertThat(mailsTo("usd@example.com")).isZero();
    }

    @Test
    void aPaymentForAnExpiredOrderIsReviewedNotDropped() {
        Shop.productWithKeys(shop, "REV", "30.00", 2);
        Shop.PlacedOrder order = Shop.order(shop, "REV", 1, "slow@example.com");
        ClockUtil.setCurrentTime(java.util.Date.from(java.time.Instant.now().plus(java.time.Duration.ofMinutes(16))));
        runPeriodicProcess("order-expiry");
        ClockUtil.reset();
        assertThat(orderStatus(order.orderNo())).isEqualTo("EXPIRED");
        assertThat(keysIn("AVAILABLE")).isEqualTo(2);

        assertThat(Shop.pay(shop, order, "T-late").body()).isEqualTo("success");
        ProcessInstance instance = instanceFor(order.orderNo());
        assertThat(instance).isWaitingAt("ReviewPayment").variables().containsEntry("discrepancy", "ORDER_NOT_PAYABLE");
        complete(instance, Map.of("reviewDecision", "accept"));
        executeJobs(instance, 2);
        assertThat(instance).isEnded().hasPassed("OrderDelivered");
        assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");
    }

    @Test
    void aSecondPaymentForAPaidOrderCannotBeAcceptedAndIsRefundedAlone() {
        Shop.productWithKeys(shop, "REV", "30.00", 3);
        Shop.PlacedOrder order = paidOrder("REV", 1, "twice@example.com");
        executeJob(instanceFor(order.orderNo()));
        assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");

        assertThat(Shop.pay(shop, order, "T-again").body()).isEqualTo("success");
        ProcessInstance second = instanceFor(order.orderNo());
        assertThat(second).isWaitingAt("ReviewPayment").variables().containsEntry("discrepancy", "ALREADY_PAID");

        // the form says in words that accepting cannot succeed, and the form check refuses it whatever client sends it
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> complete(second, Map.of("reviewDecision", "accept")))
                .hasMessageContaining("accepting cannot succeed");
        assertThat(second).isWaitingAt("ReviewPayment").hasNotPassed("AcceptPayment");

        assertThat(engine.getTaskService().getVariable(openTask(second).getId(), "reviewCanAccept")).isEqualTo(false);
        // what Tasklist submits here: the form's refund-only radio, folded into the decision the diagram reads
        complete(second, Map.of("reviewDecisionRefundOnly", "refund"));
        assertThat(second).variables().containsEntry("reviewDecision", "refund")
                .doesNotContainKey("reviewDecisionRefundOnly");
        executeJobs(second, 2);
        assertThat(second).isEnded().hasPassed("OrderRefunded");
        assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED"); // the first payment still pays it
        List<String> refunded = jdbc.queryForList("SELECT trade_no FROM payment WHERE refunded_at IS NOT NULL", String.class);
        assertThat(refunded).containsExactly("T-again");
        assertThat(keysOf(order.orderNo(), "SOLD")).isEqualTo(1);
        assertThat(mailsTo("twice@example.com")).isEqualTo(1);
    }
}
