package io.kamiflow.gateway.alipay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.catalog.Money;
import io.kamiflow.payment.Payment;
import io.kamiflow.payment.PaymentChannels;
import io.kamiflow.payment.GatewayRefunds;
import io.kamiflow.payment.RefundService;
import io.kamiflow.support.FakeGateway;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.TestGatewayKeys;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.externaltask.ExternalTask;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** alipay.trade.refund and alipay.trade.query against a fake Alipay gateway that checks and makes RSA2 signatures. */
class AlipayRefundAndQueryProcessTest extends ProcessTest {

    private static final String NOTIFY = "/api/payments/alipay/notify";

    @Autowired
    GatewayRefunds gatewayRefunds;
    @Autowired
    PaymentChannels channels;

    private FakeAlipay alipay;

    @BeforeEach
    void fakeAlipay() {
        alipay = FakeAlipay.install();
    }

    @AfterEach
    void resetFake() {
        FakeGateway.reset();
    }

    private Shop.PlacedOrder deliveredOrder(String tradeNo) {
        Shop.productWithKeys(shop, "ALR", "12.50", 3);
        Shop.PlacedOrder order = shop.order("ALR", 2, "ali-refund@example.com", "alipay");
        assertThat(shop.postForm(NOTIFY, AlipayNotices.paid(order.orderNo(), tradeNo, "25.00")).body()).isEqualTo("success");
        executeJob(instanceFor(order.orderNo()));
        assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");
        return order;
    }

    @Test
    void adminRefundGoesThroughAlipayOnceAndVoidsTheKeys() {
        Shop.PlacedOrder order = deliveredOrder("2025010222001");

        ProcessInstance refund = requestRefund(order);
        executeJob(refund); // Refund payment
        assertThat(refund).isEnded().hasPassed("RefundPayment", "OrderRefunded");

        assertThat(FakeAlipay.calls("alipay.trade.refund")).singleElement().satisfies(call -> {
            assertThat(call).containsEntry("app_id", TestGatewayKeys.ALIPAY_APP_ID).containsEntry("sign_type", "RSA2")
                    .containsEntry("charset", "utf-8").containsEntry("format", "JSON").containsEntry("version", "1.0");
            JsonNode biz = FakeAlipay.bizContent(call);
            assertThat(biz.get("trade_no").asText()).isEqualTo("2025010222001");
            assertThat(biz.get("refund_amount").asText()).isEqualTo("25.00");
            assertThat(biz.get("out_request_no").asText()).isEqualTo("KF-REFUND-" + paymentId());
            assertThat(biz.get("refund_reason").asText()).isEqualTo("buyer changed their mind");
        });
        Map<String, Object> payment = jdbc.queryForMap("SELECT * FROM payment");
        assertThat(payment.get("refunded_at")).isNotNull();
        assertThat(payment.get("refund_reference")).isEqualTo("KF-REFUND-" + paymentId());
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
        assertThat(keysOf(order.orderNo(), "VOID")).isEqualTo(2);

        assertThat(gatewayRefunds.refund(paymentId(), "a-replayed-call", "replayed")).isEqualTo(RefundService.Progress.SUCCEEDED);
        assertThat(FakeAlipay.calls("alipay.trade.refund")).hasSize(1);
    }

    @Test
    void aRetriedRefundIsAnsweredWithoutFundChangeAndStillCountsAsDone() {
        Shop.PlacedOrder order = deliveredOrder("2025010222002");
        // an earlier call reached Alipay, then its node died before recording the answer
        channels.byId("alipay").orElseThrow().refund(new Payment(paymentId(), "alipay", "2025010222002", order.orderNo(),
                new Money(2500, "CNY")), "KF-REFUND-" + paymentId(), "first try");

        ProcessInstance refund = requestRefund(order);
        executeJob(refund);

        assertThat(refund).isEnded().hasPassed("OrderRefunded");
        assertThat(FakeAlipay.calls("alipay.trade.refund")).hasSize(2).allSatisfy(call ->
                assertThat(FakeAlipay.bizContent(call).get("out_request_no").asText()).isEqualTo("KF-REFUND-" + paymentId()));
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
    }

    @Test
    void aRefusedRefundLeavesThePaymentUnrefundedAndTheJobRetrying() {
        Shop.PlacedOrder order = deliveredOrder("2025010222003");
        alipay.refuseRefunds("ACQ.SELLER_BALANCE_NOT_ENOUGH");

        ProcessInstance refund = requestRefund(order);
        assertThatThrownBy(() -> executeJob(refund)).hasMessageContaining("alipay refused the refund");

        assertThat(jdbc.queryForMap("SELECT refunded_at, refund_status FROM payment"))
                .containsEntry("refunded_at", null).containsEntry("refund_status", "REQUESTED");
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED"); // decided: the keys were settled then
        assertThat(keysOf(order.orderNo(), "VOID")).isEqualTo(2);
        ExternalTask call = remoteCalls(refund, "RefundThroughGateway").get(0); // in the called payment-refund
        assertThat(call.getRetries()).isEqualTo(4);
        assertThat(call.getErrorMessage()).contains("ACQ.SELLER_BALANCE_NOT_ENOUGH");

        alipay.acceptRefunds();
        executeJob(refund);
        assertThat(refund).isEnded().hasPassed("OrderRefunded");
    }

    @Test
    void anAnswerNotSignedByAlipayIsNotTakenForARefund() {
        Shop.PlacedOrder order = deliveredOrder("2025010222004");
        alipay.signWith(TestGatewayKeys.ALIPAY_MERCHANT.getPrivate()); // any key but Alipay's

        ProcessInstance refund = requestRefund(order);
        assertThatThrownBy(() -> executeJob(refund)).hasMessageContaining("no valid signature");

        assertThat(jdbc.queryForMap("SELECT refunded_at, refund_status FROM payment"))
                .containsEntry("refunded_at", null).containsEntry("refund_status", "REQUESTED");
    }

