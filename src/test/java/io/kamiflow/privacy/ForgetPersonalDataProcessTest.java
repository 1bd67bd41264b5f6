package io.kamiflow.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.kamiflow.storefront.StorefrontForms;
import io.kamiflow.support.Concurrently;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The real "Forget personal data" process, with the engine clock moved past each retention of the defaults: every
 * kind of personal data is kept inside its window and gone after it, orders with work keep theirs, the accounting
 * stays, and the buyer's paths answer as before for orders inside the window and neutrally for erased ones.
 */
class ForgetPersonalDataProcessTest extends ProcessTest {

    private static final String PROCESS = "forget-personal-data";
    private static final String ERASED = PersonalDataRetention.ERASED;

    @Autowired
    RetentionSettings retention;
    @Autowired
    PersonalDataRetention forget;
    @Autowired
    PlatformTransactionManager transactions;

    /** Orders in every state the policy tells apart, placed and paid through the API and driven through the process. */
    private Shop.PlacedOrder delivered;
    private Shop.PlacedOrder retried;
    private Shop.PlacedOrder refunded;
    private Shop.PlacedOrder expired;
    private Shop.PlacedOrder manual;
    private Shop.PlacedOrder parked;
    private Shop.PlacedOrder paid;

    @AfterEach
    void mailServerBackAndDefaultBatches() {
        TestMail.start();
        retention.setBatchSize(500);
    }

    @Test
    void aYearOfRetentionErasesEachKindOfPersonalDataAfterItsTimeAndKeepsTheAccounting() throws Exception {
        placeOrdersInEveryState();
        Map<String, Object> accounting = accounting();
        Map<String, Object> personal = personalData();
        List<String> details = auditDetails();
        assertThat(details).as("the refund's reason, at least").anySatisfy(detail -> assertThat(detail).contains("changed their mind"));

        runAt(Duration.ofDays(6)); // inside every window
        assertThat(personalData()).isEqualTo(personal);

        runAt(Duration.ofDays(8)); // past the unpaid order's week
        assertThat(email(expired)).isEqualTo(ERASED);
        assertThat(clientAddress(expired)).isNull();
        assertThat(email(delivered)).isEqualTo("delivered@retention.example.com");
        assertThat(clientAddress(delivered)).isNotNull();

        runAt(Duration.ofDays(31)); // past the month of addresses, gateway notices and delivery errors
        for (Shop.PlacedOrder ended : List.of(delivered, retried, refunded)) {
            assertThat(clientAddress(ended)).as("client address of " + ended.orderNo()).isNull();
            assertThat(rawNotice(ended)).as("gateway notice of " + ended.orderNo()).isNull();
        }
        assertThat(errors(retried)).as("delivery errors of an ended order").containsOnlyNulls().hasSize(1);
        assertThat(email(delivered)).isEqualTo("delivered@retention.example.com");
        assertThat(recipients(retried)).containsOnly("retried@retention.example.com");
        assertKeptWhileWorkIsOpen();

        runAt(Duration.ofDays(91)); // past the buyer's email
        for (Shop.PlacedOrder ended : List.of(delivered, retried, refunded, expired)) {
            assertThat(email(ended)).as("email of " + ended.orderNo()).isEqualTo(ERASED);
        }
        for (Shop.PlacedOrder mailed : List.of(delivered, retried, refunded)) {
            assertThat(recipients(mailed)).as("delivery recipients of " + mailed.orderNo()).isNotEmpty().containsOnly(ERASED);
        }
        assertKeptWhileWorkIsOpen();
        assertThat(accounting()).as("orders, amounts, payments and keys for the books").isEqualTo(accounting);
        assertThat(auditDetails()).as("audit details are kept for a year").isEqualTo(details);
        assertTheBuyersPathsAnswerNeutrallyForErasedOrders();
        accounting = accounting(); // the order page recorded its reveal of the keys

        runAt(Duration.ofDays(366)); // past the audit details' year
        assertThat(auditDetails()).containsOnlyNulls();
        assertThat(jdbc.queryForList("SELECT actor || ' ' || action || ' ' || subject FROM audit_event", String.class))
                .as("who did what to which order stays").contains("admin order.refund " + refunded.orderNo());
        assertKeptWhileWorkIsOpen();
        assertThat(accounting()).isEqualTo(accounting);
    }

