package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import io.kamiflow.gateway.epay.EpayNotices;
import io.kamiflow.gateway.stripe.FakeStripe;
import io.kamiflow.gateway.stripe.StripeEventsFixture;
import io.kamiflow.support.Concurrently;
import io.kamiflow.support.FakeGateway;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.SecondNode;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A refund of one payment happens at most once, however many admin requests arrive together: on every kind of
 * channel (refunded through its API at once, accepted by the gateway and settled later, returned by hand) and
 * wherever the order's instance waits when the requests arrive, including instances the key mail queue started
 * (which the payment row does not name). Afterwards the database holds one refund: one payment-refund instance,
 * at most one "Return the money by hand" task, one call of the gateway's refund endpoint, one recorded refund.
 */
class RefundOnceTest extends ProcessTest {

    private static final int REQUESTS = 6;
    private static final String PRICE = "10.00";

    /** The three ways money goes back. */
    enum Channel {
        /** Stripe answers the refund succeeded */
        API("stripe"),
        /** Stripe answers pending: Check refund result follows it up until it succeeded */
        PENDING("stripe"),
        /** 易支付 has no refund API: support returns the money by hand */
        BY_HAND("epay");

        final String id;

        Channel(String id) {
            this.id = id;
        }
    }

    /** Where the order's instance is when the refund requests arrive. */
    enum Place {
        /** keys claimed in the callback, Send keys not run yet */
        CLAIMED,
        /** keys mailed: the instance has ended */
        DELIVERED,
        /** the mail failed: waiting at the retry timer */
        RETRY_TIMER,
        /** the mail was refused for good: the Manual delivery task */
        MANUAL_DELIVERY,
        /** no stock after payment: parked at Wait for stock */
        WAITING_FOR_STOCK,
        /** parked past the restock deadline: the Restock or refund task */
        RESTOCK_OR_REFUND,
        /** the paid amount differs: the Review payment task */
        REVIEW_PAYMENT,
        /** the queued key mail failed: an instance the key mail queue started waits at the retry timer */
        QUEUED_MAIL_FAILED,
        /** the queued key mail's node never sent it: the sweep's instance waits at Send keys */
        QUEUED_MAIL_SWEPT
    }

    static Stream<Arguments> everyChannelEverywhere() {
        List<Arguments> cases = new ArrayList<>();
        for (Channel channel : Channel.values()) {
            for (Place place : Place.values()) {
                cases.add(Arguments.of(channel, place));
            }
        }
        return cases.stream();
    }

    @Autowired
    KeyMailQueue queue;

    private FakeStripe stripe;
    private final CountDownLatch releaseSenders = new CountDownLatch(1);

    @BeforeEach
    void fakeStripe() {
        stripe = FakeStripe.install();
    }

