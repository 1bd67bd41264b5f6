package io.kamiflow.gateway.wechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.catalog.Money;
import io.kamiflow.payment.Payment;
import io.kamiflow.payment.PaymentChannels;
import io.kamiflow.payment.RefundResult;
import io.kamiflow.payment.GatewayRefunds;
import io.kamiflow.payment.RefundService;
import io.kamiflow.support.Concurrently;
import io.kamiflow.support.FakeGateway;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestGatewayKeys;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.externaltask.ExternalTask;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Refunds and order queries through wechatpay-java against a fake WeChat Pay API that checks signatures both ways. */
class WechatRefundAndQueryProcessTest extends ProcessTest {

    @Autowired
    GatewayRefunds gatewayRefunds;
    @Autowired
    PaymentChannels channels;

    private FakeWechatPay wechat;

    @BeforeEach
    void fakeWechatPay() {
        wechat = FakeWechatPay.install();
    }

    @AfterEach
    void resetFake() {
        FakeGateway.reset();
    }

    private Shop.PlacedOrder deliveredOrder(String transactionId) {
        Shop.productWithKeys(shop, "WXR", "12.50", 3);
        Shop.PlacedOrder order = shop.order("WXR", 2, "wx-refund@example.com", "wechat");
        WechatNotifications.Notification paid = WechatNotifications.paid(order.orderNo(), transactionId, 2500);
        assertThat(shop.send("POST", "/api/payments/wechat/notify", "application/json", paid.body(), paid.headers())
                .status()).isEqualTo(204);
        executeJob(instanceFor(order.orderNo()));
        assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");
        return order;
    }

    private static JsonNode body(FakeGateway.Request request) {
        return new ShopClient.Response(200, request.body(), "").json();
    }

    @Test
    void adminRefundGoesThroughWechatPayOnceAndVoidsTheKeys() {
        Shop.PlacedOrder order = deliveredOrder("4200000001202501021");

        ProcessInstance refund = requestRefund(order);
        executeJob(refund); // Refund payment
        assertThat(refund).isEnded().hasPassed("RefundPayment", "OrderRefunded");

        assertThat(FakeWechatPay.refundRequests()).singleElement().satisfies(request -> {
            JsonNode sent = body(request);
            assertThat(sent.get("transaction_id").asText()).isEqualTo("4200000001202501021");
            assertThat(sent.get("out_refund_no").asText()).isEqualTo("KF-REFUND-" + paymentId());
            assertThat(sent.get("amount").get("refund").asLong()).isEqualTo(2500);
            assertThat(sent.get("amount").get("total").asLong()).isEqualTo(2500);
            assertThat(sent.get("amount").get("currency").asText()).isEqualTo("CNY");
            assertThat(sent.get("reason").asText()).isEqualTo("buyer changed their mind");
        });
        Map<String, Object> payment = jdbc.queryForMap("SELECT * FROM payment");
        assertThat(payment.get("refunded_at")).isNotNull();
        assertThat((String) payment.get("refund_reference")).startsWith("50000000382019052709732678");
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
        assertThat(keysOf(order.orderNo(), "VOID")).isEqualTo(2);

        assertThat(gatewayRefunds.refund(paymentId(), "a-replayed-call", "replayed")).isEqualTo(RefundService.Progress.SUCCEEDED);
        assertThat(FakeWechatPay.refundRequests()).hasSize(1);
    }

    @Test
    void aRetriedRefundGetsTheRefundWechatAlreadyHas() {
        Shop.PlacedOrder order = deliveredOrder("4200000001202501022");
        // an earlier call reached WeChat Pay, then its node died before recording the answer
        String first = channels.byId("wechat").orElseThrow().refund(new Payment(paymentId(), "wechat", "4200000001202501022",
                order.orderNo(), new Money(2500, "CNY")), "KF-REFUND-" + paymentId(), "first try").reference();

        executeJob(requestRefund(order));

        assertThat(FakeWechatPay.refundRequests()).hasSize(2).allSatisfy(request ->
                assertThat(body(request).get("out_refund_no").asText()).isEqualTo("KF-REFUND-" + paymentId()));
        assertThat(jdbc.queryForObject("SELECT refund_reference FROM payment", String.class)).isEqualTo(first);
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
    }

