package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.util.List;
import java.util.Map;

import io.kamiflow.payment.RefundService;
import io.kamiflow.support.Concurrently;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Refunds no gateway returns become the support task "Return the money by hand"; its completion records the refund. */
class RefundByHandProcessTest extends ProcessTest {

    @Autowired
    RefundService refunds;
    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void aPaymentOfAChannelNoLongerConfiguredIsReturnedByHand() {
        Shop.productWithKeys(shop, "RBH", "10.00", 2);
        Shop.PlacedOrder order = paidOrder("RBH", 1, "retired@example.com");
        executeJob(instanceFor(order.orderNo()));
        jdbc.update("UPDATE payment SET channel = 'retired-gateway'"); // the shop stopped using that gateway

        ProcessInstance refund = requestRefund(order);
        executeJob(refund); // Refund payment

        assertThat(refund).isWaitingAt("RefundPayment");
        assertThat(openTask(refund).getName()).isEqualTo("Return the money by hand for order " + order.orderNo());
        assertThat(engine.getTaskService().getVariables(openTask(refund).getId()))
                .containsEntry("refundChannel", "retired-gateway")
                .hasEntrySatisfying("refundWhy", why -> assertThat((String) why).contains("not configured"));
        assertThat(jdbc.queryForMap("SELECT refunded_at, refund_status FROM payment"))
                .containsEntry("refunded_at", null).containsEntry("refund_status", "MANUAL_PENDING");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM sandbox_trade WHERE status = 'REFUNDED'", Integer.class)).isZero();

        complete(refund, Map.of("manualRefundReference", "BANK-2025-0042"));
        executeJob(refund); // Record refund returned by hand
        assertThat(refund).isEnded().hasPassed("OrderRefunded");
        assertThat(jdbc.queryForMap("SELECT refund_status, refund_reference FROM payment"))
                .containsEntry("refund_status", "MANUAL_DONE").containsEntry("refund_reference", "BANK-2025-0042");
    }

    @Test
    void twoCompletionsOfTheSameRefundByHandRecordItOnce() throws Exception {
        Shop.productWithKeys(shop, "RBH", "10.00", 1);
        Shop.PlacedOrder order = paidOrder("RBH", 1, "twice@example.com");
        executeJob(instanceFor(order.orderNo()));
        jdbc.update("UPDATE payment SET channel = 'retired-gateway'");
        ProcessInstance refund = requestRefund(order);
        executeJob(refund); // Refund payment: handed to support
        TransactionTemplate tx = new TransactionTemplate(transactions);

        List<Boolean> recorded = Concurrently.run(2, List.of(
                () -> tx.execute(status -> refunds.recordReturnedByHand(paymentId(), "TRANSFER-A", null)),
                () -> tx.execute(status -> refunds.recordReturnedByHand(paymentId(), "TRANSFER-B", "second"))));

        assertThat(recorded).containsExactlyInAnyOrder(true, false);
        assertThat(jdbc.queryForList("SELECT detail FROM audit_event WHERE action = 'payment.refund'", String.class))
                .singleElement().satisfies(detail -> assertThat(detail).contains(
                        jdbc.queryForObject("SELECT refund_reference FROM payment", String.class)));
        assertThat(jdbc.queryForObject("SELECT refund_status FROM payment", String.class)).isEqualTo("MANUAL_DONE");

        complete(refund, Map.of("manualRefundReference", "TRANSFER-C")); // the task, completed late, changes nothing
        executeJob(refund);
        assertThat(refund).isEnded();
        assertThat(jdbc.queryForObject("SELECT refund_reference FROM payment", String.class)).isIn("TRANSFER-A", "TRANSFER-B");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'payment.refund'", Integer.class))
                .isEqualTo(1);
    }
}