    @AfterEach
    void sendersFreeMailBackFakeReset() {
        releaseSenders.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.senders().getActiveCount() == 0);
        TestMail.start();
        FakeGateway.reset();
    }

    @ParameterizedTest(name = "{0} refund, order at {1}")
    @MethodSource("everyChannelEverywhere")
    void concurrentRefundRequestsRefundThePaymentOnce(Channel channel, Place place) throws Exception {
        if (channel == Channel.PENDING) {
            stripe.answerRefundsWith("pending");
        }
        Shop.PlacedOrder order = orderAt(place, channel);
        long paymentId = jdbc.queryForObject("SELECT id FROM payment WHERE order_no = ?", Long.class, order.orderNo());

        List<ShopClient.Response> answers = Concurrently.run(REQUESTS, Collections.nCopies(REQUESTS,
                (Callable<ShopClient.Response>) () -> shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/refund",
                        "application/json", "{\"reason\":\"asked " + REQUESTS + " times\"}")));

        settle(order, channel);

        assertRefundedOnce(order, channel, paymentId, answers);
    }

    @org.junit.jupiter.api.Test
    void refundRequestsSpreadOverTwoNodesRefundOnce() throws Exception {
        Shop.PlacedOrder order = orderAt(Place.DELIVERED, Channel.BY_HAND);
        long paymentId = jdbc.queryForObject("SELECT id FROM payment WHERE order_no = ?", Long.class, order.orderNo());
        // a node that only answers requests (its jobs would race this test's stepping)
        ConfigurableApplicationContext other = SecondNode.start("refund-node", Map.of("camunda.bpm.job-execution.enabled", false,
                "management.endpoint.health.group.readiness.include", "readinessState, db"), context -> { });
        try {
            ShopClient there = new ShopClient(Integer.parseInt(other.getEnvironment().getProperty("local.server.port")));
            List<Callable<ShopClient.Response>> requests = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                ShopClient node = i % 2 == 0 ? shop : there;
                requests.add(() -> node.admin("POST", "/api/admin/orders/" + order.orderNo() + "/refund", null, null));
            }
            List<ShopClient.Response> answers = Concurrently.run(REQUESTS, requests);
            settle(order, Channel.BY_HAND);
            assertRefundedOnce(order, Channel.BY_HAND, paymentId, answers);
        } finally {
            other.close();
        }
    }

    private void assertRefundedOnce(Shop.PlacedOrder order, Channel channel, long paymentId,
                                    List<ShopClient.Response> answers) {
        assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery().processDefinitionKey("payment-refund")
                .processInstanceBusinessKey(order.orderNo()).count()).as("payment-refund instances").isEqualTo(1);
        assertThat(engine.getHistoryService().createHistoricTaskInstanceQuery().processInstanceBusinessKey(order.orderNo())
                .taskDefinitionKey("ReturnMoneyByHand").count()).as("Return the money by hand tasks")
                .isEqualTo(channel == Channel.BY_HAND ? 1 : 0);
        assertThat(FakeStripe.refundRequests()).as("calls of the gateway's refund endpoint")
                .hasSize(channel == Channel.BY_HAND ? 0 : 1);
        assertThat(jdbc.queryForList("SELECT refund_status FROM payment WHERE id = ? AND refunded_at IS NOT NULL",
                String.class, paymentId)).containsExactly(channel == Channel.BY_HAND ? "MANUAL_DONE" : "SUCCEEDED");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'payment.refund' AND subject = ?",
                Integer.class, order.orderNo())).as("refunds recorded").isEqualTo(1);
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
        assertThat(running(order)).as("nothing left running").isZero();

        assertThat(answers).filteredOn(answer -> answer.status() == 202).as("requests that refunded").hasSize(1);
        assertThat(answers).filteredOn(answer -> answer.status() != 202).allSatisfy(answer -> {
            assertThat(answer.status()).as(answer.body()).isEqualTo(409);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.json().get("detail").asText()).contains("already");
        });
    }

    @ParameterizedTest(name = "one request, order at {0}")
    @EnumSource(value = Place.class, names = {"QUEUED_MAIL_FAILED", "QUEUED_MAIL_SWEPT"})
    void oneRefundRequestForAnOrderTheKeyMailQueueCarriesOnIsOneRefund(Place place) {
        Shop.PlacedOrder order = orderAt(place, Channel.BY_HAND);

        assertThat(shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/refund", null, null).status()).isEqualTo(202);
        settle(order, Channel.BY_HAND);

        assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery().processDefinitionKey("payment-refund")
                .processInstanceBusinessKey(order.orderNo()).count()).as("payment-refund instances").isEqualTo(1);
        assertThat(engine.getHistoryService().createHistoricTaskInstanceQuery().processInstanceBusinessKey(order.orderNo())
                .taskDefinitionKey("ReturnMoneyByHand").count()).as("Return the money by hand tasks").isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'payment.refund' AND subject = ?",
                Integer.class, order.orderNo())).as("refunds recorded").isEqualTo(1);
    }

    @org.junit.jupiter.api.Test
    void aRefundWhoseInstanceWasDeletedIsCarriedOnByTheNextRequestAndStillHappensOnce() {
        Shop.PlacedOrder order = orderAt(Place.DELIVERED, Channel.BY_HAND);
        assertThat(refund(order).status()).isEqualTo(202);
        runUntilOnlyTasksWait(order.orderNo());
        assertThat(openReturnTasks(order)).isEqualTo(1);
        assertThat(refund(order).status()).as("carried by a running instance").isEqualTo(409);

        // an operator deletes the order's instances in Cockpit: the refund is decided, nobody carries it
        engine.getRuntimeService().createProcessInstanceQuery().processInstanceBusinessKey(order.orderNo()).rootProcessInstances()
                .list().forEach(instance -> engine.getRuntimeService().deleteProcessInstance(instance.getId(), "by hand"));
        assertThat(invariants.check()).extracting(violation -> violation.invariant())
                .contains("a refund decided and not returned has no process carrying it");

        assertThat(refund(order).status()).as("carried on").isEqualTo(202);
        runUntilOnlyTasksWait(order.orderNo());
        assertThat(openReturnTasks(order)).isEqualTo(1);
        settle(order, Channel.BY_HAND);

        assertThat(jdbc.queryForObject("SELECT refund_status FROM payment", String.class)).isEqualTo("MANUAL_DONE");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'payment.refund'", Integer.class))
                .isEqualTo(1);
        ShopClient.Response done = refund(order);
        assertThat(done.status()).isEqualTo(409);
        assertThat(done.json().get("detail").asText()).contains("already refunded");
    }

    private ShopClient.Response refund(Shop.PlacedOrder order) {
        return shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/refund", null, null);
    }

    private long openReturnTasks(Shop.PlacedOrder order) {
        return engine.getTaskService().createTaskQuery().processInstanceBusinessKey(order.orderNo())
                .taskDefinitionKey("ReturnMoneyByHand").count();
    }

    /** Everything the refund left runs to its end; support returns the money where no gateway does. */
    private void settle(Shop.PlacedOrder order, Channel channel) {
        for (int round = 0; round < 5; round++) {
            runUntilOnlyTasksWait(order.orderNo(), "RefundResultOverdue", "WaitForRefundResult");
            jdbc.queryForList("SELECT refund_reference FROM payment WHERE refund_reference IS NOT NULL", String.class)
                    .forEach(reference -> stripe.settleRefund(reference, "succeeded")); // a pending refund went through
            runUntilOnlyTasksWait(order.orderNo(), "RefundResultOverdue");
            List<Task> toReturn = engine.getTaskService().createTaskQuery().processInstanceBusinessKey(order.orderNo())
                    .taskDefinitionKey("ReturnMoneyByHand").list();
            toReturn.forEach(task -> engine.getTaskService().complete(task.getId(),
                    Map.of("manualRefundReference", "BANK-" + task.getId())));
            if (toReturn.isEmpty() && running(order) == 0) {
                return;
            }
        }
        throw new AssertionError(channel + " refund of order " + order.orderNo() + " did not end");
    }

    /** The order's running order-fulfillment and payment-refund instances (an admin alert about it may run on). */
    private long running(Shop.PlacedOrder order) {
        return engine.getRuntimeService().createProcessInstanceQuery().processInstanceBusinessKey(order.orderNo())
                .processDefinitionKeyIn("order-fulfillment", "payment-refund").count();
    }

    /** An order paid on the channel whose instance waits at the place. */
    private Shop.PlacedOrder orderAt(Place place, Channel channel) {
        String email = place.name().toLowerCase().replace('_', '-') + "@example.com";
        switch (place) {
            case WAITING_FOR_STOCK, RESTOCK_OR_REFUND -> {
                takeKeysOnPayment();
                Shop.productWithKeys(shop, "ONCE", PRICE, 1);
                Shop.PlacedOrder order = shop.order("ONCE", 1, email, channel.id);
                jdbc.update("DELETE FROM card_key WHERE status = 'AVAILABLE'"); // someone else took the last key
                pay(channel, order, 1000);
                ProcessInstance instance = instanceFor(order.orderNo());
                assertThat(instance).isWaitingAt("WaitForStock");
                if (place == Place.RESTOCK_OR_REFUND) {
                    executeJobAt(instance, "RestockDeadline");
                    assertThat(instance).isWaitingAt("RestockOrRefund");
                }
                return order;
            }
            case QUEUED_MAIL_FAILED, QUEUED_MAIL_SWEPT -> {
                return queuedMailOrder(place, channel, email);
            }
            default -> {
                // the order's instance waits at Send keys after the paying callback
            }
        }
        Shop.productWithKeys(shop, "ONCE", PRICE, 2);
        Shop.PlacedOrder order = shop.order("ONCE", 1, email, channel.id);
        if (place == Place.REVIEW_PAYMENT) {
            pay(channel, order, 999);
            assertThat(instanceFor(order.orderNo())).isWaitingAt("ReviewPayment");
            return order;
        }
        pay(channel, order, 1000);
        ProcessInstance instance = instanceFor(order.orderNo());
        assertThat(instance).isWaitingAt("SendKeys");
        switch (place) {
            case DELIVERED -> {
                executeJob(instance);
                assertThat(instance).isEnded().hasPassed("OrderDelivered");
            }
            case RETRY_TIMER -> {
                TestMail.stop();
                executeJob(instance);
                assertThat(instance).isWaitingAt("WaitBeforeRetry");
            }
            case MANUAL_DELIVERY -> {
                jdbc.update("UPDATE customer_order SET buyer_email = 'unmailable@@example' WHERE order_no = ?", order.orderNo());
                executeJob(instance);
                assertThat(instance).isWaitingAt("ManualDelivery");
            }
            default -> {
                // CLAIMED: as it is
            }
        }
        return order;
    }

    /**
     * The key mail goes through the queue (as in production): the paying instance ends at Key mail queued and a new
     * instance, which the payment row does not name, carries the order on.
     */
    private Shop.PlacedOrder queuedMailOrder(Place place, Channel channel, String email) {
        fulfillmentSettings.setMailAfterCommit(true);
        Shop.productWithKeys(shop, "ONCE", PRICE, 2);
        Shop.PlacedOrder order = shop.order("ONCE", 1, email, channel.id);
        if (place == Place.QUEUED_MAIL_FAILED) {
            TestMail.stop();
            pay(channel, order, 1000);
            await().atMost(Duration.ofSeconds(20)).until(() -> engine.getRuntimeService().createProcessInstanceQuery()
                    .processInstanceBusinessKey(order.orderNo()).count() == 1);
            assertThat(instanceFor(order.orderNo())).isWaitingAt("WaitBeforeRetry");
        } else {
            HeldSenders.hold(queue, releaseSenders);
            pay(channel, order, 1000);
            // its node is gone (another owner: this node's heartbeat must not renew it meanwhile)
            jdbc.update("UPDATE key_mail_queue SET owner = 'a-node-that-died', lease_until = lease_until - INTERVAL '2 minutes'");
            queue.sweep(); // this one, unless the scheduled sweep took it first; FOR UPDATE waits for that one's commit
            assertThat(jdbc.queryForList("SELECT order_id FROM key_mail_queue FOR UPDATE", Long.class)).as("taken over").isEmpty();
            assertThat(instanceFor(order.orderNo())).isWaitingAt("SendKeys");
        }
        assertThat(jdbc.queryForObject("SELECT process_instance_id FROM payment WHERE order_no = ?", String.class,
                order.orderNo())).as("the payment names the ended paying instance")
                .isNotEqualTo(instanceFor(order.orderNo()).getId());
        fulfillmentSettings.setMailAfterCommit(false);
        return order;
    }

    private void pay(Channel channel, Shop.PlacedOrder order, long amountMinor) {
        if (channel == Channel.BY_HAND) {
            String money = String.format("%d.%02d", amountMinor / 100, amountMinor % 100);
            assertThat(shop.postForm("/api/payments/epay/notify", EpayNotices.paid(order.orderNo(), "E" + order.orderNo(), money))
                    .body()).isEqualTo("success");
        } else {
            String event = StripeEventsFixture.event("checkout.session.completed",
                    StripeEventsFixture.session(order.orderNo(), "pi_" + order.orderNo(), amountMinor, "paid"));
            assertThat(shop.send("POST", "/api/payments/stripe/webhook", "application/json", event,
                    Map.of("Stripe-Signature", StripeEventsFixture.sign(event))).status()).isEqualTo(200);
        }
    }

}
