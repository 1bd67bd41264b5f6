package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.kamiflow.support.DatabaseSessions;
import io.kamiflow.support.FakeSmtp;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Send keys and Mail admin talk to SMTP with no transaction and no pooled connection held (issue 19, hole 2): a mail
 * server that accepts and never answers shows as a failed attempt after the SMTP read timeout, never as a session
 * idle in a transaction. And an admin's resend asked many times at once mails the keys once more, not once per ask.
 */
class SlowSmtpTest extends ProcessTest {

    /** the test profile's SMTP timeouts (2 s connect, 3 s read) and the short transactions around the send */
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final ExecutorService background = Executors.newFixedThreadPool(8);

    @AfterEach
    void stopBackground() {
        background.shutdownNow();
        TestMail.start();
    }

    @Test
    void sendKeysToASilentMailServerHoldsNoTransactionAndRecordsATransientFailure() throws Exception {
        Shop.productWithKeys(shop, "SLOW", "4.00", 1);
        Shop.PlacedOrder order = paidOrder("SLOW", 1, "slow-smtp@example.com");
        ProcessInstance instance = instanceFor(order.orderNo());
        assertThat(instance).isWaitingAt("SendKeys");

        TestMail.stop();
        try (FakeSmtp silent = FakeSmtp.silentOn(TestMail.port())) {
            long start = System.nanoTime();
            Future<?> send = background.submit(() -> executeJob(instance));
            await().atMost(Duration.ofSeconds(15)).until(() -> silent.connections() > 0);
            Thread.sleep(1500); // a transaction held across the conversation has now been idle for over a second
            assertThat(DatabaseSessions.idleInTransactionForASecond()).as("sessions idle in a transaction while SMTP is silent")
                    .isEmpty();
            send.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
        }
        assertThat(instance).isWaitingAt("WaitBeforeRetry");
        assertThat(jdbc.queryForList("SELECT outcome FROM delivery_attempt", String.class)).containsExactly("FAILED_TRANSIENT");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_reveal", Long.class)).as("revealed before the send").isPositive();

        TestMail.start();
        executeJob(instance); // the timer
        executeJob(instance); // Send keys again
        assertThat(instance).isEnded().hasPassed("OrderDelivered");
        assertThat(mailsTo("slow-smtp@example.com")).isEqualTo(1);
    }

    @Test
    void mailAdminToASilentMailServerHoldsNoTransaction() throws Exception {
        takeKeysOnPayment(); // both may order the last key; the second paid is parked and the admin alerted
        Shop.productWithKeys(shop, "GONE", "4.00", 1);
        Shop.PlacedOrder first = Shop.order(shop, "GONE", 1, "first@example.com");
        Shop.PlacedOrder parked = Shop.order(shop, "GONE", 1, "second@example.com");
        Shop.pay(shop, first, "T-first");
        Shop.pay(shop, parked, "T-parked");
        assertThat(instanceFor(parked.orderNo())).isWaitingAt("WaitForStock");
        ProcessInstance alert = engine.getRuntimeService().createProcessInstanceQuery().processDefinitionKey("admin-alert")
                .processInstanceBusinessKey(parked.orderNo()).singleResult();
        assertThat(alert).isWaitingAt("MailAdmin");

        TestMail.stop();
        try (FakeSmtp silent = FakeSmtp.silentOn(TestMail.port())) {
            Future<?> mail = background.submit(() -> {
                try {
                    executeJob(alert);
                } catch (RuntimeException expected) {
                    // the read timeout: recorded on the task for its retry
                }
            });
            await().atMost(Duration.ofSeconds(15)).until(() -> silent.connections() > 0);
            Thread.sleep(1500);
            assertThat(DatabaseSessions.idleInTransactionForASecond()).as("sessions idle in a transaction while SMTP is silent")
                    .isEmpty();
            mail.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        }
        assertThat(remoteCallFailure("MailAdmin")).as("the failure, for its retry and for ops").isNotNull();
        TestMail.start();
        TestMail.get().purgeEmailFromAllMailboxes();
        retryRemoteCalls("admin-alert");
        assertThat(alert).isEnded().hasPassed("AdminAlerted");
        assertThat(TestMail.get().getReceivedMessages()).extracting(message -> message.getSubject())
                .containsExactly("[kamiflow] Order " + parked.orderNo() + " is waiting for stock");
    }

    @Test
    void manyResendsOfADeliveredOrderAtOnceMailTheKeysOnceMore() throws Exception {
        Shop.productWithKeys(shop, "TWICE", "4.00", 1);
        Shop.PlacedOrder order = paidOrder("TWICE", 1, "resend-race@example.com");
        executeJob(instanceFor(order.orderNo()));
        assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");

        int asks = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ShopClient.Response>> answers = new ArrayList<>();
        for (int i = 0; i < asks; i++) {
            Callable<ShopClient.Response> resend = () -> {
                go.await();
                return shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/resend", "application/json", "");
            };
            answers.add(background.submit(resend));
        }
        go.countDown();
        for (Future<ShopClient.Response> answer : answers) {
            assertThat(answer.get(30, TimeUnit.SECONDS).status()).as("every ask is accepted").isEqualTo(202);
        }
        List<ProcessInstance> resends = engine.getRuntimeService().createProcessInstanceQuery()
                .processDefinitionKey("order-fulfillment").processInstanceBusinessKey(order.orderNo()).list();
        assertThat(resends).as("one resend on its way, however many asked").hasSize(1);
        executeJobs(resends.get(0), 2); // past the resend's start, then Send keys
        assertThat(mailsTo("resend-race@example.com")).as("the first mail and one resend").isEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'order.resend'", Long.class))
                .as("every ask is in the audit log").isEqualTo(asks);
    }
}