    @Test
    void aRefusedRefundLeavesThePaymentUnrefundedAndTheJobRetrying() {
        Shop.PlacedOrder order = deliveredOrder("4200000001202501023");
        wechat.refuseRefunds("NOT_ENOUGH");

        ProcessInstance refund = requestRefund(order);
        assertThatThrownBy(() -> executeJob(refund)).hasMessageContaining("wechat refused the refund")
                .hasMessageNotContaining(TestGatewayKeys.WECHAT_API_V3_KEY);

        assertThat(jdbc.queryForMap("SELECT refunded_at, refund_status FROM payment"))
                .containsEntry("refunded_at", null).containsEntry("refund_status", "REQUESTED");
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED"); // decided: the keys were settled then
        assertThat(keysOf(order.orderNo(), "VOID")).isEqualTo(2);
        ExternalTask call = remoteCalls(refund, "RefundThroughGateway").get(0); // in the called payment-refund
        assertThat(call.getRetries()).isEqualTo(4);
        assertThat(call.getErrorMessage()).contains("NOT_ENOUGH");

        wechat.acceptRefunds();
        executeJob(refund);
        assertThat(refund).isEnded().hasPassed("OrderRefunded");
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
    }

    @Test
    void aRefundRefusedOnEveryRetryEndsInAnIncidentNotInARefund() {
        Shop.PlacedOrder order = deliveredOrder("4200000001202501026");
        wechat.refuseRefunds("NOT_ENOUGH");

        ProcessInstance refund = requestRefund(order);
        for (int attempt = 1; attempt <= 5; attempt++) { // R5
            assertThatThrownBy(() -> executeJob(refund)).hasMessageContaining("NOT_ENOUGH");
        }

        ExternalTask call = remoteCalls(refund, "RefundThroughGateway").get(0); // in the called payment-refund
        assertThat(call.getRetries()).isZero();
        assertThat(engine.getRuntimeService().createIncidentQuery().processInstanceId(refund.getId()).count()).isEqualTo(1);
        assertThat(refund).isWaitingAt("RefundPayment");
        assertThat(FakeWechatPay.refundRequests()).hasSize(5).allSatisfy(request ->
                assertThat(body(request).get("out_refund_no").asText()).isEqualTo("KF-REFUND-" + paymentId()));
        assertThat(jdbc.queryForObject("SELECT refunded_at FROM payment", Object.class)).isNull();
        assertThat(jdbc.queryForObject("SELECT refund_status FROM payment", String.class)).isEqualTo("REQUESTED");
    }

    @Test
    void aRefundStillProcessingIsFollowedUpUntilWechatReportsSuccess() {
        wechat.answerRefundsWith("PROCESSING");
        Shop.PlacedOrder order = deliveredOrder("4200000001202501031");

        ProcessInstance refund = requestRefund(order);
        executeJob(refund); // Refund payment: WeChat accepted it, settles later
        assertThat(jdbc.queryForMap("SELECT refunded_at, refund_status FROM payment"))
                .containsEntry("refunded_at", null).containsEntry("refund_status", "PROCESSING");
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED"); // decided: the keys are settled now
        assertThat(keysOf(order.orderNo(), "VOID")).isEqualTo(2);
        ProcessInstance followUp = calledInstance(refund);
        assertThat(followUp).isWaitingAt("WaitForRefundResult");

        executeJobAt(refund, "WaitForRefundResult");
        executeJobAt(refund, "CheckRefundResult"); // still PROCESSING: wait again
        assertThat(followUp).isWaitingAt("WaitForRefundResult");
        assertThat(jdbc.queryForObject("SELECT refunded_at FROM payment", Object.class)).isNull();

        wechat.settleRefund("KF-REFUND-" + paymentId(), "SUCCESS");
        executeJobAt(refund, "WaitForRefundResult");
        executeJobAt(refund, "CheckRefundResult");

        assertThat(refund).isEnded().hasPassed("RefundPayment", "OrderRefunded");
        assertThat(followUp).isEnded().hasPassed("CheckRefundResult", "PaymentRefunded").hasNotPassed("ReturnMoneyByHand");
        Map<String, Object> payment = jdbc.queryForMap("SELECT * FROM payment");
        assertThat(payment.get("refunded_at")).isNotNull();
        assertThat(payment).containsEntry("refund_status", "SUCCEEDED");
        assertThat((String) payment.get("refund_reference")).startsWith("50000000382019052709732678");
        assertThat(FakeWechatPay.refundRequests()).hasSize(1);
        assertThat(FakeWechatPay.refundQueries()).hasSize(2).allSatisfy(query ->
                assertThat(query.path()).endsWith("/KF-REFUND-" + paymentId()));
        assertThat(engine.getTaskService().createTaskQuery().count()).isZero();
    }

