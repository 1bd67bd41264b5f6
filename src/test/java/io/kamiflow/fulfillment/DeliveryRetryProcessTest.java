package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;

import java.util.Map;

import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.TestMail;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Send keys failing: timed retries for transient failures, then a person; permanent failures skip the retries. */
class DeliveryRetryProcessTest extends ProcessTest {

    private Shop.PlacedOrder order;
    private ProcessInstance instance;

    @BeforeEach
    void claimedOrder() {
        Shop.productWithKeys(shop, "MAIL", "4.00", 2);
        order = paidOrder("MAIL", 1, "reader@example.com");
        instance = instanceFor(order.orderNo()); // verified and claimed in the callback
        assertThat(instance).isWaitingAt("SendKeys");
    }

    @Test
    void transientFailuresWaitOnTheTimerAndRecoverWithoutDuplicates() {
        TestMail.stop();
        executeJob(instance);
        assertThat(instance).isWaitingAt("WaitBeforeRetry").variables()
                .containsEntry("deliveryRetries", 1).containsEntry("deliveryAttempts", 1)
                .doesNotContainKey("deliveryOutcome"); // transient: it only picked the path
        assertThat(orderStatus(order.orderNo())).isEqualTo("PAID");
        executeJob(instance); // the timer
        executeJob(instance); // Send keys again: still down
        assertThat(instance).isWaitingAt("WaitBeforeRetry").variables().containsEntry("deliveryRetries", 2);

        TestMail.start();
        executeJob(instance);
        executeJob(instance);
        assertThat(instance).isEnded().hasPassed("OrderDelivered").hasNotPassed("ManualDelivery");
        assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");
        assertThat(mailsTo("reader@example.com")).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT outcome FROM delivery_attempt ORDER BY attempt_no", String.class))
                .containsExactly("FAILED_TRANSIENT", "FAILED_TRANSIENT", "SENT");
        // a transient failure may have reached the buyer anyway: its retries are the same message
        assertThat(jdbc.queryForList("SELECT DISTINCT message_id FROM delivery_attempt", String.class))
                .containsExactly("<" + order.orderNo() + ".1@kamiflow>");
    }

    @Test
    void afterTheLastRetrySupportGetsTheManualDeliveryTaskAndCanResend() {
        TestMail.stop();
        executeJob(instance); // attempt 1
        for (int retry = 1; retry <= 3; retry++) { // the test schedule has three waits
            executeJob(instance); // timer
            executeJob(instance); // attempt
        }
        assertThat(instance).isWaitingAt("ManualDelivery").hasPassed("MarkManualDelivery");
        assertThat(orderStatus(order.orderNo())).isEqualTo("MANUAL");
        assertThat(task(instance)).hasCandidateGroup("kamiflow-support");
        assertThat(formRef(instance)).isEqualTo("manual-delivery");
        assertThat(task(instance).getName()).isEqualTo("Manual delivery for order " + order.orderNo());
        assertThat(instance).variables().containsEntry("deliveryAttempts", 4)
                .containsEntry("buyerEmailMasked", "r***@example.com")
                .hasEntrySatisfying("lastDeliveryError", error -> assertThat(error.toString()).contains("Connection refused"));

        TestMail.start();
        complete(instance, Map.of("manualAction", "resend"));
        executeJob(instance); // after the task: Prepare resend
        executeJob(instance); // Send keys
        assertThat(instance).isEnded().hasPassed("PrepareResend", "OrderDelivered");
        assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");
        assertThat(mailsTo("reader@example.com")).isEqualTo(1);
    }

    @Test
    void aRejectedAddressSkipsTheRetriesAndSupportResendsToACorrectedOne() {
        jdbc.update("UPDATE customer_order SET buyer_email = 'not an address@@example' WHERE order_no = ?", order.orderNo());
        executeJob(instance);
        assertThat(instance).isWaitingAt("ManualDelivery").hasNotPassed("WaitBeforeRetry");
        assertThat(jdbc.queryForObject("SELECT outcome FROM delivery_attempt", String.class)).isEqualTo("FAILED_PERMANENT");

        assertThatThrownBy(() -> complete(instance, Map.of("manualAction", "resend", "correctedEmail", "still wrong")))
                .hasMessageContaining("correctedEmail");
        complete(instance, Map.of("manualAction", "resend", "correctedEmail", "fixed@example.com"));
        executeJobs(instance, 2);
        assertThat(instance).isEnded().hasPassed("OrderDelivered");
        assertThat(mailsTo("fixed@example.com")).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT buyer_email FROM customer_order WHERE order_no = ?", String.class,
                order.orderNo())).isEqualTo("fixed@example.com");
    }

    @Test
    void supportRecordsADeliveryByHandOnlyWithANote() {
        jdbc.update("UPDATE customer_order SET buyer_email = 'bad@@example' WHERE order_no = ?", order.orderNo());
        executeJob(instance);
        assertThatThrownBy(() -> complete(instance, Map.of("manualAction", "deliveredByHand")))
                .hasMessageContaining("manualNote");
        complete(instance, Map.of("manualAction", "deliveredByHand", "manualNote", "read the key to the buyer on the phone"));
        executeJob(instance);
        assertThat(instance).isEnded().hasPassed("RecordManualDelivery", "DeliveredByHand");
        assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");
        assertThat(jdbc.queryForObject("SELECT detail FROM audit_event WHERE action = 'order.delivered-by-hand'", String.class))
                .isEqualTo("read the key to the buyer on the phone");
    }

    @Test
    void supportRefundsAnUndeliverableOrderAndItsUnsentKeyReturnsToStock() {
        jdbc.update("UPDATE customer_order SET buyer_email = 'bad@@example' WHERE order_no = ?", order.orderNo());
        executeJob(instance);
        complete(instance, Map.of("manualAction", "refund"));
        executeJobs(instance, 2);
        assertThat(instance).isEnded().hasPassed("RefundPayment", "OrderRefunded");
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
        assertThat(keysIn("AVAILABLE")).isEqualTo(2);
        assertThat(keysIn("SOLD")).isZero();
    }
}
