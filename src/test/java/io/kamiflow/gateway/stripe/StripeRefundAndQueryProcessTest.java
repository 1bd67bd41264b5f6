package io.kamiflow.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.kamiflow.payment.GatewayRefunds;
import io.kamiflow.payment.RefundService;
import io.kamiflow.support.FakeGateway;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.externaltask.ExternalTask;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Refunds through the Stripe Refunds API and lost payments found by PaymentIntent search, against a fake Stripe. */
class StripeRefundAndQueryProcessTest extends ProcessTest {

    @Autowired
    GatewayRefunds gatewayRefunds;

    private FakeStripe stripe;

    @BeforeEach
    void fakeStripe() {
        stripe = FakeStripe.install();
    }

    @AfterEach
    void resetFake() {
        FakeGateway.reset();
    }

    private Shop.PlacedOrder deliveredOrder(String paymentIntent) {
        Shop.productWithKeys(shop, "STR", "12.50", 3);
        Shop.PlacedOrder order = shop.order("STR", 2, "stripe-refund@example.com", "stripe");
        String event = StripeEventsFixture.event("checkout.session.completed",
                StripeEventsFixture.session(order.orderNo(), paymentIntent, 2500, "paid"));
        assertThat(shop.send("POST", "/api/payments/stripe/webhook", "application/json", event,
                Map.of("Stripe-Signature", StripeEventsFixture.sign(event))).status()).isEqualTo(200);
        executeJob(instanceFor(order.orderNo()));
        assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");
        return order;
    }

    @Test
    void aPendingRefundIsFollowedUpUntilStripeSaysSucceeded() {
        stripe.answerRefundsWith("pending");
        Shop.PlacedOrder order = deliveredOrder("pi_pending_1");

        ProcessInstance refund = requestRefund(order);
        executeJob(refund); // Refund payment: Stripe answers pending
        assertThat(jdbc.queryForMap("SELECT refunded_at, refund_status FROM payment"))
                .containsEntry("refunded_at", null).containsEntry("refund_status", "PROCESSING");
        String refundId = jdbc.queryForObject("SELECT refund_reference FROM payment", String.class);
        assertThat(refundId).startsWith("re_test_");

        stripe.settleRefund(refundId, "succeeded");
        executeJobAt(refund, "WaitForRefundResult");
        executeJobAt(refund, "CheckRefundResult");

        assertThat(refund).isEnded().hasPassed("OrderRefunded");
        assertThat(jdbc.queryForMap("SELECT refund_status, refund_reference FROM payment"))
                .containsEntry("refund_status", "SUCCEEDED").containsEntry("refund_reference", refundId);
        assertThat(FakeStripe.refundRetrievals()).singleElement()
                .satisfies(request -> assertThat(request.path()).endsWith("/" + refundId));
        assertThat(FakeStripe.refundRequests()).hasSize(1);
    }

    @Test
    void aPendingRefundStripeLaterFailsIsReturnedByHand() {
        stripe.answerRefundsWith("pending");
        Shop.PlacedOrder order = deliveredOrder("pi_pending_2");
        ProcessInstance refund = requestRefund(order);
        executeJob(refund); // Refund payment
        stripe.settleRefund(jdbc.queryForObject("SELECT refund_reference FROM payment", String.class), "failed");

        executeJobAt(refund, "WaitForRefundResult");
        executeJobAt(refund, "CheckRefundResult");

        assertThat(openTask(refund).getName()).isEqualTo("Return the money by hand for order " + order.orderNo());
        assertThat(engine.getTaskService().getVariables(openTask(refund).getId()))
                .hasEntrySatisfying("refundWhy", why -> assertThat((String) why).contains("failed"));
        assertThat(jdbc.queryForMap("SELECT refunded_at, refund_status FROM payment"))
                .containsEntry("refunded_at", null).containsEntry("refund_status", "MANUAL_PENDING");
    }

