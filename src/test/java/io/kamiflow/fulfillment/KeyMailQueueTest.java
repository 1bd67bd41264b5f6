package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import javax.sql.DataSource;

import io.kamiflow.support.FakeSmtp;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The paying callback's instance ends at "Key mail queued" and the node mails right after the commit; a failed mail
 * starts the retry path, and a mail its node never sent (crash, far behind) becomes a Send keys job once the lease
 * has passed, without a second message.
 */
class KeyMailQueueTest extends IntegrationTest {

    @Autowired
    KeyMailQueue queue;

    @Autowired
    FulfillmentSettings settings;

    @Autowired
    DataSource dataSource;

    @Autowired
    io.kamiflow.calls.RemoteCallWorker remoteCalls;

    @Autowired
    io.kamiflow.cockpit.OrderTimeline timeline;

    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void sendersFreeAndMailServerBack() {
        release.countDown();
        TestMail.start();
    }

    @Test
    void aPaidOrderIsMailedRightAfterTheCallbackWithoutAnyJobOrRunningInstance() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "QUEUE", "5.00", 2);
        Shop.PlacedOrder order = Shop.order(shop, "QUEUE", 2, "fast@example.com");
        assertThat(Shop.pay(shop, order, "T-" + order.orderNo()).body()).isEqualTo("success");
        awaitDelivered(order.orderNo());
        assertThat(mailsTo("fast@example.com")).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT outcome FROM delivery_attempt", String.class)).containsExactly("SENT");
        assertThat(jdbc.queryForList("SELECT channel FROM key_reveal", String.class)).containsExactly("MAIL", "MAIL");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_mail_queue", Integer.class)).isZero();
        var instance = engine.getHistoryService().createHistoricProcessInstanceQuery()
                .processInstanceBusinessKey(order.orderNo()).singleResult();
        assertThat(instance.getStartActivityId()).isEqualTo("PaymentReceived");
        assertThat(instance.getEndActivityId()).isEqualTo("KeyMailQueued");
        assertThat(instance.getState()).isEqualTo("COMPLETED");
        assertThat(engine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(instance.getId()).list())
                .as("an instance that started and ended at Key mail queued in the paying callback's transaction took the "
                        + "model's one path there: its own row says where and when, no activity rows")
                .isEmpty();
        assertThat(timeline.of(order.orderNo()).orElseThrow().events())
                .filteredOn(event -> event.detail().containsKey("end")).extracting(event -> event.detail().get("end"))
                .as("ops read where it ended in the diagram's words").containsExactly("Key mail queued");
        assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery().processInstanceBusinessKey(order.orderNo())
                .count()).as("one instance for the order").isEqualTo(1);
    }

    @Test
    void theSenderLocksAFreshLeaseWithoutWritingItAndRenewsOneThatIsRunningOut() {
        ShopClient shop = shop();
        try (var writes = new LeaseWrites(jdbc)) {
            Shop.productWithKeys(shop, "QUEUE", "5.00", 4);
            Shop.PlacedOrder fresh = Shop.order(shop, "QUEUE", 1, "fresh@example.com");
            assertThat(Shop.pay(shop, fresh, "T-" + fresh.orderNo()).body()).isEqualTo("success");
            awaitDelivered(fresh.orderNo());
            assertThat(writes.bySender()).as("a lease with most of it left is not written again before the send").isEmpty();

            // a mail that waited for a sender until little of its lease was left (its node's beats were slow); should
            // a beat renew it between the shortening and the send (a 2 s beat, a window of milliseconds), again
            for (int round = 1; ; round++) {
                Shop.PlacedOrder late = Shop.order(shop, "QUEUE", 1, "late" + round + "@example.com");
                CountDownLatch sendersFree = new CountDownLatch(1);
                HeldSenders.hold(queue, sendersFree);
                assertThat(Shop.pay(shop, late, "T-" + late.orderNo()).body()).isEqualTo("success");
                jdbc.update("UPDATE key_mail_queue SET lease_until = clock_timestamp() + INTERVAL '1' SECOND");
                writes.clear();
                sendersFree.countDown();
                awaitDelivered(late.orderNo());
                assertThat(mailsTo("late" + round + "@example.com")).isEqualTo(1);
                if (writes.bySender().isEmpty() && writes.all() > 0 && round < 3) {
                    continue; // the beat came first
                }
                assertThat(writes.bySender()).as("renewed to a whole lease before its conversation").hasSize(1);
                break;
            }
        }
    }

    /** Records the statements that update key_mail_queue, but the heartbeat's (which skips locked rows). */
    private static final class LeaseWrites implements AutoCloseable {
        private final org.springframework.jdbc.core.JdbcTemplate jdbc;

        LeaseWrites(org.springframework.jdbc.core.JdbcTemplate jdbc) {
            this.jdbc = jdbc;
            jdbc.execute("CREATE TABLE lease_write_seen (query text)");
            jdbc.execute("CREATE FUNCTION lease_write_seen() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " INSERT INTO lease_write_seen VALUES (current_query()); RETURN NEW; END $$");
            jdbc.execute("CREATE TRIGGER lease_write_seen BEFORE UPDATE ON key_mail_queue FOR EACH ROW"
                    + " EXECUTE FUNCTION lease_write_seen()");
        }

        List<String> bySender() {
            return jdbc.queryForList("SELECT query FROM lease_write_seen WHERE query NOT LIKE '%SKIP LOCKED%'", String.class);
        }

        int all() {
            return jdbc.queryForObject("SELECT count(*) FROM lease_write_seen", Integer.class);
        }

        void clear() {
            jdbc.update("DELETE FROM lease_write_seen");
        }

        @Override
        public void close() {
            jdbc.execute("DROP TRIGGER lease_write_seen ON key_mail_queue");
            jdbc.execute("DROP FUNCTION lease_write_seen()");
            jdbc.execute("DROP TABLE lease_write_seen");
        }
    }

    @Test
    void theCallbackAnswersOnceItsKeyMailIsRecordedSoABurstIsPacedByItsMails() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "QUEUE", "5.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "QUEUE", 1, "paced@example.com");
        TestMail.stop();
        try (FakeSmtp relay = FakeSmtp.answeringDataAfterOn(TestMail.port(), Duration.ofMillis(700))) {
            long start = System.nanoTime();
            assertThat(Shop.pay(shop, order, "T-" + order.orderNo()).body()).isEqualTo("success");
            Duration answeredAfter = Duration.ofNanos(System.nanoTime() - start);
            // read at once, before anything else can happen: the answer came after the mail was recorded
            assertThat(jdbc.queryForList("SELECT outcome FROM delivery_attempt", String.class)).containsExactly("SENT");
            assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");
            assertThat(relay.answered()).isEqualTo(1);
            assertThat(answeredAfter).isGreaterThanOrEqualTo(Duration.ofMillis(700));
        }
    }

    @Test
    void aCallbackWaitsForItsKeyMailOnlyUpToTheKeyMailWaitAndTheMailGoesOnWithoutIt() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "QUEUE", "5.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "QUEUE", 1, "unpaced@example.com");
        TestMail.stop();
        try (FakeSmtp silent = FakeSmtp.silentOn(TestMail.port())) {
            long start = System.nanoTime();
            assertThat(Shop.pay(shop, order, "T-" + order.orderNo()).body()).isEqualTo("success");
            Duration answeredAfter = Duration.ofNanos(System.nanoTime() - start);
            assertThat(answeredAfter).as("key-mail-wait, not the mail's own SMTP timeouts")
                    .isGreaterThanOrEqualTo(settings.getKeyMailWait())
                    .isLessThan(settings.getKeyMailWait().plusMillis(900));
            assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery_attempt", Integer.class)).as("still talking").isZero();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM key_mail_queue", Integer.class)).isEqualTo(1);
            // the silent server's read timeout ends the attempt; the retry path takes it from there
            await().atMost(Duration.ofSeconds(20)).until(() -> running(order.orderNo()) == 1);
            assertThat(jdbc.queryForList("SELECT outcome FROM delivery_attempt", String.class)).containsExactly("FAILED_TRANSIENT");
        }
    }

    @Test
    void aMailServerDownAtTheCallbackStartsTheRetryPathWhichDeliversOnceItIsBack() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "QUEUE", "5.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "QUEUE", 1, "patient@example.com");
        TestMail.stop();
        assertThat(Shop.pay(shop, order, "T-" + order.orderNo()).body()).isEqualTo("success");
        await().atMost(Duration.ofSeconds(20)).until(() -> running(order.orderNo()) == 1);
        ProcessInstance retry = engine.getRuntimeService().createProcessInstanceQuery()
                .processInstanceBusinessKey(order.orderNo()).singleResult();
        assertThat(engine.getRuntimeService().getActivityInstance(retry.getId()).getChildActivityInstances()[0].getActivityId())
                .isEqualTo("WaitBeforeRetry");
        assertThat(engine.getRuntimeService().getVariable(retry.getId(), "deliveryAttempts")).isEqualTo(1);
        assertThat(engine.getRuntimeService().getVariable(retry.getId(), "paymentId")).isNotNull();
        assertThat(jdbc.queryForList("SELECT outcome FROM delivery_attempt", String.class)).containsExactly("FAILED_TRANSIENT");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_mail_queue", Integer.class)).isZero();
        assertThat(orderStatus(order.orderNo())).isEqualTo("PAID");

        TestMail.start();
        Job timer = engine.getManagementService().createJobQuery().processInstanceId(retry.getId()).singleResult();
        engine.getManagementService().executeJob(timer.getId()); // the wait is over; Send keys follows as its own job
        awaitDelivered(order.orderNo());
        assertThat(mailsTo("patient@example.com")).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT outcome FROM delivery_attempt ORDER BY attempt_no", String.class))
                .containsExactly("FAILED_TRANSIENT", "SENT");
    }

    @Test
    void aMailThatCannotBeBuiltGoesToSupportWithTheKeysUnrevealed() {
        ShopClient shop = shop();
        Shop.PlacedOrder order = paidWhileTheSendersAreBusy(shop, "typo@example.com");
        jdbc.update("UPDATE customer_order SET buyer_email = 'not an address@@example' WHERE order_no = ?", order.orderNo());
        release.countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.getTaskService().createTaskQuery()
                .processInstanceBusinessKey(order.orderNo()).taskDefinitionKey("ManualDelivery").count() == 1);
        assertThat(orderStatus(order.orderNo())).isEqualTo("MANUAL");
        assertThat(jdbc.queryForList("SELECT outcome FROM delivery_attempt", String.class)).containsExactly("FAILED_PERMANENT");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_reveal", Integer.class)).as("nothing went out").isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_mail_queue", Integer.class)).isZero();
        assertThat(passed(order.orderNo())).contains("KeyMailQueued", "MarkManualDelivery").doesNotContain("WaitBeforeRetry");
    }

    @Test
    void aMailItsNodeNeverSentIsTakenOverAfterTheLeaseAndTheLateSenderSendsNothing() throws Exception {
        ShopClient shop = shop();
        Shop.PlacedOrder order = paidWhileTheSendersAreBusy(shop, "once@example.com");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_mail_queue", Integer.class)).isEqualTo(1);
        assertThat(queue.sweep()).as("lease not passed: nobody else takes it").isZero();
        assertThat(running(order.orderNo())).isZero();
        assertInvariants(); // a queued mail counts as the order's keeper

        // the node that queued it stops renewing (it died; here: the row is no longer ours) and its lease passes
        jdbc.update("UPDATE key_mail_queue SET owner = 'a-node-that-died', lease_until = lease_until - INTERVAL '2 minutes'");
        queue.sweep(); // this one, unless the scheduled sweep took it first
        assertThat(queuedOnceSweepsCommit()).as("taken over").isZero();
        awaitDelivered(order.orderNo()); // the new instance's Send keys job
        release.countDown(); // the late sender wakes up
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.senders().getActiveCount() == 0
                && queue.senders().getQueue().isEmpty());
        assertThat(mailsTo("once@example.com")).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT outcome FROM delivery_attempt", String.class)).containsExactly("SENT");
        assertThat(passed(order.orderNo())).containsOnlyOnce("SendKeys");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_mail_queue", Integer.class)).isZero();
    }

    /**
     * Seen in a bench run on an overloaded machine: the first mails' read-and-reveal transaction ran longer than the
     * lease (cold templates), with its row locked so no beat renewed it; the mail then went out with a lease already
     * passed, the sweep handed it to Send keys, and the buyer got it twice. The conversation gets a whole lease.
     */
    @Test
    void aSenderSlowedBeforeItsConversationStillHoldsAWholeLeaseForItSoNoSweepMailsItAgain() throws Exception {
        Duration lease = settings.getKeyMailLease();
        settings.setKeyMailLease(Duration.ofSeconds(2));
        TestMail.stop();
        try (FakeSmtp relay = FakeSmtp.answeringDataAfterOn(TestMail.port(), Duration.ofSeconds(2))) {
            Shop.PlacedOrder order = paidWhileTheSendersAreBusy(shop(), "slowreveal@example.com");
            int handed;
            try (Connection keys = dataSource.getConnection()) {
                keys.setAutoCommit(false); // the order's keys locked: the sender's reveal waits, its row locked meanwhile
                keys.createStatement().execute("SELECT k.id FROM card_key k JOIN customer_order o ON o.id = k.order_id"
                        + " WHERE o.order_no = '" + order.orderNo() + "' FOR UPDATE");
                release.countDown();
                Thread.sleep(3_000); // longer than the lease
                keys.rollback();
                // the sender committed its reveal and talks to the relay, which answers 2 s after the content
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() -> relay.arrived() == 1);
                handed = queue.sweep();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(orderStatus(order.orderNo()))
                    && queue.senders().getActiveCount() == 0 && running(order.orderNo()) == 0);
            Thread.sleep(2_500); // a Send keys task, had there been one, would have reached the relay by now
            assertThat(relay.arrivedFor("slowreveal@example.com")).as("mails to the buyer").isEqualTo(1);
            assertThat(handed).as("the conversation's lease had not passed").isZero();
            assertThat(jdbc.queryForList("SELECT outcome FROM delivery_attempt", String.class)).containsExactly("SENT");
            assertThat(passed(order.orderNo())).doesNotContain("SendKeys");
        } finally {
            settings.setKeyMailLease(lease);
        }
    }

    /**
     * A node whose beats starved for a whole lease while its mail was in the SMTP conversation: a sweep hands the mail
     * to a Send keys task, then the relay accepts the first send. That send is recorded all the same (it is the
     * truth), and the Send keys task, finding it, sends nothing: one mail. (Only a Send keys task that reaches the
     * relay before the late record sends a second copy, with the same Message-ID.)
     */
    @Test
    void aSendThatOutlivedItsLeaseIsRecordedAndTheTakeoverSendsNothing() throws Exception {
        TestMail.stop();
        remoteCalls.stop(); // the takeover's Send keys waits until the late send is recorded
        try (FakeSmtp relay = FakeSmtp.answeringDataAfterOn(TestMail.port(), Duration.ofSeconds(2))) {
            Shop.PlacedOrder order = takenOverMidConversation(relay, "late@example.com", orderNo -> { });
            await().atMost(Duration.ofSeconds(20)).until(() -> queue.senders().getActiveCount() == 0);
            assertThat(jdbc.queryForList("SELECT outcome FROM delivery_attempt", String.class))
                    .as("the late send is recorded").containsExactly("SENT");
            assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");

            remoteCalls.start();
            remoteCalls.poll();
            await().atMost(Duration.ofSeconds(30)).until(() -> running(order.orderNo()) == 0);
            Thread.sleep(500); // a second mail, had the task sent one, would be at the relay by now
            assertThat(relay.arrivedFor("late@example.com")).as("mails to the buyer").isEqualTo(1);
            assertThat(jdbc.queryForList("SELECT outcome FROM delivery_attempt", String.class)).containsExactly("SENT");
            assertThat(passed(order.orderNo())).as("the takeover ran its Send keys").contains("SendKeys");
            assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");
            String[] instances = engine.getHistoryService().createHistoricProcessInstanceQuery()
                    .processInstanceBusinessKey(order.orderNo()).list().stream().map(i -> i.getId()).toArray(String[]::new);
            assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceIdIn(instances)
                    .variableName(ProcessVariables.MAIL_TAKEN_OVER).list()).singleElement()
                    .satisfies(mark -> assertThat(mark.getValue()).as("cleared: a later resend must send").isEqualTo(false));
        } finally {
            if (!remoteCalls.isRunning()) {
                remoteCalls.start();
            }
        }
    }

    /**
     * The limit of the above: the Send keys task that took the mail over reached the relay before the first send was
     * recorded (here the first node's record waits for the order's row, locked by the test, until the second mail
     * arrived). Both mails carry the same Message-ID (a mailbox shows one), both attempts are recorded, the later one
     * under the next number, and nothing fails or waits for a retry.
     */
    @Test
    void aTakeoverThatReachedTheRelayFirstSendsTheSameMessageAndBothAttemptsAreRecorded() throws Exception {
        TestMail.stop();
        try (FakeSmtp relay = FakeSmtp.answeringDataAfterOn(TestMail.port(), Duration.ofSeconds(2));
             Connection orderRow = dataSource.getConnection()) {
            orderRow.setAutoCommit(false);
            Shop.PlacedOrder order = takenOverMidConversation(relay, "both@example.com", orderNo -> {
                try (var lock = orderRow.prepareStatement("SELECT id FROM customer_order WHERE order_no = ? FOR UPDATE")) {
                    lock.setString(1, orderNo);
                    lock.executeQuery().close();
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() -> relay.arrived() == 2);
            orderRow.rollback(); // the first node's record goes on, then the takeover's
            await().atMost(Duration.ofSeconds(30)).until(() -> running(order.orderNo()) == 0
                    && queue.senders().getActiveCount() == 0);
            List<String> messageIds = relay.messageIds();
            assertThat(messageIds).as("two sends of one message").hasSize(2);
            assertThat(messageIds.get(1)).isEqualTo(messageIds.get(0));
            assertThat(jdbc.queryForList("SELECT outcome FROM delivery_attempt ORDER BY attempt_no", String.class))
                    .containsExactly("SENT", "SENT");
            assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");
            assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery().processInstanceBusinessKey(order.orderNo())
                    .list()).allSatisfy(instance -> assertThat(engine.getHistoryService().createHistoricExternalTaskLogQuery()
                            .processInstanceId(instance.getId()).failureLog().count()).as("failed gateway calls").isZero());
            assertThat(passed(order.orderNo())).contains("SendKeys");
        }
    }

    @Test
    void aStoppingNodeFinishesTheMailsItIsSendingAndHandsTheQueuedOnesOverAtOnce() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "QUEUE", "5.00", 3);
        Shop.PlacedOrder first = Shop.order(shop, "QUEUE", 1, "first@example.com");
        Shop.PlacedOrder second = Shop.order(shop, "QUEUE", 1, "second@example.com");
        Shop.PlacedOrder third = Shop.order(shop, "QUEUE", 1, "third@example.com");
        HeldSenders.hold(queue, release); // stands for mails in the SMTP conversation: stop() waits for them
        assertThat(Shop.pay(shop, first, "T-" + first.orderNo()).body()).isEqualTo("success");
        assertThat(Shop.pay(shop, second, "T-" + second.orderNo()).body()).isEqualTo("success");
        Thread stopping = new Thread(queue::stop);
        try {
            stopping.start();
            Thread.sleep(300);
            assertThat(stopping.isAlive()).as("waits for the sends in progress").isTrue();
            release.countDown();
            stopping.join(10_000);
            assertThat(stopping.isAlive()).isFalse();
            // counted as rows still leased: the scheduled sweep may already be taking the ended ones over
            assertThat(jdbc.queryForObject("SELECT count(*) FROM key_mail_queue WHERE lease_until > now()", Integer.class))
                    .as("both waiting mails handed over: their leases ended at the stop").isZero();

            // a callback the stopping node still answers takes the Send keys job path
            assertThat(Shop.pay(shop, third, "T-" + third.orderNo()).body()).isEqualTo("success");
            awaitDelivered(third.orderNo());
            assertThat(passed(third.orderNo())).contains("SendKeys").doesNotContain("QueueKeyMail");

            // any node's next sweep; the scheduled one (every second) may be handing them over right now, its rows
            // locked (this sweep skips them) until it commits
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                queue.sweep();
                return jdbc.queryForObject("SELECT count(*) FROM key_mail_queue", Integer.class) == 0;
            });
            awaitDelivered(first.orderNo());
            awaitDelivered(second.orderNo());
            assertThat(passed(first.orderNo())).as("sent by a Send keys job after the hand-over").contains("SendKeys");
            assertThat(passed(second.orderNo())).as("sent by a Send keys job after the hand-over").contains("SendKeys");
        } finally {
            stopping.join(30_000);
            queue.start();
        }
        for (String buyer : new String[] {"first@example.com", "second@example.com", "third@example.com"}) {
            assertThat(mailsTo(buyer)).as(buyer).isEqualTo(1);
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_mail_queue", Integer.class)).isZero();
    }

    @Test
    void aRefundWhileTheMailWaitsReturnsTheKeysAndTheMailIsNeverSent() {
        ShopClient shop = shop();
        Shop.PlacedOrder order = paidWhileTheSendersAreBusy(shop, "refunded@example.com");
        assertThat(shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/refund", "application/json",
                "{\"reason\":\"changed their mind\"}").status()).isEqualTo(202);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_mail_queue", Integer.class))
                .as("dropped with the refund request, before the refund itself has run").isZero();
        release.countDown(); // the sender wakes up while the refund may still be running: its lease is gone
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.senders().getActiveCount() == 0
                && queue.senders().getQueue().isEmpty());
        await().atMost(Duration.ofSeconds(20)).until(() -> "REFUNDED".equals(orderStatus(order.orderNo())));
        assertThat(queue.sweep()).as("nothing left to hand over").isZero();
        assertThat(mailsTo("refunded@example.com")).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_reveal", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'AVAILABLE'", Integer.class))
                .as("never revealed: back on sale").isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_mail_queue", Integer.class)).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> running(order.orderNo()) == 0);
    }

    @Test
    void aLiveNodeRenewsTheLeasesOfTheMailsWaitingForItsSendersSoNoSweepTakesThem() {
        ShopClient shop = shop();
        Shop.PlacedOrder order = paidWhileTheSendersAreBusy(shop, "waiting@example.com");
        jdbc.update("UPDATE key_mail_queue SET lease_until = now() - INTERVAL '1 second'"); // far behind: a lease went by
        queue.renewLeases(); // the heartbeat's next beat
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_mail_queue WHERE lease_until > now()", Integer.class))
                .as("the waiting mail's lease runs again").isEqualTo(1);
        assertThat(queue.sweep()).as("a live node's waiting mail").isZero();

        release.countDown();
        awaitDelivered(order.orderNo());
        assertThat(mailsTo("waiting@example.com")).isEqualTo(1);
        assertThat(passed(order.orderNo())).doesNotContain("SendKeys");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_mail_queue", Integer.class)).isZero();
    }

    @Test
    void rightAfterItLostTheDatabaseANodeLeavesPassedLeasesToTheirOwnersForALease() throws Exception {
        ShopClient shop = shop();
        Shop.PlacedOrder order = paidWhileTheSendersAreBusy(shop, "outage@example.com");
        // another node's row whose lease passed while the database was away from everyone
        jdbc.update("UPDATE key_mail_queue SET owner = 'the-other-node', lease_until = now() - INTERVAL '1 second'");
        Duration lease = settings.getKeyMailLease();
        settings.setKeyMailLease(Duration.ofMillis(500));
        try {
            queue.databaseUnreachable(); // a beat or sweep just failed
            assertThat(queue.sweep()).as("the owner gets a lease to renew first").isZero();
            Thread.sleep(600);
            queue.sweep(); // this one, unless the scheduled sweep took it meanwhile
            assertThat(queuedOnceSweepsCommit()).as("a lease of unbroken contact later, the row is taken over").isZero();
        } finally {
            settings.setKeyMailLease(lease);
            queue.inContactForLong(); // the next test's sweeps must not wait out this one's outage
        }
        release.countDown();
        awaitDelivered(order.orderNo());
        assertThat(mailsTo("outage@example.com")).isEqualTo(1);
    }

    /**
     * One key, one order paid; once the relay has the mail's content (it answers 2 s later), the node's lease passes as
     * if its beats starved ({@code passed} runs then), and a sweep hands the mail to a Send keys task while the first
     * send waits for its answer.
     */
    private Shop.PlacedOrder takenOverMidConversation(FakeSmtp relay, String email, java.util.function.Consumer<String> passed)
            throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "QUEUE", "5.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "QUEUE", 1, email);
        // the callback's answer waits for the mail (a bounded while): the test goes on as soon as the relay has it
        var paying = java.util.concurrent.CompletableFuture.supplyAsync(() -> Shop.pay(shop, order, "T-" + order.orderNo()).body());
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() -> relay.arrived() == 1);
        jdbc.update("UPDATE key_mail_queue SET owner = 'a-starved-node', lease_until = now() - INTERVAL '1 second'");
        passed.accept(order.orderNo());
        queue.sweep(); // this one, unless the scheduled sweep took it first
        assertThat(queuedOnceSweepsCommit()).as("handed to a Send keys task").isZero();
        assertThat(paying.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("success");
        return order;
    }

    /** One key, one order paid while this node's mail threads are all busy: its mail waits in the queue. */
    private Shop.PlacedOrder paidWhileTheSendersAreBusy(ShopClient shop, String email) {
        Shop.productWithKeys(shop, "QUEUE", "5.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "QUEUE", 1, email);
        HeldSenders.hold(queue, release);
        assertThat(Shop.pay(shop, order, "T-" + order.orderNo()).body()).isEqualTo("success");
        return order;
    }


    /**
     * Rows left in the queue once a sweep in progress has committed: the scheduled sweep may hold a row (its lock makes
     * this node's own sweep skip it) while it starts the Send keys instance; FOR UPDATE waits for that transaction.
     */
    private int queuedOnceSweepsCommit() {
        return jdbc.queryForList("SELECT order_id FROM key_mail_queue FOR UPDATE", Long.class).size();
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