    @Test
    void aRefundWechatReportsAbnormalBecomesATaskToReturnTheMoneyByHand() {
        wechat.answerRefundsWith("PROCESSING");
        Shop.PlacedOrder order = deliveredOrder("4200000001202501032");
        ProcessInstance refund = requestRefund(order);
        executeJob(refund); // Refund payment
        wechat.settleRefund("KF-REFUND-" + paymentId(), "ABNORMAL");

        executeJobAt(refund, "WaitForRefundResult");
        executeJobAt(refund, "CheckRefundResult");

        assertThat(refund).isWaitingAt("RefundPayment");
        assertThat(openTask(refund).getName()).isEqualTo("Return the money by hand for order " + order.orderNo());
        assertThat(engine.getTaskService().getVariables(openTask(refund).getId()))
                .containsEntry("refundChannel", "wechat").containsEntry("gatewayTradeNo", "4200000001202501032")
                .containsEntry("refundAmount", "25.00").containsEntry("refundCurrency", "CNY")
                .hasEntrySatisfying("refundWhy", why -> assertThat((String) why).contains("ABNORMAL"));
        assertThat(jdbc.queryForMap("SELECT refunded_at, refund_status FROM payment"))
                .containsEntry("refunded_at", null).containsEntry("refund_status", "MANUAL_PENDING");

        complete(refund, Map.of("manualRefundReference", "WX-BANK-TRANSFER-77"));
        executeJob(refund); // after the task: Record refund returned by hand
        assertThat(refund).isEnded().hasPassed("OrderRefunded");
        assertThat(jdbc.queryForMap("SELECT refund_status, refund_reference FROM payment"))
                .containsEntry("refund_status", "MANUAL_DONE").containsEntry("refund_reference", "WX-BANK-TRANSFER-77");
        assertThat(FakeWechatPay.refundRequests()).hasSize(1);
    }

    @Test
    void aRefundWithoutAFinalAnswerInTimeIsHandedToSupport() {
        wechat.answerRefundsWith("PROCESSING");
        Shop.PlacedOrder order = deliveredOrder("4200000001202501033");
        ProcessInstance refund = requestRefund(order);
        executeJob(refund); // Refund payment
        assertThat(jobAt(refund, "RefundResultOverdue").getDuedate())
                .isAfter(Date.from(Instant.now().plus(Duration.ofMinutes(59)))); // PT1H in the tests, P1D by default

        executeJobAt(refund, "RefundResultOverdue");

        assertThat(openTask(refund).getName()).isEqualTo("Return the money by hand for order " + order.orderNo());
        assertThat(engine.getTaskService().getVariables(openTask(refund).getId()))
                .hasEntrySatisfying("refundWhy", why -> assertThat((String) why).contains("no final answer"));
        assertThat(jdbc.queryForObject("SELECT refund_status FROM payment", String.class)).isEqualTo("MANUAL_PENDING");
        assertThat(FakeWechatPay.refundQueries()).isEmpty();
    }

    @Test
    void replayedAndConcurrentRefundStepsAskWechatOnceAndRecordTheRefundOnce() throws Exception {
        wechat.answerRefundsWith("PROCESSING");
        Shop.PlacedOrder order = deliveredOrder("4200000001202501034");
        ProcessInstance refund = requestRefund(order);
        executeJob(refund); // Refund payment

        // Refund payment run again (a call repeated after its answer was recorded): WeChat is not asked a second time
        RefundService.Progress replayed = gatewayRefunds.refund(paymentId(), "a-replayed-call", "replayed");
        assertThat(replayed).isEqualTo(RefundService.Progress.PROCESSING);
        assertThat(FakeWechatPay.refundRequests()).hasSize(1);

        // Check refund result four times at once (a call repeated on another node after its lock passed): each may
        // ask WeChat (a query, holding no lock while it waits), one records the refund
        wechat.settleRefund("KF-REFUND-" + paymentId(), "SUCCESS");
        List<RefundResult> results = Concurrently.run(4, Collections.nCopies(4, () -> gatewayRefunds.checkRefund(paymentId())));
        assertThat(results).extracting(RefundResult::state).containsOnly(RefundResult.State.SUCCEEDED);
        Object refundedAt = jdbc.queryForObject("SELECT refunded_at FROM payment", Object.class);
        assertThat(refundedAt).isNotNull();

        executeJobAt(refund, "WaitForRefundResult"); // the process's own check comes later and finds it done
        executeJobAt(refund, "CheckRefundResult");
        assertThat(refund).isEnded().hasPassed("OrderRefunded");
        assertThat(jdbc.queryForObject("SELECT refunded_at FROM payment", Object.class)).isEqualTo(refundedAt);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'payment.refund'", Integer.class))
                .isEqualTo(1);
        assertThat(FakeWechatPay.refundRequests()).hasSize(1);
        assertThat(FakeWechatPay.refundQueries()).hasSizeBetween(1, 4); // the process's own check asked nothing
    }