    @Test
    void aRefundStripeConfirmsWhileSupportTakesItOverIsRecordedAsReturnedAndSupportRecordsNothing() throws Exception {
        stripe.answerRefundsWith("pending");
        Shop.PlacedOrder order = deliveredOrder("pi_pending_3");
        ProcessInstance refund = requestRefund(order);
        executeJob(refund); // Refund payment: Stripe answers pending
        String refundId = jdbc.queryForObject("SELECT refund_reference FROM payment", String.class);
        stripe.settleRefund(refundId, "succeeded");
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        stripe.holdRetrievals(asked, answer);
        executeJobAt(refund, "WaitForRefundResult");

        ExecutorService node = Executors.newSingleThreadExecutor();
        try {
            Future<?> check = node.submit(() -> executeJobAt(refund, "CheckRefundResult")); // asks Stripe, no answer yet
            assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();
            executeJobAt(refund, "RefundResultOverdue"); // no final answer in time: support takes it over
            assertThat(openTask(refund).getName()).startsWith("Return the money by hand");
            assertThat(jdbc.queryForObject("SELECT refund_status FROM payment", String.class)).isEqualTo("MANUAL_PENDING");
            answer.countDown(); // Stripe answers: succeeded
            check.get(20, TimeUnit.SECONDS);
        } finally {
            answer.countDown();
            node.shutdownNow();
        }

        assertThat(jdbc.queryForMap("SELECT refund_status, refund_reference FROM payment"))
                .containsEntry("refund_status", "SUCCEEDED").containsEntry("refund_reference", refundId);
        complete(refund, Map.of("manualRefundReference", "BANK-TRANSFER-1")); // support saw it in time, or not
        executeJob(refund); // Record refund returned by hand: nothing to record
        assertThat(refund).isEnded();
        assertThat(jdbc.queryForObject("SELECT refund_reference FROM payment", String.class)).isEqualTo(refundId);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'payment.refund'", Integer.class))
                .isEqualTo(1);
    }

    @Test
    void adminRefundGoesThroughStripeOnceAndVoidsTheKeys() {
        Shop.PlacedOrder order = deliveredOrder("pi_refund_1");

        ProcessInstance refund = requestRefund(order);
        executeJob(refund); // Refund payment
        assertThat(refund).isEnded().hasPassed("RefundPayment", "OrderRefunded");

        assertThat(FakeStripe.refundRequests()).singleElement().satisfies(request -> {
            assertThat(request.headers().get("Idempotency-Key")).isEqualTo("KF-REFUND-" + paymentId());
            assertThat(FakeStripe.form(request)).containsEntry("payment_intent", "pi_refund_1").containsEntry("amount", "2500")
                    .containsEntry("metadata[orderNo]", order.orderNo());
        });
        Map<String, Object> payment = jdbc.queryForMap("SELECT * FROM payment");
        assertThat(payment.get("refunded_at")).isNotNull();
        assertThat((String) payment.get("refund_reference")).startsWith("re_test_");
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
        assertThat(keysOf(order.orderNo(), "VOID")).isEqualTo(2);

        // the call repeated after its answer was recorded: the payment is refunded, Stripe is not asked again
        assertThat(gatewayRefunds.refund(paymentId(), "a-replayed-call", "replayed")).isEqualTo(RefundService.Progress.SUCCEEDED);
        assertThat(FakeStripe.refundRequests()).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT refund_reference FROM payment", String.class))
                .isEqualTo(payment.get("refund_reference"));
    }

    @Test
    void aRetriedRefundWhoseCommitWasLostGetsStripesFirstAnswerBack() {
        Shop.PlacedOrder order = deliveredOrder("pi_refund_2");
        // an earlier call reached Stripe, then its node died before recording the answer
        var channel = (StripeChannel) applicationChannel();
        String first = channel.refund(new io.kamiflow.payment.Payment(paymentId(), "stripe", "pi_refund_2", order.orderNo(),
                new io.kamiflow.catalog.Money(2500, "CNY")), "KF-REFUND-" + paymentId(), "first try").reference();

        executeJob(requestRefund(order));

        assertThat(FakeStripe.refundRequests()).hasSize(2).allSatisfy(request ->
                assertThat(request.headers().get("Idempotency-Key")).isEqualTo("KF-REFUND-" + paymentId()));
        assertThat(jdbc.queryForObject("SELECT refund_reference FROM payment", String.class)).isEqualTo(first);
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
    }

