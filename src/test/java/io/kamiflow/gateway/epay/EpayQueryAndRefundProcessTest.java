package io.kamiflow.gateway.epay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.FakeGateway;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestGatewayKeys;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * 易支付: lost payments found through the V1 api.php?act=order; refunds are returned by hand through a support task
 * (V1 has no common refund call).
 */
class EpayQueryAndRefundProcessTest extends ProcessTest {

    private static final String API = "/epay/api.php";

    @AfterEach
    void resetFake() {
        FakeGateway.reset();
    }

    /** api.php as 易支付 answers act=order: the merchant authenticates with pid and key in the query. */
    private static void epayAnswers(String orderNo, String tradeNo, String money, int status) {
        FakeGateway.on("GET", API, request -> {
            Map<String, String> query = UriComponentsBuilder.fromUriString("?" + request.query()).build().getQueryParams()
                    .toSingleValueMap();
            if (!"order".equals(query.get("act")) || !TestGatewayKeys.EPAY_PID.equals(query.get("pid"))
                    || !TestGatewayKeys.EPAY_KEY.equals(query.get("key"))) {
                return new FakeGateway.Reply(200, Map.of("Content-Type", "text/html"), "{\"code\":-3,\"msg\":\"KEY校验失败\"}");
            }
            if (!orderNo.equals(query.get("out_trade_no"))) {
                return new FakeGateway.Reply(200, Map.of("Content-Type", "text/html"), "{\"code\":-1,\"msg\":\"订单编号不存在\"}");
            }
            Map<String, Object> order = new LinkedHashMap<>();
            order.put("code", 1);
            order.put("msg", "查询订单号成功！");
            order.put("trade_no", tradeNo);
            order.put("out_trade_no", orderNo);
            order.put("type", "alipay");
            order.put("pid", Integer.parseInt(TestGatewayKeys.EPAY_PID));
            order.put("addtime", "2025-01-01 11:59:00");
            order.put("endtime", status == 1 ? "2025-01-01 11:59:58" : null);
            order.put("name", "卡密 card keys");
            order.put("money", money);
            order.put("status", status);
            return new FakeGateway.Reply(200, Map.of("Content-Type", "text/html; charset=utf-8"), ShopClient.json(order));
        });
    }