    @Test
    void compensationFindsAnAlipayTradeWhoseNoticeWasLost() {
        Shop.productWithKeys(shop, "ALR", "12.50", 2);
        Shop.PlacedOrder order = shop.order("ALR", 1, "ali-lost@example.com", "alipay");
        alipay.trade(order.orderNo(), "2025010222005", "12.50", "TRADE_SUCCESS");

        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(3))));
        runPeriodicProcess("payment-compensation");
        ClockUtil.reset();

        Map<String, Object> payment = jdbc.queryForMap("SELECT * FROM payment");
        assertThat(payment).containsEntry("channel", "alipay").containsEntry("trade_no", "2025010222005")
                .containsEntry("amount_minor", 1250L).containsEntry("raw_status", "TRADE_SUCCESS");
        assertThat(FakeAlipay.bizContent(FakeAlipay.calls("alipay.trade.query").get(0)).get("out_trade_no").asText())
                .isEqualTo(order.orderNo());
        ProcessInstance instance = instanceFor(order.orderNo());
        executeJob(instance);
        assertThat(instance).isEnded().hasPassed("OrderDelivered");
        assertThat(mailsTo("ali-lost@example.com")).isEqualTo(1);

        // the notice arrives late: the same trade, the same payment
        assertThat(shop.postForm(NOTIFY, AlipayNotices.paid(order.orderNo(), "2025010222005", "12.50")).body())
                .isEqualTo("success");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(1);
    }

    @Test
    void compensationLeavesOrdersAlipayHasNoPaidTradeFor() {
        Shop.productWithKeys(shop, "ALR", "12.50", 2);
        Shop.PlacedOrder waiting = shop.order("ALR", 1, "ali-waiting@example.com", "alipay");
        Shop.PlacedOrder unknown = shop.order("ALR", 1, "ali-unknown@example.com", "alipay");
        alipay.trade(waiting.orderNo(), "2025010222006", "12.50", "WAIT_BUYER_PAY");

        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(3))));
        runPeriodicProcess("payment-compensation");
        ClockUtil.reset();

        assertThat(FakeAlipay.calls("alipay.trade.query")).hasSize(2);
        assertUntouched(waiting.orderNo());
        assertUntouched(unknown.orderNo());
    }

    @Test
    void anExpiredOrdersTradeIsClosedWithAlipayTradeClose() {
        Shop.productWithKeys(shop, "ALR", "12.50", 2);
        Shop.PlacedOrder order = shop.order("ALR", 1, "ali-idle@example.com", "alipay");
        alipay.trade(order.orderNo(), "2025010222007", "12.50", "WAIT_BUYER_PAY"); // the buyer opened the pay page

        expireUnpaidOrders();

        assertThat(orderStatus(order.orderNo())).isEqualTo("EXPIRED");
        assertThat(FakeAlipay.calls("alipay.trade.close")).singleElement()
                .satisfies(call -> assertThat(FakeAlipay.bizContent(call).get("out_trade_no").asText()).isEqualTo(order.orderNo()));
        assertThat(alipay.status(order.orderNo())).isEqualTo("TRADE_CLOSED");
        assertThat(tradeClose(order.orderNo())).isEqualTo("CLOSED");
    }

    @Test
    void anOrderNeverOpenedAtAlipayHasNothingToCloseAndAPaidOneIsLeftToItsNotice() {
        Shop.productWithKeys(shop, "ALR", "12.50", 2);
        Shop.PlacedOrder neverOpened = shop.order("ALR", 1, "ali-never@example.com", "alipay");
        Shop.PlacedOrder paid = shop.order("ALR", 1, "ali-paid@example.com", "alipay");
        alipay.trade(paid.orderNo(), "2025010222008", "12.50", "TRADE_SUCCESS");

        expireUnpaidOrders();

        assertThat(tradeClose(neverOpened.orderNo())).isEqualTo("CLOSED"); // ACQ.TRADE_NOT_EXIST: time_expire guards it
        assertThat(tradeClose(paid.orderNo())).isEqualTo("PAID");
        assertThat(engine.getRuntimeService().createIncidentQuery().count()).isZero();
    }

    @Test
    void aCloseAlipayCannotConfirmIsRetriedThenAnIncidentAndNeverTakenTwice() {
        Shop.productWithKeys(shop, "ALR", "12.50", 2);
        Shop.PlacedOrder order = shop.order("ALR", 1, "ali-stuck@example.com", "alipay");
        alipay.trade(order.orderNo(), "2025010222009", "12.50", "WAIT_BUYER_PAY");
        alipay.signWith(TestGatewayKeys.ALIPAY_MERCHANT.getPrivate()); // answers no longer verify

        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(16))));
        runPeriodicProcessWithRetries("order-expiry");

        assertThat(orderStatus(order.orderNo())).isEqualTo("EXPIRED"); // the expiry committed before any close
        assertThat(FakeAlipay.calls("alipay.trade.close")).hasSize(5);
        assertThat(engine.getRuntimeService().createIncidentQuery().activityId("CloseTradeAtGateway").list())
                .singleElement().satisfies(incident -> assertThat(incident.getIncidentMessage()).contains("no valid signature"));
        assertThat(tradeClose(order.orderNo())).isEqualTo("CLOSING");

        runPeriodicProcess("order-expiry"); // the next run leaves it to the incident: no second close job
        assertThat(FakeAlipay.calls("alipay.trade.close")).hasSize(5);
    }
}