    @Test
    void aNodeThatDiesDuringTheRefundCallLeavesItToAnyNodeAfterTheLockWhichAsksStripeWithTheSameKey() {
        Shop.PlacedOrder order = deliveredOrder("pi_refund_5");
        ProcessInstance refund = requestRefund(order); // decided: the request id is on the payment row
        String requestId = jdbc.queryForObject("SELECT refund_request_id FROM payment", String.class);
        assertThat(requestId).isEqualTo("KF-REFUND-" + paymentId());

        // another node takes the call, reaches Stripe and dies before the answer is recorded
        assertThat(engine.getExternalTaskService().fetchAndLock(1, "node-that-dies").topic("refund-payment", 5000).execute())
                .hasSize(1);
        String first = applicationChannel().refund(new io.kamiflow.payment.Payment(paymentId(), "stripe", "pi_refund_5",
                order.orderNo(), new io.kamiflow.catalog.Money(2500, "CNY")), requestId, "dying").reference();
        assertThat(remoteCallWorker.poll()).as("still locked by the dead node").isZero();
        assertThat(jdbc.queryForObject("SELECT refund_status FROM payment", String.class)).isEqualTo("REQUESTED");

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> remoteCallWorker.poll() == 1); // lock passed
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> engine.getRuntimeService()
                .createProcessInstanceQuery().processInstanceBusinessKey(order.orderNo()).count() == 0);

        assertThat(FakeStripe.refundRequests()).hasSize(2).allSatisfy(request ->
                assertThat(request.headers().get("Idempotency-Key")).isEqualTo(requestId));
        assertThat(jdbc.queryForMap("SELECT refund_status, refund_reference FROM payment"))
                .containsEntry("refund_status", "SUCCEEDED").containsEntry("refund_reference", first);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'payment.refund'", Integer.class))
                .isEqualTo(1);
        assertThat(refund).isEnded().hasPassed("OrderRefunded");
    }

    @Test
    void aPaymentRefundedInTheDashboardIsRecordedWithThatRefund() {
        Shop.PlacedOrder order = deliveredOrder("pi_refund_3");
        stripe.refundedInDashboard("pi_refund_3", 2500);

        ProcessInstance refund = requestRefund(order);
        executeJob(refund);

        assertThat(refund).isEnded().hasPassed("OrderRefunded");
        assertThat(jdbc.queryForObject("SELECT refund_reference FROM payment", String.class)).startsWith("re_dashboard_");
    }

    @Test
    void aRefusedRefundLeavesThePaymentUnrefundedAndTheJobRetrying() {
        Shop.PlacedOrder order = deliveredOrder("pi_refund_4");
        stripe.refuseRefunds("insufficient_funds");

        ProcessInstance refund = requestRefund(order);
        assertThatThrownBy(() -> executeJob(refund)).hasMessageContaining("stripe refused the refund")
                .hasMessageNotContaining(io.kamiflow.support.TestGatewayKeys.STRIPE_API_KEY);

        assertThat(jdbc.queryForMap("SELECT refunded_at, refund_status FROM payment"))
                .containsEntry("refunded_at", null).containsEntry("refund_status", "REQUESTED");
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED"); // decided: the keys were settled then
        assertThat(keysOf(order.orderNo(), "VOID")).isEqualTo(2);
        ExternalTask call = remoteCalls(refund, "RefundThroughGateway").get(0); // in the called payment-refund
        assertThat(call.getRetries()).isEqualTo(4);
        assertThat(call.getErrorMessage()).contains("insufficient_funds");

        stripe.acceptRefunds(); // the next retry goes through
        executeJob(refund);
        assertThat(refund).isEnded().hasPassed("OrderRefunded");
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
    }

    @Test
    void compensationFindsAPaymentIntentWhoseWebhookWasLost() {
        Shop.productWithKeys(shop, "STR", "12.50", 2);
        Shop.PlacedOrder order = shop.order("STR", 1, "stripe-lost@example.com", "stripe");
        stripe.paid(order.orderNo(), "pi_lost_1", 1250);

        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(3))));
        runPeriodicProcess("payment-compensation");
        ClockUtil.reset();

        Map<String, Object> payment = jdbc.queryForMap("SELECT * FROM payment");
        assertThat(payment).containsEntry("channel", "stripe").containsEntry("trade_no", "pi_lost_1")
                .containsEntry("amount_minor", 1250L).containsEntry("currency", "CNY");
        ProcessInstance instance = instanceFor(order.orderNo());
        executeJob(instance);
        assertThat(instance).isEnded().hasPassed("OrderDelivered");
        assertThat(mailsTo("stripe-lost@example.com")).isEqualTo(1);
        FakeGateway.Request search = FakeGateway.requests().stream().filter(r -> r.path().equals(FakeStripe.SEARCH))
                .findFirst().orElseThrow();
        assertThat(FakeStripe.form(new FakeGateway.Request("GET", search.path(), null, Map.of(), search.query())).get("query"))
                .isEqualTo("metadata['orderNo']:'" + order.orderNo() + "' AND status:'succeeded'");

        // the webhook arrives late: the same PaymentIntent, the same payment
        String event = StripeEventsFixture.event("payment_intent.succeeded",
                StripeEventsFixture.paymentIntent(order.orderNo(), "pi_lost_1", 1250));
        assertThat(shop.send("POST", "/api/payments/stripe/webhook", "application/json", event,
                Map.of("Stripe-Signature", StripeEventsFixture.sign(event))).status()).isEqualTo(200);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(1);
    }

    @Test
    void compensationLeavesAnOrderStripeHasNoPaymentFor() {
        Shop.productWithKeys(shop, "STR", "12.50", 2);
        Shop.PlacedOrder order = shop.order("STR", 1, "stripe-unpaid@example.com", "stripe");

        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(3))));
        runPeriodicProcess("payment-compensation");
        ClockUtil.reset();

        assertThat(FakeGateway.requests()).anyMatch(r -> r.path().equals(FakeStripe.SEARCH));
        assertUntouched(order.orderNo());
    }

    @Autowired
    io.kamiflow.payment.PaymentChannels channels;

    private io.kamiflow.payment.PaymentChannel applicationChannel() {
        return channels.byId("stripe").orElseThrow();
    }

    @Test
    void anExpiredOrdersCheckoutSessionIsExpiredAndACompletedOneIsLeftToItsWebhook() {
        Shop.productWithKeys(shop, "STR", "12.50", 2);
        Shop.PlacedOrder idle = shop.order("STR", 1, "stripe-idle@example.com", "stripe");
        Shop.PlacedOrder paid = shop.order("STR", 1, "stripe-paid@example.com", "stripe");
        String idleSession = jdbc.queryForObject("SELECT gateway_reference FROM customer_order WHERE order_no = ?",
                String.class, idle.orderNo());
        String paidSession = jdbc.queryForObject("SELECT gateway_reference FROM customer_order WHERE order_no = ?",
                String.class, paid.orderNo());
        stripe.session(idleSession, "open");
        stripe.session(paidSession, "complete");

        expireUnpaidOrders();

        assertThat(FakeStripe.expireRequests()).extracting(FakeGateway.Request::path).containsExactlyInAnyOrder(
                FakeStripe.SESSIONS + "/" + idleSession + "/expire", FakeStripe.SESSIONS + "/" + paidSession + "/expire");
        assertThat(stripe.sessionStatus(idleSession)).isEqualTo("expired");
        assertThat(tradeClose(idle.orderNo())).isEqualTo("CLOSED");
        assertThat(tradeClose(paid.orderNo())).isEqualTo("PAID");
    }
}
