package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.kamiflow.support.FakeSmtp;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.SecondNode;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A queued key mail's lease holds for as long as its SMTP conversation runs, on the database's clock: a relay that
 * answers DATA after several leases gets the mail once, and neither a second node's sweep nor the sender's own takes
 * it over meanwhile; a node whose clock runs ahead takes no live lease (and reports how far ahead it is).
 */
class KeyMailLeaseTest extends IntegrationTest {

    private static final Duration LEASE = Duration.ofSeconds(2);

    @Autowired
    KeyMailQueue queue;

    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void sendersFree() {
        release.countDown();
    }

    @Test
    void aRelayThatAnswersDataAfterThreeLeasesGetsTheMailOnceWhileBothNodesSweep() throws Exception {
        try (FakeSmtp slow = FakeSmtp.answeringDataAfter(LEASE.multipliedBy(3));
             ConfigurableApplicationContext node = SecondNode.start("lease-slow", Map.of(
                     "spring.mail.port", slow.port(),
                     "spring.mail.properties.mail.smtp.timeout", 20_000, // waits out the relay's pause
                     "spring.datasource.url", withApplicationName("kamiflow-lease-slow"),
                     "kamiflow.fulfillment.key-mail-lease", LEASE,
                     "kamiflow.fulfillment.key-mail-sweep-interval", "PT0.2S"), context -> { })) {
            ShopClient shop = shop();
            Shop.productWithKeys(shop, "SLOW", "5.00", 1);
            Shop.PlacedOrder order = Shop.order(shop, "SLOW", 1, "slow@example.com");
            // the other node takes the payment, so it queues and sends the mail
            ShopClient other = new ShopClient(node.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
            assertThat(Shop.pay(other, order, "T-" + order.orderNo()).body()).isEqualTo("success");

            await().atMost(Duration.ofSeconds(10)).until(() -> slow.arrived() >= 1); // the relay has it, answers in 6 s
            int handedHere = 0;
            int heldTransactions = 0;
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (slow.answered() == 0 && System.nanoTime() < until) {
                handedHere += queue.sweep(); // this node sweeps as often as it can, the other every 0.2 s
                heldTransactions += transactionsHeldBy("kamiflow-lease-slow");
                Thread.sleep(200);
            }
            awaitDelivered(order.orderNo());
            KeyMailQueue sender = node.getBean(KeyMailQueue.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> sender.senders().getActiveCount() == 0
                    && running(order.orderNo()) == 0);
            Thread.sleep(LEASE.toMillis()); // a takeover's mail, had there been one, is out by now

            assertThat(slow.arrivedFor("slow@example.com") + mailsTo("slow@example.com"))
                    .as("mails that reached a server (the slow relay, or this node's)").isEqualTo(1);
            assertThat(handedHere).as("mails this node's sweep took over while the relay held DATA").isZero();
            assertThat(jdbc.queryForList("SELECT outcome FROM delivery_attempt", String.class)).containsExactly("SENT");
            assertThat(passed(order.orderNo())).contains("KeyMailQueued").doesNotContain("SendKeys");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM key_mail_queue", Integer.class)).isZero();
            assertThat(heldTransactions).as("transactions the sending node kept open across the SMTP conversation").isZero();
        }
    }

    @Test
    void aNodeWhoseClockRunsFiveMinutesAheadLeavesALiveLeaseAlone() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "AHEAD", "5.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "AHEAD", 1, "ahead@example.com");
        HeldSenders.hold(queue, release); // the mail waits here under this node's live lease (renewed while it waits)
        assertThat(Shop.pay(shop, order, "T-" + order.orderNo()).body()).isEqualTo("success");
        Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(5));
        try (ConfigurableApplicationContext node = SecondNode.start("lease-ahead", Map.of(),
                context -> context.getBeanFactory().registerSingleton("clock", ahead))) {
            MeterRegistry meters = node.getBean(MeterRegistry.class);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(meters.get("kamiflow.clock.skew").gauge()
                    .value()).as("the node knows its clock is off").isBetween(290.0, 310.0));
            assertThat(node.getBean(KeyMailQueue.class).sweep()).as("mails the node ahead took over").isZero();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM key_mail_queue", Integer.class)).isEqualTo(1);
            assertThat(running(order.orderNo())).isZero();
        }
        release.countDown();
        awaitDelivered(order.orderNo());
        assertThat(mailsTo("ahead@example.com")).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT outcome FROM delivery_attempt", String.class)).containsExactly("SENT");
        assertThat(passed(order.orderNo())).doesNotContain("SendKeys");
    }

    /** Connections of the named node that sit in an open transaction for more than a second. */
    private int transactionsHeldBy(String applicationName) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM pg_stat_activity WHERE application_name = ? AND state = 'idle in transaction'
                AND state_change < now() - INTERVAL '1 second'""", Integer.class, applicationName);
    }

    private static String withApplicationName(String name) {
        String url = TestDatabase.get().url();
        return url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + name;
    }

    /** Activities passed by every instance of the order, and where each ended (the instance's own row). */
    private List<String> passed(String orderNo) {
        return engine.getHistoryService().createHistoricProcessInstanceQuery().processInstanceBusinessKey(orderNo).list()
                .stream().flatMap(instance -> java.util.stream.Stream.concat(engine.getHistoryService()
                        .createHistoricActivityInstanceQuery().processInstanceId(instance.getId()).list().stream()
                        .map(HistoricActivityInstance::getActivityId), java.util.stream.Stream.ofNullable(instance.getEndActivityId())))
                .toList();
    }

    private long running(String orderNo) {
        return engine.getRuntimeService().createProcessInstanceQuery().processInstanceBusinessKey(orderNo).count();
    }
}