    @Test
    void aBacklogIsErasedInBoundedBatchesEachInAJobAndTransactionOfItsOwn() {
        Shop.productWithKeys(shop, "MANY", "1.00", 5);
        for (int i = 0; i < 5; i++) {
            executeJob(instanceFor(paidOrder("MANY", 1, "many" + i + "@retention.example.com").orderNo()));
        }
        retention.setBatchSize(2);
        List<String> earlierRuns = runs();

        runAt(Duration.ofDays(91));

        assertThat(jdbc.queryForList("SELECT buyer_email FROM customer_order", String.class)).hasSize(5).containsOnly(ERASED);
        List<String> thisRun = runs();
        thisRun.removeAll(earlierRuns);
        assertThat(thisRun).hasSize(1);
        String run = thisRun.get(0);
        assertThat(engine.getHistoryService().createHistoricJobLogQuery().processInstanceId(run)
                .activityIdIn("ForgetPersonalData").successLog().count()).as("batches of 2, 2 and 1, a job each").isEqualTo(3);
        assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(run)
                .variableName("rowsForgotten").singleResult().getValue()).as("5 orders and more")
                .isInstanceOfSatisfying(Integer.class, rows -> assertThat(rows).isGreaterThanOrEqualTo(10));
    }

    /**
     * Checkouts keep no email or address in a lock row (PostgreSQL locks by key); the rows an earlier release left go,
     * except one a checkout of that release holds at that moment (its next run takes it), and erasures racing a buyer's
     * checkouts leave the buyer's cap as it was.
     */
    @Test
    void checkoutsLeaveNoLockRowsTheRowsOfAnEarlierReleaseGoAndTheBuyerCapHoldsAgainstTheErasure() throws Exception {
        Shop.productWithKeys(shop, "LOCKS", "1.00", 20);
        Shop.order(shop, "LOCKS", 1, "held@retention.example.com");
        assertThat(shop.send("POST", "/api/orders", "application/json", ShopClient.json(Map.of("sku", "LOCKS", "quantity", 1,
                "email", "behind-nat@retention.example.com", "channel", "sandbox")), Map.of("X-Forwarded-For", "203.0.113.91"))
                .status()).isEqualTo(201);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM buyer_lock", Integer.class)).as("no email kept to lock").isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM address_lock", Integer.class)).as("no address either").isZero();

        // what a release before keyed locks left behind, one row held by its checkout in flight
        jdbc.update("INSERT INTO buyer_lock (email) VALUES ('held@retention.example.com'), ('idle@retention.example.com')");
        jdbc.update("INSERT INTO address_lock (address) VALUES ('203.0.113.91')");
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch erased = new CountDownLatch(1);
        Thread checkoutInFlight = new Thread(() -> new TransactionTemplate(transactions).executeWithoutResult(tx -> {
            jdbc.queryForList("SELECT email FROM buyer_lock WHERE email = 'held@retention.example.com' FOR UPDATE");
            locked.countDown();
            try {
                erased.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        checkoutInFlight.start();
        assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
        runPeriodicProcess(PROCESS);
        erased.countDown();
        checkoutInFlight.join(10_000);
        assertThat(jdbc.queryForList("SELECT email FROM buyer_lock", String.class)).as("the held lock row stays")
                .containsExactly("held@retention.example.com");
        assertThat(jdbc.queryForList("SELECT address FROM address_lock", String.class)).isEmpty();
        runPeriodicProcess(PROCESS);
        assertThat(jdbc.queryForList("SELECT email FROM buyer_lock", String.class)).isEmpty();

        // a buyer holds one reserving order; four more checkouts race erasures: the cap of 3 holds
        List<Callable<Integer>> racing = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            racing.add(() -> shop.createOrder("LOCKS", 1, "held@retention.example.com", "sandbox").status());
        }
        for (int i = 0; i < 2; i++) {
            racing.add(() -> {
                for (int round = 0; round < 20; round++) {
                    new TransactionTemplate(transactions).executeWithoutResult(tx -> forget.forgetBatch(Instant.now()));
                }
                return 0;
            });
        }
        List<Integer> statuses = Concurrently.run(racing.size(), racing).subList(0, 4);
        assertThat(statuses).as("checkouts of the same buyer during erasures").containsOnly(201, 429)
                .filteredOn(status -> status == 201).hasSize(2);
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM customer_order WHERE buyer_email = 'held@retention.example.com'
                AND status = 'PENDING_PAYMENT'""", Integer.class)).isEqualTo(3);
    }

    private List<String> runs() {
        return new ArrayList<>(engine.getHistoryService().createHistoricProcessInstanceQuery().processDefinitionKey(PROCESS)
                .list().stream().map(run -> run.getId()).toList());
    }

    private void placeOrdersInEveryState() {
        Shop.productWithKeys(shop, "KEEP", "5.00", 10);
        delivered = paidOrder("KEEP", 1, "delivered@retention.example.com");
        executeJob(instanceFor(delivered.orderNo())); // Send keys

        retried = paidOrder("KEEP", 1, "retried@retention.example.com");
        ProcessInstance retrying = instanceFor(retried.orderNo());
        TestMail.stop();
        executeJob(retrying); // a failed attempt: its error is recorded
        TestMail.start();
        executeJobs(retrying, 2); // the wait, the attempt that delivers
        assertThat(retrying).isEnded().hasPassed("OrderDelivered");

        refunded = paidOrder("KEEP", 1, "refunded@retention.example.com");
        executeJob(instanceFor(refunded.orderNo()));
        ProcessInstance refund = requestRefund(refunded);
        executeJob(refund);
        assertThat(refund).isEnded();
        assertThat(orderStatus(refunded.orderNo())).isEqualTo("REFUNDED");

        manual = paidOrder("KEEP", 1, "manual@retention.example.com");
        jdbc.update("UPDATE customer_order SET buyer_email = 'manual@@retention.example.com' WHERE order_no = ?", manual.orderNo());
        executeJob(instanceFor(manual.orderNo())); // refused at once: support's task
        assertThat(instanceFor(manual.orderNo())).isWaitingAt("ManualDelivery");

        paid = paidOrder("KEEP", 1, "paid@retention.example.com"); // waits at Send keys

        expired = Shop.order(shop, "KEEP", 1, "expired@retention.example.com");
        expireUnpaidOrders();

        takeKeysOnPayment(); // two orders for the last key: the second one paid waits for stock
        Shop.productWithKeys(shop, "LAST", "3.00", 1);
        Shop.PlacedOrder first = Shop.order(shop, "LAST", 1, "first@retention.example.com");
        parked = Shop.order(shop, "LAST", 1, "parked@retention.example.com");
        Shop.pay(shop, first, "T-" + first.orderNo());
        executeJob(instanceFor(first.orderNo()));
        Shop.pay(shop, parked, "T-" + parked.orderNo());
        assertThat(instanceFor(parked.orderNo())).isWaitingAt("WaitForStock");

        assertThat(Map.of(delivered, "DELIVERED", retried, "DELIVERED", refunded, "REFUNDED", expired, "EXPIRED",
                manual, "MANUAL", paid, "PAID", parked, "AWAITING_STOCK"))
                .allSatisfy((order, status) -> assertThat(orderStatus(order.orderNo())).isEqualTo(status));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order WHERE client_address IS NULL", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment WHERE raw_notice IS NULL", Integer.class)).isZero();
        assertThat(errors(retried)).hasSize(1).doesNotContainNull();
    }

    /** An order with work left (paid, parked, in support's hands) keeps all its personal data, however old. */
    private void assertKeptWhileWorkIsOpen() {
        assertThat(email(manual)).isEqualTo("manual@@retention.example.com");
        assertThat(email(paid)).isEqualTo("paid@retention.example.com");
        assertThat(email(parked)).isEqualTo("parked@retention.example.com");
        for (Shop.PlacedOrder busy : List.of(manual, paid, parked)) {
            assertThat(clientAddress(busy)).as("client address of " + busy.orderNo()).isNotNull();
            assertThat(rawNotice(busy)).as("gateway notice of " + busy.orderNo()).isNotNull();
        }
        assertThat(errors(manual)).doesNotContainNull().hasSize(1);
        assertThat(recipients(manual)).containsOnly("manual@@retention.example.com");
    }

    private void assertTheBuyersPathsAnswerNeutrallyForErasedOrders() throws Exception {
        ShopClient.Response page = shop.getOrder(delivered.orderNo(), delivered.accessToken());
        assertThat(page.status()).as("the order page still opens with its token").isEqualTo(200);
        assertThat(page.json().get("keys")).hasSize(1);
        assertThat(page.body()).doesNotContain("@", "erased");

        TestMail.get().purgeEmailFromAllMailboxes();
        StorefrontForms browser = new StorefrontForms(port, "203.0.113.90");
        String csrf = browser.csrfToken("/find-order");
        ShopClient.Response forErased = browser.post("/find-order",
                Map.of("orderNo", delivered.orderNo(), "email", "delivered@retention.example.com", "_csrf", csrf));
        ShopClient.Response forKept = browser.post("/find-order",
                Map.of("orderNo", paid.orderNo(), "email", "paid@retention.example.com", "_csrf", csrf));
        assertThat(forErased.status()).isEqualTo(200).isEqualTo(forKept.status());
        await().atMost(Duration.ofSeconds(10)).until(() -> mailsTo("paid@retention.example.com") == 1);
        Thread.sleep(500); // a mail for the erased order would be here by now
        assertThat(TestMail.get().getReceivedMessages()).as("only the order inside the window gets its link").hasSize(1);

        ShopClient.Response resend = shop.admin("POST", "/api/admin/orders/" + delivered.orderNo() + "/resend", null, null);
        assertThat(resend.status()).isEqualTo(409);
        assertThat(resend.json().get("detail").asText()).contains("erased");
    }

    /** Fires the process with the engine clock this far after now. */
    private void runAt(Duration later) {
        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(later)));
        runPeriodicProcess(PROCESS);
    }

    private Map<String, Object> personalData() {
        return Map.of(
                "orders", jdbc.queryForList("SELECT order_no, buyer_email, client_address FROM customer_order ORDER BY id"),
                "notices", jdbc.queryForList("SELECT id, raw_notice FROM payment ORDER BY id"),
                "attempts", jdbc.queryForList("SELECT id, recipient, error FROM delivery_attempt ORDER BY id"),
                "audit", jdbc.queryForList("SELECT id, detail FROM audit_event ORDER BY id"));
    }

    private Map<String, Object> accounting() {
        return Map.of(
                "orders", jdbc.queryForList("""
                        SELECT order_no, product_id, quantity, amount_minor, currency, status, channel, payment_id,
                               created_at, paid_at, delivered_at, access_token_hash FROM customer_order ORDER BY id"""),
                "payments", jdbc.queryForList("""
                        SELECT id, channel, trade_no, order_no, amount_minor, currency, raw_status, event_id, received_at,
                               refunded_at, refund_reference, refund_status FROM payment ORDER BY id"""),
                "keys", jdbc.queryForList("SELECT id, status, order_id, sold_at, revealed_at FROM card_key ORDER BY id"),
                "reveals", jdbc.queryForList("SELECT key_id, order_id, channel FROM key_reveal ORDER BY id"),
                "attempts", jdbc.queryForList("SELECT order_id, attempt_no, outcome, message_id, attempted_at FROM delivery_attempt ORDER BY id"));
    }

    private String email(Shop.PlacedOrder order) {
        return jdbc.queryForObject("SELECT buyer_email FROM customer_order WHERE order_no = ?", String.class, order.orderNo());
    }

    private String clientAddress(Shop.PlacedOrder order) {
        return jdbc.queryForObject("SELECT client_address FROM customer_order WHERE order_no = ?", String.class, order.orderNo());
    }

    private String rawNotice(Shop.PlacedOrder order) {
        return jdbc.queryForObject("SELECT raw_notice FROM payment WHERE order_no = ?", String.class, order.orderNo());
    }

    private List<String> errors(Shop.PlacedOrder order) {
        return jdbc.queryForList("""
                SELECT a.error FROM delivery_attempt a JOIN customer_order o ON o.id = a.order_id
                WHERE o.order_no = ? AND a.outcome <> 'SENT' ORDER BY a.attempt_no""", String.class, order.orderNo());
    }

    private List<String> recipients(Shop.PlacedOrder order) {
        return jdbc.queryForList("""
                SELECT a.recipient FROM delivery_attempt a JOIN customer_order o ON o.id = a.order_id
                WHERE o.order_no = ? ORDER BY a.attempt_no""", String.class, order.orderNo());
    }

    private List<String> auditDetails() {
        return jdbc.queryForList("SELECT detail FROM audit_event ORDER BY id", String.class);
    }
}
