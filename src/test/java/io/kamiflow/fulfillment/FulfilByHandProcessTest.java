package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.icegreen.greenmail.util.GreenMailUtil;
import io.kamiflow.support.Concurrently;
import io.kamiflow.support.HandProducts;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import io.kamiflow.support.TestDatabase;
import io.kamiflow.support.TestMail;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * order-fulfillment for a product a person fulfils: Fulfil by hand, its SLA timer, and refund from the task; keys picked
 * from the product's own stock instead of (or with) a text, through the same claim as automatic delivery: exactly once,
 * all or nothing when stock is short, voided or taken meanwhile, never for a field the form does not have.
 */
class FulfilByHandProcessTest extends ProcessTest {

    @Autowired
    IdentityService identity;

    @Test
    void paidOrderGoesToFulfilByHandAndIsDeliveredWithTheText() throws Exception {
        HandProducts.product(shop, "TOPUP-1", "30.00");
        Shop.PlacedOrder order = HandProducts.order(shop, "TOPUP-1", "dora@example.com", "123456789");
        assertThat(Shop.pay(shop, order, "T-HAND-1").body()).isEqualTo("success");

        ProcessInstance instance = instanceFor(order.orderNo());
        assertThat(instance).isWaitingAt("FulfilByHand").hasPassed("VerifyPayment", "ClaimKeys", "ByHand");
        assertThat(task(instance)).hasCandidateGroup("kamiflow-support").hasName("Fulfil by hand for order " + order.orderNo());
        assertThat(formRef(instance)).isEqualTo("fulfil-by-hand");
        Map<String, Object> shown = engine.getTaskService().getVariablesLocal(task(instance).getId());
        assertThat(shown).containsEntry("orderAmount", "30.00 CNY").containsEntry("orderChannel", "sandbox")
                .containsEntry("orderTradeNo", "T-HAND-1").containsEntry("orderQuantity", 1);
        assertThat(shown.get("buyerFields").toString()).contains("Game account id / 游戏账号: 123456789", "Server / 服务器: Asia-1");
        assertThat(orderStatus(order.orderNo())).isEqualTo("PAID");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key", Integer.class)).isZero();

        complete(instance, Map.of("handAction", "deliver", "deliveryText", "Top-up receipt R-778899", "handNote", "done in the game console"));
        assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");
        // the text left the engine with the completion: not a variable, not in the history
        assertThat(engine.getRuntimeService().getVariables(instance.getId())).doesNotContainKeys("deliveryText", "handNote");
        assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().variableName("deliveryText").count()).isZero();
        byte[] stored = jdbc.queryForObject("SELECT secret_ciphertext FROM hand_delivery", byte[].class);
        assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("R-778899");

