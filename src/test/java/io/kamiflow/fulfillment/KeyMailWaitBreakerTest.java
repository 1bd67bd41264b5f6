package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.kamiflow.support.FakeSmtp;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Metrics;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * While this node's key mails fail or outlast {@code key-mail-wait} (SMTP down or silent), paying callbacks stop
 * waiting for theirs and answer at once, so Tomcat's threads do not pile up behind a dead relay; the mails still go
 * the queue and retry path. Once a mail is sent within the wait again, callbacks wait again.
 */
class KeyMailWaitBreakerTest extends IntegrationTest {

    /** Long enough that a callback that waited and one that did not are far apart on a loaded machine. */
    private static final Duration WAIT = Duration.ofSeconds(2);
    /** "Well under the wait": a callback that did not wait, with generous room for a busy machine. */
    private static final Duration AT_ONCE = Duration.ofMillis(1000);

    @Autowired
    FulfillmentSettings settings;

    @LocalManagementPort
    int managementPort;

    private Duration configuredWait;

    @BeforeEach
    void longerWait() {
        configuredWait = settings.getKeyMailWait();
        settings.setKeyMailWait(WAIT);
    }

    @AfterEach
    void waitAndMailServerBack() {
        settings.setKeyMailWait(configuredWait);
        TestMail.start();
    }

    @Test
    void withASilentRelayTheCallbacksAfterTheFirstFewAnswerAtOnceAndEveryMailStillGoesOutOnce() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "BREAK", "5.00", 9);
        List<Shop.PlacedOrder> orders = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            orders.add(Shop.order(shop, "BREAK", 1, "silent" + i + "@example.com"));
        }
        TestMail.stop();
        try (FakeSmtp silent = FakeSmtp.silentOn(TestMail.port())) {
            List<Duration> answers = payUntilOneAnswersAtOnce(shop, orders.subList(0, 6));
            for (Shop.PlacedOrder order : orders.subList(answers.size(), 8)) {
                answers.add(paid(shop, order));
            }
            assertThat(answers.subList(answers.size() - 3, answers.size()))
                    .as("the callbacks after the first few answered at once: " + answers)
                    .allSatisfy(answer -> assertThat(answer).isLessThan(AT_ONCE));
            assertThat(skipping()).as("exported while callbacks do not wait").isEqualTo(1.0);

            // a gateway that repeats its notice while callbacks do not wait: still one payment, one mail
            Shop.PlacedOrder repeated = orders.get(8);
            List<Duration> repeats = List.of(paid(shop, repeated), paid(shop, repeated));
            assertThat(repeats).allSatisfy(answer -> assertThat(answer).isLessThan(AT_ONCE));
            assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(9);

            assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery_attempt WHERE outcome = 'SENT'", Integer.class))
                    .as("nothing got through the silent relay").isZero();
            for (Shop.PlacedOrder order : orders) {
                assertThat(orderStatus(order.orderNo())).as("paid, keys on the page").isEqualTo("PAID");
            }
        }
        TestMail.start();
        for (Shop.PlacedOrder order : orders) {
            awaitDelivered(order.orderNo()); // through the queue or the retry path, as before
        }
        for (int i = 0; i < orders.size(); i++) {
            assertThat(mailsTo("silent" + i + "@example.com")).as("silent" + i).isEqualTo(1);
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery_attempt WHERE outcome = 'SENT'", Integer.class))
                .isEqualTo(orders.size());
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT order_id) FROM delivery_attempt WHERE outcome = 'SENT'",
                Integer.class)).isEqualTo(orders.size());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_mail_queue", Integer.class)).isZero();
    }

    @Test
    void onceTheRelayAnswersAgainACallbackWaitsForItsMailAgain() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "BREAK", "5.00", 7);
        List<Shop.PlacedOrder> orders = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            orders.add(Shop.order(shop, "BREAK", 1, "back" + i + "@example.com"));
        }
        TestMail.stop();
        int paid;
        try (FakeSmtp silent = FakeSmtp.silentOn(TestMail.port())) {
            paid = payUntilOneAnswersAtOnce(shop, orders.subList(0, 5)).size();
        }
        try (FakeSmtp slow = slowRelayOnTheMailPort()) {
            // the relay answers again, within the wait: the first mail sent through it ends the breaker
            Shop.PlacedOrder first = orders.get(paid);
            assertThat(Shop.pay(shop, first, "T-" + first.orderNo()).body()).isEqualTo("success");
            await().atMost(Duration.ofSeconds(20)).until(() -> "DELIVERED".equals(orderStatus(first.orderNo())));
            assertThat(skipping()).as("exported: callbacks wait again").isZero();

            Shop.PlacedOrder next = orders.get(paid + 1);
            Duration answeredAfter = paid(shop, next);
            // read at once: the answer came after the mail was recorded
            assertThat(jdbc.queryForList("SELECT a.outcome FROM delivery_attempt a JOIN customer_order o ON o.id = a.order_id "
                    + "WHERE o.order_no = ?", String.class, next.orderNo())).containsExactly("SENT");
            assertThat(orderStatus(next.orderNo())).isEqualTo("DELIVERED");
            assertThat(answeredAfter).as("waited for the relay's answer").isGreaterThanOrEqualTo(Duration.ofMillis(400));
            assertThat(slow.arrivedFor("back" + (paid + 1) + "@example.com")).isEqualTo(1);
        }
        TestMail.start();
        for (Shop.PlacedOrder order : orders.subList(0, paid + 2)) {
            awaitDelivered(order.orderNo());
        }
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT order_id) FROM delivery_attempt WHERE outcome = 'SENT'",
                Integer.class)).isEqualTo(paid + 2);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery_attempt WHERE outcome = 'SENT'", Integer.class))
                .isEqualTo(paid + 2);
    }

    /**
     * With the relay silent: the first callback waits for its mail, and within a few more (the third or so mail
     * outlasts the wait) one answers at once. @return the answers, the last one at once
     */
    private List<Duration> payUntilOneAnswersAtOnce(ShopClient shop, List<Shop.PlacedOrder> orders) {
        List<Duration> answers = new ArrayList<>();
        for (Shop.PlacedOrder order : orders) {
            answers.add(paid(shop, order));
            if (answers.get(answers.size() - 1).compareTo(AT_ONCE) < 0) {
                break;
            }
        }
        assertThat(answers.get(0)).as("the first callback waited for its mail: " + answers).isGreaterThanOrEqualTo(WAIT);
        assertThat(answers.get(answers.size() - 1)).as("a callback after the first few answered at once: " + answers)
                .isLessThan(AT_ONCE);
        return answers;
    }

    /** A relay that answers each message after 400 ms, on the port the silent one just left (free again in a moment). */
    private static FakeSmtp slowRelayOnTheMailPort() {
        return await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> FakeSmtp.answeringDataAfterOn(TestMail.port(), Duration.ofMillis(400)), Objects::nonNull);
    }

    /** Pays the order (its callback answers "success") and returns how long the answer took. */
    private Duration paid(ShopClient shop, Shop.PlacedOrder order) {
        long start = System.nanoTime();
        assertThat(Shop.pay(shop, order, "T-" + order.orderNo()).body()).isEqualTo("success");
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** 1 while this node's callbacks answer without waiting for their key mail. */
    private double skipping() {
        return Metrics.scrape(managementPort).value("kamiflow_key_mail_wait_skipping");
    }
}
