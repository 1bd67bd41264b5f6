package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;

import java.util.Map;

import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.TestMail;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Out of stock after payment: park, alert once, resume on restock, or let support decide after the deadline. */
class RestockProcessTest extends ProcessTest {

    private Shop.PlacedOrder parked;
    private ProcessInstance instance;

    @BeforeEach
    void parkAnOrder() {
        takeKeysOnPayment();
        Shop.productWithKeys(shop, "PARK", "6.00", 1);
        Shop.PlacedOrder first = Shop.order(shop, "PARK", 1, "early@example.com");
        parked = Shop.order(shop, "PARK", 1, "late@example.com"); // on-payment: both may order the last key
        Shop.pay(shop, first, "T-first");
        executeJob(instanceFor(first.orderNo()));
        Shop.pay(shop, parked, "T-parked");
        instance = instanceFor(parked.orderNo());
        assertThat(instance).isWaitingAt("WaitForStock").hasPassed("OutOfStock", "MarkAwaitingStock");
        assertThat(orderStatus(parked.orderNo())).isEqualTo("AWAITING_STOCK");
    }

    @Test
    void stockArrivingRightAfterParkingWakesTheOrderBeforeTheAdminIsEvenAlerted() {
        assertThat(shop.importKeys("PARK", "EARLY-RESTOCK-1\n").json().get("imported").asInt()).isEqualTo(1);
        awaitStockReplenished(instance);
        executeJobs(instance, 2); // Claim keys, Send keys
        assertThat(instance).isEnded().hasPassed("OrderDelivered");
        runAdminAlerts();
        assertThat(mailsTo("admin@kamiflow.local")).isEqualTo(1);
    }

    @Test
    void aMailServerDownForTheAdminAlertNeverBlocksTheOrder() {
        TestMail.stop();
        org.assertj.core.api.Assertions.assertThatThrownBy(this::runAdminAlerts).hasMessageContaining("Mail");
        assertThat(instance).isWaitingAt("WaitForStock");
        TestMail.start();
        shop.importKeys("PARK", "RESTOCK-KEY-3\n");
        awaitStockReplenished(instance);
        executeJobs(instance, 2); // Claim keys (after Stock replenished), Send keys
        assertThat(instance).isEnded().hasPassed("OrderDelivered");
        assertThat(mailsTo("late@example.com")).isEqualTo(1);
        assertThat(engine.getRuntimeService().createIncidentQuery().processInstanceId(instance.getId()).count()).isZero();
        assertThat(engine.getExternalTaskService().createExternalTaskQuery().processDefinitionKey("admin-alert").singleResult()
                .getErrorMessage()).as("the alert keeps its own failed call, retried later").isNotBlank();
    }

    @Test
    void parkedOrderAlertsTheAdminOnceAndResumesWhenKeysArrive() {
        runAdminAlerts();
        assertThat(mailsTo("admin@kamiflow.local")).isEqualTo(1);

        assertThat(shop.importKeys("PARK", "RESTOCK-KEY-1\n").json().get("imported").asInt()).isEqualTo(1);
        awaitStockReplenished(instance); // asyncAfter: the restock only correlated
        assertThat(orderStatus(parked.orderNo())).isEqualTo("PAID");
        executeJob(instance); // Claim keys
        executeJob(instance); // Send keys
        assertThat(instance).isEnded().hasPassedInOrder("OutOfStock", "MarkAwaitingStock",
                "WaitForStock", "StockReplenished", "ClaimKeys", "SendKeys", "OrderDelivered");
        assertThat(orderStatus(parked.orderNo())).isEqualTo("DELIVERED");
        assertThat(mailsTo("late@example.com")).isEqualTo(1);
        assertThat(mailsTo("admin@kamiflow.local")).isEqualTo(1);
    }

    @Test
    void afterTheRestockDeadlineSupportRefunds() {
        executeJob(instance); // the restock deadline timer
        assertThat(instance).isWaitingAt("RestockOrRefund");
        assertThat(task(instance)).hasCandidateGroup("kamiflow-support");
        assertThat(formRef(instance)).isEqualTo("restock-or-refund");
        assertThat(task(instance).getName()).isEqualTo("Restock or refund for order " + parked.orderNo());

        complete(instance, Map.of("restockDecision", "refund"));
        executeJob(instance); // continue after the task
        executeJob(instance); // Refund payment
        assertThat(instance).isEnded().hasPassed("RefundPayment", "OrderRefunded");
        assertThat(orderStatus(parked.orderNo())).isEqualTo("REFUNDED");
        assertThat(jdbc.queryForObject("SELECT refund_reference FROM payment WHERE order_no = ?", String.class,
                parked.orderNo())).startsWith("SBR-");
        assertThat(jdbc.queryForObject("SELECT status FROM sandbox_trade WHERE order_no = ?", String.class,
                parked.orderNo())).isEqualTo("REFUNDED");
    }

    @Test
    void afterTheRestockDeadlineSupportKeepsWaitingAndTheOrderTriesAgain() {
        executeJob(instance);
        shop.importKeys("PARK", "RESTOCK-KEY-2\n"); // stock came in while the task was open: nobody was waiting
        complete(instance, Map.of("restockDecision", "wait"));
        executeJob(instance); // continue after the task -> Claim keys succeeds now
        executeJob(instance); // Send keys
        assertThat(instance).isEnded().hasPassed("RestockOrRefund", "ClaimKeys", "OrderDelivered");
        assertThat(orderStatus(parked.orderNo())).isEqualTo("DELIVERED");
    }

    @Test
    void aChoiceOutsideTheFormIsRefused() {
        executeJob(instance);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> complete(instance, Map.of("restockDecision", "maybe")))
                .hasMessageContaining("restockDecision must be one of");
        assertThat(instance).isWaitingAt("RestockOrRefund");
    }
}
