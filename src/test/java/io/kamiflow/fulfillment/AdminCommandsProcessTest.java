package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;

/** Admin resend and refund reach the order only through its process, by message. */
class AdminCommandsProcessTest extends ProcessTest {

    @Test
    void refundOfADeliveredOrderVoidsItsKeysAndALateDuplicateCallbackChangesNothing() {
        Shop.productWithKeys(shop, "ADM", "10.00", 3);
        Shop.PlacedOrder order = paidOrder("ADM", 2, "refund@example.com");
        executeJob(instanceFor(order.orderNo()));

        ProcessInstance refund = requestRefund(order);
        assertThat(refund).hasPassed("RefundAfterDelivery");
        executeJob(refund); // Refund payment
        assertThat(refund).isEnded().hasPassed("RefundPayment", "OrderRefunded");
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
        assertThat(keysOf(order.orderNo(), "VOID")).isEqualTo(2);
        assertThat(keysIn("AVAILABLE")).isEqualTo(1);

        assertThat(Shop.pay(shop, order, "T-" + order.orderNo()).body()).isEqualTo("success"); // the same trade again
        assertThat(engine.getRuntimeService().createProcessInstanceQuery().processInstanceBusinessKey(order.orderNo()).count())
                .isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(1);
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
        assertThat(shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/refund", null, null).status()).isEqualTo(409);
    }

    @Test
    void refundWhileKeysAreClaimedButNotSentReturnsThemToStock() {
        Shop.productWithKeys(shop, "ADM", "10.00", 2);
        Shop.PlacedOrder order = paidOrder("ADM", 2, "early-refund@example.com");
        ProcessInstance instance = instanceFor(order.orderNo());
        assertThat(instance).isWaitingAt("SendKeys");
        assertThat(keysOf(order.orderNo(), "SOLD")).isEqualTo(2);

        assertThat(shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/refund", null, null).status()).isEqualTo(202);
        assertThat(instance).isWaitingAt("RefundRequestedPayment");
        executeJob(instance);
        assertThat(instance).isEnded().hasPassed("RefundRequested", "RefundedOnRequest"); // Send keys interrupted
        assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery_attempt", Long.class)).as("no attempt made").isZero();
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
        assertThat(keysIn("AVAILABLE")).isEqualTo(2);
        assertThat(mailsTo("early-refund@example.com")).isZero();
    }

    @Test
    void resendOfADeliveredOrderMailsTheSameKeysAgainThroughANewInstance() {
        Shop.productWithKeys(shop, "ADM", "10.00", 2);
        Shop.PlacedOrder order = paidOrder("ADM", 1, "again@example.com");
        executeJob(instanceFor(order.orderNo()));

        assertThat(shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/resend", null, null).status()).isEqualTo(202);
        ProcessInstance resend = instanceFor(order.orderNo());
        executeJob(resend); // after the message start
        executeJob(resend); // Send keys
        assertThat(resend).isEnded().hasPassedInOrder("ResendAfterDelivery", "SendKeys", "OrderDelivered");
        assertThat(mailsTo("again@example.com")).isEqualTo(2);
        assertThat(keysIn("SOLD")).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT message_id FROM delivery_attempt ORDER BY attempt_no", String.class))
                .containsExactly("<" + order.orderNo() + ".1@kamiflow>", "<" + order.orderNo() + ".2@kamiflow>");
    }

    @Test
    void resendIsRefusedBeforeTheOrderIsDelivered() {
        Shop.productWithKeys(shop, "ADM", "10.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "ADM", 1, "wait@example.com");
        var reply = shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/resend", null, null);
        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText()).contains("PENDING_PAYMENT");
        assertThat(shop.admin("POST", "/api/admin/orders/NOPE/resend", null, null).status()).isEqualTo(404);
    }

    @Test
    void keysReturnedByARefundWakeAnOrderParkedForThem() {
        takeKeysOnPayment();
        Shop.productWithKeys(shop, "ADM", "10.00", 1);
        Shop.PlacedOrder first = Shop.order(shop, "ADM", 1, "first@example.com");
        Shop.PlacedOrder second = Shop.order(shop, "ADM", 1, "second@example.com");
        Shop.pay(shop, first, "T-first");
        ProcessInstance firstInstance = instanceFor(first.orderNo());
        Shop.pay(shop, second, "T-second");
        ProcessInstance secondInstance = instanceFor(second.orderNo());
        assertThat(secondInstance).isWaitingAt("WaitForStock");

        shop.admin("POST", "/api/admin/orders/" + first.orderNo() + "/refund", null, null);
        executeJob(firstInstance); // Refund payment on request: the unsent key goes back to stock
        assertThat(orderStatus(first.orderNo())).isEqualTo("REFUNDED");

        awaitStockReplenished(secondInstance); // on the restock's own thread, after the refund's commit
        executeJobs(secondInstance, 2);
        assertThat(secondInstance).isEnded().hasPassed("OrderDelivered");
        assertThat(keysOf(second.orderNo(), "SOLD")).isEqualTo(1);
        assertThat(mailsTo("second@example.com")).isEqualTo(1);
        assertThat(mailsTo("first@example.com")).isZero();
    }

    @Test
    void refundOfADeliveredOrderWithADuplicatePaymentInReviewReturnsBothPayments() {
        Shop.productWithKeys(shop, "ADM", "10.00", 2);
        Shop.PlacedOrder order = paidOrder("ADM", 1, "both@example.com");
        executeJob(instanceFor(order.orderNo()));
        Shop.pay(shop, order, "T-duplicate");
        ProcessInstance review = instanceFor(order.orderNo());
        assertThat(review).isWaitingAt("ReviewPayment");

        assertThat(shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/resend", null, null).status())
                .isEqualTo(202); // a duplicate payment in review does not block a resend
        assertThat(shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/refund", null, null).status())
                .isEqualTo(202);
        for (ProcessInstance instance : engine.getRuntimeService().createProcessInstanceQuery()
                .processInstanceBusinessKey(order.orderNo()).list()) {
            while (engine.getRuntimeService().createProcessInstanceQuery().processInstanceId(instance.getId()).count() > 0) {
                executeJob(instance);
            }
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment WHERE refunded_at IS NOT NULL", Integer.class)).isEqualTo(2);
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
        assertThat(keysOf(order.orderNo(), "VOID")).isEqualTo(1);
    }
}