        executeJob(instance); // the user task's async continuation
        executeJob(instance); // Mail the delivery
        assertThat(instance).isEnded().hasPassed("FulfilByHand", "MailHandDelivery", "FulfilledByHand");
        var mails = TestMail.get().getReceivedMessagesForDomain("dora@example.com");
        assertThat(mails).hasSize(1);
        assertThat(com.icegreen.greenmail.util.GreenMailUtil.getBody(mails[0])).contains("R-778899");
        assertThat(shop.getOrder(order.orderNo(), order.accessToken()).json().get("delivery").asText())
                .isEqualTo("Top-up receipt R-778899");
        assertThat(jdbc.queryForObject("SELECT revealed_at IS NOT NULL FROM hand_delivery", Boolean.class)).isTrue();
        assertThat(jdbc.queryForObject("SELECT detail FROM audit_event WHERE action = 'task.complete'", String.class))
                .isEqualTo("FulfilByHand: delivered: done in the game console");
    }

    @Test
    void deliverWithoutTextIsRefusedAndTheTaskStays() {
        HandProducts.product(shop, "TOPUP-2", "30.00");
        Shop.PlacedOrder order = HandProducts.order(shop, "TOPUP-2", "eve@example.com", "55555");
        Shop.pay(shop, order, "T-HAND-2");
        ProcessInstance instance = instanceFor(order.orderNo());

        assertThatThrownBy(() -> complete(instance, Map.of("handAction", "deliver", "deliveryText", " ")))
                .isInstanceOf(ProcessEngineException.class).hasMessageContaining("deliveryText");
        assertThat(instance).isWaitingAt("FulfilByHand");
        assertThat(orderStatus(order.orderNo())).isEqualTo("PAID");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM hand_delivery", Integer.class)).isZero();
    }

    @Test
    void untouchedTaskIsEscalatedToAdminsAfterItsSla() {
        HandProducts.product(shop, "TOPUP-3", "30.00");
        Shop.PlacedOrder order = HandProducts.order(shop, "TOPUP-3", "finn@example.com", "66666");
        Shop.pay(shop, order, "T-HAND-3");
        ProcessInstance instance = instanceFor(order.orderNo());
        var timer = jobAt(instance, "FulfilByHandSla");
        // PT2H by default (kamiflow.by-hand.sla)
        assertThat(timer.getDuedate().toInstant()).isBetween(java.time.Instant.now().plusSeconds(7100),
                java.time.Instant.now().plusSeconds(7300));
        Task before = task(instance);
        assertThat(before).hasCandidateGroup("kamiflow-support");

        engine.getManagementService().executeJob(timer.getId());

        assertThat(instance).isWaitingAt("FulfilByHand").hasPassed("EscalateFulfilByHand", "FulfilByHandEscalated");
        Task after = task(instance);
        assertThat(after.getId()).isEqualTo(before.getId()); // the same task, not a new one: nothing support did is lost
        assertThat(after).hasCandidateGroup("kamiflow-admin").hasCandidateGroup("kamiflow-support");
        assertThat(after.getPriority()).isEqualTo(80);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'task.escalated'", Integer.class)).isEqualTo(1);
    }

    @Test
    void supportRefundsFromTheTask() {
        HandProducts.product(shop, "TOPUP-4", "30.00");
        Shop.PlacedOrder order = HandProducts.order(shop, "TOPUP-4", "gus@example.com", "77777");
        Shop.pay(shop, order, "T-HAND-4");
        ProcessInstance instance = instanceFor(order.orderNo());

        complete(instance, Map.of("handAction", "refund", "handNote", "account does not exist"));
        runUntilOnlyTasksWait(order.orderNo());

        assertThat(instance).isEnded().hasPassed("RefundPayment", "OrderRefunded").hasNotPassed("MailHandDelivery");
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM hand_delivery", Integer.class)).isZero();
        assertThat(shop.getOrder(order.orderNo(), order.accessToken()).json().has("delivery")).isFalse();
    }

    @Test
    void invariantCatchesAHandFulfilledPaidOrderWithoutInstanceOrDelivery() throws Exception {
        HandProducts.product(shop, "TOPUP-5", "30.00");
        Shop.PlacedOrder order = HandProducts.order(shop, "TOPUP-5", "hal@example.com", "88888");
        Shop.pay(shop, order, "T-HAND-5");
        ProcessInstance instance = instanceFor(order.orderNo());
        assertInvariants();

        engine.getRuntimeService().deleteProcessInstance(instance.getId(), "test: lost instance");
        assertThat(invariants.check()).extracting(v -> v.invariant())
                .contains("a hand-fulfilled paid order has neither a running instance nor a delivery");
        // a delivery makes the order whole again, and the check passes
        jdbc.update("UPDATE customer_order SET status = 'DELIVERED' WHERE order_no = ?", order.orderNo());
        jdbc.update("""
                INSERT INTO hand_delivery (order_id, secret_ciphertext, secret_key_id, delivered_by)
                SELECT id, ?, 't1', 'test' FROM customer_order WHERE order_no = ?""", new byte[] {1, 2, 3}, order.orderNo());
        assertThat(invariants.check()).isEmpty();
    }

    @Test
    void supportDeliversKeysFromTheProductsOwnStockWithAText() throws Exception {
        HandProducts.product(shop, "ACCT-1", "30.00");
        importKeys("ACCT-1", "ACCT-AAAA-0001\nACCT-AAAA-0002\nACCT-AAAA-0003");
        Shop.PlacedOrder order = HandProducts.order(shop, "ACCT-1", 2, "ivy@example.com", "123456789");
        Shop.pay(shop, order, "T-KEYS-1");
        ProcessInstance instance = instanceFor(order.orderNo());
        Map<String, Object> shown = engine.getTaskService().getVariablesLocal(task(instance).getId());
        assertThat(shown).containsEntry("keysInStock", 3L).containsEntry("keysEnough", true);

        complete(instance, Map.of("handAction", "deliverKeys", "deliveryText", "Change the password after the first login",
                "handNote", "two accounts"));

        assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");
        assertThat(keysOf(order.orderNo(), "SOLD")).isEqualTo(2);
        assertThat(keysIn("AVAILABLE")).isEqualTo(1);
        // handed over by support: a later refund voids them instead of reselling them
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_reveal WHERE channel = 'HAND'", Integer.class)).isEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT detail FROM audit_event WHERE action = 'task.complete'", String.class))
                .isEqualTo("FulfilByHand: delivered 2 keys from stock and a text: two accounts");
        // the admin voids the batch afterwards: only the unsold key goes
        String batch = jdbc.queryForObject("SELECT min(batch_id) FROM card_key", String.class);
        assertThat(shop.admin("POST", "/api/admin/products/ACCT-1/batches/" + batch + "/void", null, null).status()).isEqualTo(200);
        assertThat(keysOf(order.orderNo(), "SOLD")).isEqualTo(2);
        assertThat(keysIn("VOID")).isEqualTo(1);

        executeJob(instance); // the user task's async continuation
        executeJob(instance); // Mail the delivery
        assertThat(instance).isEnded().hasPassed("FulfilByHand", "MailHandDelivery", "FulfilledByHand");
        String mail = GreenMailUtil.getBody(TestMail.get().getReceivedMessagesForDomain("ivy@example.com")[0]);
        assertThat(mail).contains("ACCT-AAAA-0001", "ACCT-AAAA-0002", "Change the password").doesNotContain("ACCT-AAAA-0003");
        var page = shop.getOrder(order.orderNo(), order.accessToken()).json();
        assertThat(page.get("keys").toString()).contains("ACCT-AAAA-0001", "ACCT-AAAA-0002");
        assertThat(page.get("delivery").asText()).isEqualTo("Change the password after the first login");
        assertThat(jdbc.queryForList("SELECT DISTINCT channel FROM key_reveal ORDER BY channel", String.class))
                .containsExactly("HAND", "MAIL", "PAGE");
        // key values never in the engine: variables, history
        assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(instance.getId()).list())
                .extracting(v -> String.valueOf(v.getValue())).noneMatch(value -> value.contains("ACCT-AAAA"));
    }

    /**
     * The buyer reloads the order page while the delivery mail is prepared. Each reveals the keys and the text in one
     * transaction; they must take the locks in the same order (keys, then text) or each waits for the other. The mail
     * took the text first: a reload at that moment deadlocked with it (seen in CI, HandFulfilmentBrowserTest: the mail
     * failed and its retry came a minute later). The page's two steps are its statements here, so the test can stop
     * between them.
     */
    @Test
    void aPageReloadWhileTheDeliveryMailIsPreparedDoesNotDeadlockWithIt() throws Exception {
        HandProducts.product(shop, "ACCT-9", "30.00");
        importKeys("ACCT-9", "ACCT-CCCC-0001\nACCT-CCCC-0002");
        Shop.PlacedOrder order = HandProducts.order(shop, "ACCT-9", 1, "kim@example.com", "123456789");
        Shop.pay(shop, order, "T-KEYS-9");
        ProcessInstance instance = instanceFor(order.orderNo());
        complete(instance, Map.of("handAction", "deliverKeys", "deliveryText", "Change the password", "handNote", "one"));
        executeJob(instance); // the user task's async continuation: Mail the delivery is next
        long orderId = jdbc.queryForObject("SELECT id FROM customer_order WHERE order_no = ?", Long.class, order.orderNo());

        TestDatabase.Db db = TestDatabase.get();
        ExecutorService mailThread = Executors.newSingleThreadExecutor();
        try (Connection page = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            page.setAutoCommit(false);
            page.createStatement().execute("SET LOCAL lock_timeout = '10s'");
            // the page's first step (KeyReveals): the order's keys, locked
            page.createStatement().executeQuery("SELECT id FROM card_key WHERE order_id = " + orderId + " FOR UPDATE").close();
            Future<?> mail = mailThread.submit(() -> executeJob(instance)); // Mail the delivery: prepare, send, record
            await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject("""
                    SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
                    AND query LIKE '%card_key%'""", Integer.class) == 1); // the mail waits for the page's keys
            // the page's second step (HandDeliveries.reveal): the text's reveal, while the mail waits
            page.createStatement().executeUpdate("UPDATE hand_delivery SET revealed_at = CURRENT_TIMESTAMP WHERE order_id = "
                    + orderId + " AND revealed_at IS NULL");
            page.commit();
            mail.get(30, TimeUnit.SECONDS);
        } finally {
            mailThread.shutdownNow();
        }
        assertThat(instance).isEnded().hasPassed("MailHandDelivery");
        assertThat(mailsTo("kim@example.com")).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT DISTINCT channel FROM key_reveal ORDER BY channel", String.class))
                .containsExactly("HAND", "MAIL");
    }

    @Test
    void shortStockRefusesTheKeysWithAClearMessageAndNothingIsHalfDelivered() throws Exception {
        HandProducts.product(shop, "ACCT-2", "10.00");
        importKeys("ACCT-2", "ACCT-BBBB-0001");
        Shop.PlacedOrder order = HandProducts.order(shop, "ACCT-2", 2, "jan@example.com", "23456789");
        Shop.pay(shop, order, "T-KEYS-2");
        ProcessInstance instance = instanceFor(order.orderNo());
        assertThat(engine.getTaskService().getVariablesLocal(task(instance).getId()))
                .containsEntry("keysInStock", 1L).containsEntry("keysEnough", false);

        assertThatThrownBy(() -> complete(instance, Map.of("handAction", "deliverKeys", "deliveryText", "a note")))
                .isInstanceOf(ProcessEngineException.class)
                .hasMessageContaining("not enough keys in stock").hasMessageContaining("needs 2").hasMessageContaining("1 available");
        assertThat(instance).isWaitingAt("FulfilByHand");
        assertNothingDelivered(order.orderNo());
        assertThat(keysIn("AVAILABLE")).isEqualTo(1);

        importKeys("ACCT-2", "ACCT-BBBB-0002"); // restocked while the task is open: the form says so; keys only, no text
        await().pollInSameThread().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(engine.getTaskService()
                .getVariablesLocal(task(instance).getId())).containsEntry("keysInStock", 2L).containsEntry("keysEnough", true));
        complete(instance, Map.of("handAction", "deliverKeys"));
        assertThat(keysOf(order.orderNo(), "SOLD")).isEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM hand_delivery", Integer.class)).isZero();
        executeJob(instance);
        executeJob(instance);
        assertThat(instance).isEnded().hasPassed("MailHandDelivery");
        assertThat(GreenMailUtil.getBody(TestMail.get().getReceivedMessagesForDomain("jan@example.com")[0]))
                .contains("ACCT-BBBB-0001", "ACCT-BBBB-0002");

        // refunded afterwards: keys that reached the buyer are voided, never sold again
        requestRefund(order);
        runUntilOnlyTasksWait(order.orderNo());
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
        assertThat(keysIn("VOID")).isEqualTo(2);
        assertThat(keysIn("AVAILABLE")).isZero();
    }

    @Test
    void stockTakenByAnotherTaskOrVoidedDuringThePickLeavesTheTaskOpen() throws Exception {
        HandProducts.product(shop, "ACCT-3", "10.00");
        importKeys("ACCT-3", "ACCT-CCCC-0001\nACCT-CCCC-0002");
        Shop.PlacedOrder first = HandProducts.order(shop, "ACCT-3", "kim@example.com", "3456789");
        Shop.PlacedOrder second = HandProducts.order(shop, "ACCT-3", "lou@example.com", "4567890");
        Shop.PlacedOrder third = HandProducts.order(shop, "ACCT-3", "max@example.com", "5678901");
        Shop.pay(shop, first, "T-KEYS-3A");
        Shop.pay(shop, second, "T-KEYS-3B");
        Shop.pay(shop, third, "T-KEYS-3C");
        complete(instanceFor(first.orderNo()), Map.of("handAction", "deliverKeys"));

        // an admin voids the batch while support picks: the void's rows are locked, the pick skips them and is short
        TestDatabase.Db db = TestDatabase.get();
        try (Connection admin = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            admin.setAutoCommit(false);
            admin.createStatement().executeUpdate("UPDATE card_key SET status = 'VOID' WHERE status = 'AVAILABLE'");
            assertThatThrownBy(() -> complete(instanceFor(second.orderNo()), Map.of("handAction", "deliverKeys")))
                    .hasMessageContaining("not enough keys in stock");
            admin.commit();
        }
        assertThat(instanceFor(second.orderNo())).isWaitingAt("FulfilByHand");
        assertNothingDelivered(second.orderNo());
        // the last key went to the first order; the third task, opened when there was stock, is refused too
        assertThatThrownBy(() -> complete(instanceFor(third.orderNo()), Map.of("handAction", "deliverKeys")))
                .hasMessageContaining("not enough keys in stock");
        assertNothingDelivered(third.orderNo());
        complete(instanceFor(third.orderNo()), Map.of("handAction", "deliver", "deliveryText", "sent by chat"));
        assertThat(orderStatus(third.orderNo())).isEqualTo("DELIVERED");
        assertThat(keysOf(first.orderNo(), "SOLD")).isEqualTo(1);
        assertThat(keysIn("VOID")).isEqualTo(1);
    }

    @Test
    void twoAgentsOneWithKeysOneWithTextDeliverOnceAndALateSubmissionChangesNothing() throws Exception {
        SupportDesk.ensureUser(identity);
        HandProducts.product(shop, "ACCT-4", "10.00");
        importKeys("ACCT-4", "ACCT-DDDD-0001\nACCT-DDDD-0002\nACCT-DDDD-0003\nACCT-DDDD-0004");
        int keysWon = 0;
        for (int round = 0; round < 3; round++) {
            Shop.PlacedOrder order = HandProducts.order(shop, "ACCT-4", "race" + round + "@example.com", "6789" + round);
            Shop.pay(shop, order, "T-KEYS-4" + round);
            String taskId = task(instanceFor(order.orderNo())).getId();
            List<Callable<Integer>> agents = new ArrayList<>();
            agents.add(() -> submit(taskId, "{\"handAction\":{\"value\":\"deliverKeys\"}}").status());
            String text = "{\"handAction\":{\"value\":\"deliver\"},\"deliveryText\":{\"value\":\"text " + round + "\"}}";
            agents.add(() -> submit(taskId, text).status());
            assertThat(Concurrently.run(2, agents)).as("one agent's submission wins").containsOnlyOnce(204);
            assertThat(submit(taskId, "{\"handAction\":{\"value\":\"deliverKeys\"}}").status()).isNotEqualTo(204);
            int keys = keysOf(order.orderNo(), "SOLD");
            int texts = jdbc.queryForObject("SELECT count(*) FROM hand_delivery h JOIN customer_order o ON o.id = h.order_id "
                    + "WHERE o.order_no = ?", Integer.class, order.orderNo());
            assertThat(keys + texts).as("keys or the text, once").isEqualTo(1);
            assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");
            keysWon += keys;
        }
        assertThat(keysIn("SOLD")).isEqualTo(keysWon);
        assertThat(keysIn("AVAILABLE")).isEqualTo(4 - keysWon);
    }

    @Test
    void withoutTheStockForTheOrderTheFormOffersNoKeysAndNoClientCanChooseThem() throws Exception {
        SupportDesk.ensureUser(identity);
        HandProducts.product(shop, "ACCT-6", "10.00"); // a top-up: no keys at all
        Shop.PlacedOrder order = HandProducts.order(shop, "ACCT-6", "pia@example.com", "9012345");
        Shop.pay(shop, order, "T-KEYS-6");
        ProcessInstance instance = instanceFor(order.orderNo());
        String taskId = task(instance).getId();
        assertThat(engine.getTaskService().getVariable(taskId, HandKeyPick.KEYS_ENOUGH)).isEqualTo(false);

        for (String offered : List.of("{\"handAction\":{\"value\":\"deliverKeys\"}}",
                "{\"handAction\":{\"value\":\"deliver\"},\"deliveryText\":{\"value\":\"x\"}}")) {
            ShopClient.Response refused = submit(taskId, offered);
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.json().get("detail").asText()).contains("handAction is not offered in this task's situation");
        }
        ShopClient.Response keys = submit(taskId, "{\"handActionNoKeys\":{\"value\":\"deliverKeys\"}}");
        assertThat(keys.status()).as("not one of this radio's options").isEqualTo(400);
        assertThatThrownBy(() -> complete(instance, Map.of("handActionNoKeys", "deliverKeys")))
                .isInstanceOf(ProcessEngineException.class); // the Java API, past the guard: the form check refuses it
        assertNothingDelivered(order.orderNo());

        ShopClient.Response text = submit(taskId,
                "{\"handActionNoKeys\":{\"value\":\"deliver\"},\"deliveryText\":{\"value\":\"code 42\"}}");
        assertThat(text.status()).as(text.body()).isEqualTo(204);
        assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");
        assertThat(keysIn("SOLD")).isZero();
    }

    @Test
    void whereTheStockCoversTheOrderTheNoKeysDecisionIsRefused() throws Exception {
        SupportDesk.ensureUser(identity);
        HandProducts.product(shop, "ACCT-7", "10.00");
        importKeys("ACCT-7", "ACCT-GGGG-0001");
        Shop.PlacedOrder order = HandProducts.order(shop, "ACCT-7", "quin@example.com", "9123456");
        Shop.pay(shop, order, "T-KEYS-7");
        ProcessInstance instance = instanceFor(order.orderNo());
        String taskId = task(instance).getId();
        ShopClient.Response refused = submit(taskId, "{\"handActionNoKeys\":{\"value\":\"refund\"}}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThatThrownBy(() -> complete(instance, Map.of("handActionNoKeys", "refund")))
                .isInstanceOf(ProcessEngineException.class).hasMessageContaining("is not offered here");
        assertNothingDelivered(order.orderNo());
        assertThat(orderStatus(order.orderNo())).isEqualTo("PAID");
    }

    @Test
    void aSubmissionNamingAKeyOrAnotherOrderIsRefusedBeforeTheEngine() throws Exception {
        SupportDesk.ensureUser(identity);
        HandProducts.product(shop, "ACCT-5", "10.00");
        importKeys("ACCT-5", "ACCT-EEEE-0001\nACCT-EEEE-0002");
        Shop.PlacedOrder mine = HandProducts.order(shop, "ACCT-5", "ned@example.com", "7890123");
        Shop.PlacedOrder other = HandProducts.order(shop, "ACCT-5", "oli@example.com", "8901234");
        Shop.pay(shop, mine, "T-KEYS-5A");
        Shop.pay(shop, other, "T-KEYS-5B");
        String taskId = task(instanceFor(mine.orderNo())).getId();
        long lastKey = jdbc.queryForObject("SELECT max(id) FROM card_key", Long.class);
        for (String extra : List.of("\"keyId\":{\"value\":\"" + lastKey + "\"}", "\"orderNo\":{\"value\":\"" + other.orderNo() + "\"}",
                "\"keysFromSku\":{\"value\":\"ACCT-1\"}", "\"quantity\":{\"value\":\"2\"}")) {
            ShopClient.Response refused = submit(taskId, "{\"handAction\":{\"value\":\"deliverKeys\"}," + extra + "}");
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.json().get("detail").asText()).contains("is not a field of this task's form");
        }
        assertNothingDelivered(mine.orderNo());
        assertNothingDelivered(other.orderNo());
        assertThat(submit(taskId, "{\"handAction\":{\"value\":\"deliverKeys\"}}").status()).isEqualTo(204);
        assertThat(jdbc.queryForObject("SELECT o.order_no FROM card_key k JOIN customer_order o ON o.id = k.order_id "
                + "WHERE k.status = 'SOLD'", String.class)).isEqualTo(mine.orderNo());
        assertThat(keysIn("SOLD")).isEqualTo(1);
    }

    @Test
    void invariantCatchesAnOrderHoldingAnotherProductsKey() throws Exception {
        HandProducts.product(shop, "ACCT-6", "10.00");
        Shop.productWithKeys(shop, "OTHER-6", "1.00", 1);
        Shop.PlacedOrder order = HandProducts.order(shop, "ACCT-6", "pat@example.com", "9012345");
        Shop.pay(shop, order, "T-KEYS-6");
        assertInvariants();
        jdbc.update("""
                UPDATE card_key SET status = 'SOLD', order_id = (SELECT id FROM customer_order WHERE order_no = ?)""", order.orderNo());
        assertThat(invariants.check()).extracting(v -> v.invariant()).contains("an order holds a key of another product");
        jdbc.update("UPDATE card_key SET status = 'AVAILABLE', order_id = NULL");
    }

    private void importKeys(String sku, String keys) {
        ShopClient.Response imported = shop.importKeys(sku, keys);
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
    }

    private ShopClient.Response submit(String taskId, String variables) {
        return SupportDesk.rest(shop, "POST", "/engine-rest/task/" + taskId + "/submit-form", "{\"variables\":" + variables + "}");
    }

    /** The order is paid and waits for support: no key taken, no text stored, no reveal. */
    private void assertNothingDelivered(String orderNo) {
        assertThat(orderStatus(orderNo)).isEqualTo("PAID");
        assertThat(keysOf(orderNo, "SOLD") + keysOf(orderNo, "RESERVED")).isZero();
        assertThat(jdbc.queryForObject("""
                SELECT (SELECT count(*) FROM hand_delivery h WHERE h.order_id = o.id)
                     + (SELECT count(*) FROM key_reveal r WHERE r.order_id = o.id) FROM customer_order o WHERE o.order_no = ?""",
                Integer.class, orderNo)).isZero();
        assertThat(engine.getTaskService().createTaskQuery().processInstanceBusinessKey(orderNo).count()).isEqualTo(1);
    }
}