    @Test
    void compensationFindsAWechatPaymentWhoseNotificationWasLost() {
        Shop.productWithKeys(shop, "WXR", "12.50", 2);
        Shop.PlacedOrder order = shop.order("WXR", 1, "wx-lost@example.com", "wechat");
        wechat.transaction(order.orderNo(), "4200000001202501024", 1250, "SUCCESS");

        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(3))));
        runPeriodicProcess("payment-compensation");
        ClockUtil.reset();

        Map<String, Object> payment = jdbc.queryForMap("SELECT * FROM payment");
        assertThat(payment).containsEntry("channel", "wechat").containsEntry("trade_no", "4200000001202501024")
                .containsEntry("amount_minor", 1250L).containsEntry("raw_status", "SUCCESS");
        ProcessInstance instance = instanceFor(order.orderNo());
        executeJob(instance);
        assertThat(instance).isEnded().hasPassed("OrderDelivered");
        assertThat(mailsTo("wx-lost@example.com")).isEqualTo(1);

        // the notification arrives late: the same transaction, the same payment
        WechatNotifications.Notification paid = WechatNotifications.paid(order.orderNo(), "4200000001202501024", 1250);
        assertThat(shop.send("POST", "/api/payments/wechat/notify", "application/json", paid.body(), paid.headers())
                .status()).isEqualTo(204);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(1);
    }

    @Test
    void compensationLeavesAnOrderWechatReportsNotPaid() {
        Shop.productWithKeys(shop, "WXR", "12.50", 2);
        Shop.PlacedOrder order = shop.order("WXR", 1, "wx-unpaid@example.com", "wechat");
        wechat.transaction(order.orderNo(), "4200000001202501025", 1250, "NOTPAY");

        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(3))));
        runPeriodicProcess("payment-compensation");
        ClockUtil.reset();

        assertThat(FakeGateway.requests()).anyMatch(r -> r.path().equals(FakeWechatPay.BY_OUT_TRADE_NO + order.orderNo()));
        assertUntouched(order.orderNo());
    }

    @Test
    void anExpiredOrderIsClosedAtWechatPayAndAPaidOneIsLeftToItsNotification() {
        Shop.productWithKeys(shop, "WXR", "12.50", 2);
        Shop.PlacedOrder idle = shop.order("WXR", 1, "wx-idle@example.com", "wechat");
        Shop.PlacedOrder paid = shop.order("WXR", 1, "wx-paid@example.com", "wechat");
        wechat.transaction(idle.orderNo(), "4200000001202501026", 1250, "NOTPAY");
        wechat.transaction(paid.orderNo(), "4200000001202501027", 1250, "SUCCESS");
        wechat.closable(idle.orderNo());
        wechat.closable(paid.orderNo());

        expireUnpaidOrders();

        assertThat(FakeWechatPay.closeRequests()).hasSize(2).allSatisfy(request -> assertThat(
                new io.kamiflow.support.ShopClient.Response(200, request.body(), "").json().get("mchid").asText())
                .isEqualTo(io.kamiflow.support.TestGatewayKeys.WECHAT_MCH_ID));
        assertThat(tradeClose(idle.orderNo())).isEqualTo("CLOSED");
        assertThat(tradeClose(paid.orderNo())).isEqualTo("PAID");
        assertThat(orderStatus(paid.orderNo())).isEqualTo("EXPIRED"); // until its notification or compensation
    }
}