    @Test
    void compensationFindsAnEpayPaymentWhoseNoticeWasLost() {
        Shop.productWithKeys(shop, "EPQ", "12.50", 2);
        Shop.PlacedOrder order = shop.order("EPQ", 1, "epay-lost@example.com", "epay");
        epayAnswers(order.orderNo(), "2025010112000012345", "12.50", 1);

        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(3))));
        runPeriodicProcess("payment-compensation");
        ClockUtil.reset();

        Map<String, Object> payment = jdbc.queryForMap("SELECT * FROM payment");
        assertThat(payment).containsEntry("channel", "epay").containsEntry("trade_no", "2025010112000012345")
                .containsEntry("amount_minor", 1250L).containsEntry("raw_status", "TRADE_SUCCESS");
        assertThat((String) payment.get("raw_notice")).doesNotContain(TestGatewayKeys.EPAY_KEY);
        ProcessInstance instance = instanceFor(order.orderNo());
        executeJob(instance);
        assertThat(instance).isEnded().hasPassed("OrderDelivered");

        // the notice arrives late: the same trade, the same payment
        assertThat(shop.postForm("/api/payments/epay/notify", EpayNotices.paid(order.orderNo(), "2025010112000012345", "12.50"))
                .body()).isEqualTo("success");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(1);
    }

    @Test
    void compensationLeavesUnpaidAndUnknownEpayOrders() {
        Shop.productWithKeys(shop, "EPQ", "12.50", 2);
        Shop.PlacedOrder unpaid = shop.order("EPQ", 1, "epay-unpaid@example.com", "epay");
        Shop.PlacedOrder unknown = shop.order("EPQ", 1, "epay-unknown@example.com", "epay");
        epayAnswers(unpaid.orderNo(), "2025010112000012346", "12.50", 0);

        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(3))));
        runPeriodicProcess("payment-compensation");
        ClockUtil.reset();

        assertThat(FakeGateway.requests()).filteredOn(r -> r.path().equals(API)).hasSize(2);
        assertUntouched(unpaid.orderNo());
        assertUntouched(unknown.orderNo());
    }

    @Test
    void anEpayRefundIsATaskToReturnTheMoneyByHandAndOnlyItsCompletionRecordsTheRefund() {
        Shop.productWithKeys(shop, "EPQ", "12.50", 2);
        Shop.PlacedOrder order = shop.order("EPQ", 1, "epay-refund@example.com", "epay");
        assertThat(shop.postForm("/api/payments/epay/notify", EpayNotices.paid(order.orderNo(), "2025010112000012347", "12.50"))
                .body()).isEqualTo("success");
        executeJob(instanceFor(order.orderNo()));

        ProcessInstance refund = requestRefund(order);
        executeJob(refund); // Refund payment: epay has no refund API

        assertThat(refund).isWaitingAt("RefundPayment");
        Task task = openTask(refund);
        assertThat(task.getName()).isEqualTo("Return the money by hand for order " + order.orderNo());
        assertThat(task).hasCandidateGroup("kamiflow-support");
        assertThat(formRef(refund)).isEqualTo("return-money-by-hand");
        assertThat(engine.getTaskService().getVariables(task.getId()))
                .containsEntry("refundAmount", "12.50").containsEntry("refundCurrency", "CNY")
                .containsEntry("refundChannel", "epay").containsEntry("gatewayTradeNo", "2025010112000012347")
                .hasEntrySatisfying("refundWhy", why -> assertThat((String) why).contains("no refund API"));
        assertThat(jdbc.queryForMap("SELECT refunded_at, refund_reference, refund_status FROM payment"))
                .containsEntry("refunded_at", null).containsEntry("refund_reference", null)
                .containsEntry("refund_status", "MANUAL_PENDING");
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED"); // decided: the keys are settled now
        JsonNode payment = shop.admin("GET", "/api/admin/orders/" + order.orderNo(), null, null).json().get("payments").get(0);
        assertThat(payment.get("refundStatus").asText()).isEqualTo("MANUAL_PENDING");
        assertThat(payment.get("refundedAt").isNull()).isTrue();

        // the form is checked on the server too: no reference, a blank one or an overlong one is refused
        assertThatThrownBy(() -> complete(refund, Map.of("manualRefundNote", "sent it"))).hasMessageContaining("manualRefundReference");
        assertThatThrownBy(() -> complete(refund, Map.of("manualRefundReference", "  ")))
                .hasMessageContaining("manualRefundReference");
        assertThatThrownBy(() -> complete(refund, Map.of("manualRefundReference", "R".repeat(129))))
                .hasMessageContaining("128");
        assertThat(openTask(refund)).isNotNull();
        assertThat(jdbc.queryForObject("SELECT refunded_at FROM payment", Object.class)).isNull();

        complete(refund, Map.of("manualRefundReference", " ALIPAY-TRANSFER-20250101-01 ", "manualRefundNote", "to the buyer's Alipay"));
        executeJob(refund); // after the task: Record refund returned by hand

        assertThat(refund).isEnded().hasPassed("RefundPayment", "OrderRefunded");
        Map<String, Object> recorded = jdbc.queryForMap("SELECT * FROM payment");
        assertThat(recorded.get("refunded_at")).isNotNull();
        assertThat(recorded).containsEntry("refund_reference", "ALIPAY-TRANSFER-20250101-01")
                .containsEntry("refund_status", "MANUAL_DONE");
        assertThat(jdbc.queryForList("SELECT detail FROM audit_event WHERE action = 'payment.refund'", String.class))
                .singleElement().satisfies(detail -> assertThat(detail).contains("by hand", "ALIPAY-TRANSFER-20250101-01",
                        "to the buyer's Alipay"));
        assertThat(FakeGateway.requests()).isEmpty();
    }

    @Test
    void epayHasNoCloseCallSoAnExpiredOrderIsOnlyExpired() {
        Shop.productWithKeys(shop, "EPR", "12.50", 2);
        Shop.PlacedOrder order = shop.order("EPR", 1, "epay-idle@example.com", "epay");

        expireUnpaidOrders();

        assertThat(orderStatus(order.orderNo())).isEqualTo("EXPIRED");
        assertThat(tradeClose(order.orderNo())).isNull();
        assertThat(FakeGateway.requests()).isEmpty();
    }
}
