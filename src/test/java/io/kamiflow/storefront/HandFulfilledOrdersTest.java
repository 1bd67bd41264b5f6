package io.kamiflow.storefront;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.icegreen.greenmail.util.GreenMailUtil;
import io.kamiflow.notify.NotifyEvent;
import io.kamiflow.notify.NotifyTargets;
import io.kamiflow.support.Concurrently;
import io.kamiflow.support.HandProducts;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import io.kamiflow.support.TestMail;
import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Products fulfilled by hand over HTTP: the owner's field definitions, the buyer's values checked at checkout (API and
 * storefront, zh), support completing Fulfil by hand through the engine REST (once, even when two agents submit at
 * the same moment), the delivery on the order page and in the mail (HTML and text in the order's language with the shop's
 * name, a timeline row; the text never in the logs), and the fields erased with the email (also from a product hook's logged body).
 */
@ExtendWith(OutputCaptureExtension.class)
class HandFulfilledOrdersTest extends ProcessTest {

    private static final String SCRIPT = "<script>alert(1)</script>";

    @Autowired
    IdentityService identity;
    @Autowired
    NotifyTargets targets;

    @Test
    void theOwnerDefinesFieldsAndWrongDefinitionsAreRefusedNamingTheField() {
        HandProducts.product(shop, "HAND-DEF", "10.00");
        var product = shop.admin("GET", "/api/admin/products/HAND-DEF", null, null).json();
        assertThat(product.get("kind").asText()).isEqualTo("BY_HAND");
        assertThat(product.get("inputFields")).hasSize(2);
        assertThat(product.get("inputFields").get(0).get("labelZh").asText()).isEqualTo("游戏账号");

        assertRefused(HandProducts.setKind(shop, "HAND-DEF", "BY_HAND",
                List.of(HandProducts.field("id", "Id", null, true, "([a-z", 10))), "inputFields[0].pattern");
        assertRefused(HandProducts.setKind(shop, "HAND-DEF", "BY_HAND",
                List.of(HandProducts.field("id", "Id", null, true, "a".repeat(201), 10))), "inputFields[0].pattern");
        assertRefused(HandProducts.setKind(shop, "HAND-DEF", "BY_HAND",
                List.of(HandProducts.field("id", "Id", null, true, null, 5000))), "inputFields[0].maxLength");
        assertRefused(HandProducts.setKind(shop, "HAND-DEF", "BY_HAND", List.of(HandProducts.field("id", "Id", null, true, null, 9),
                HandProducts.field("id", "Id again", null, false, null, 9))), "inputFields[1].key");
        assertRefused(HandProducts.setKind(shop, "HAND-DEF", "KEYS", HandProducts.GAME_FIELDS), "inputFields");
        assertRefused(HandProducts.setKind(shop, "HAND-DEF", "SOMETHING", List.of()), "kind");
        // nothing of the refused changes was stored
        assertThat(shop.admin("GET", "/api/admin/products/HAND-DEF", null, null).json().get("inputFields")).hasSize(2);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'product.kind'", Integer.class)).isEqualTo(1);
    }

    @Test
    void checkoutChecksTheBuyersFieldsAndNeedsNoStock() {
        HandProducts.product(shop, "HAND-API", "10.00");
        assertRefused(HandProducts.createOrder(shop, "HAND-API", 1, "a@example.com", null), "fields.account is required");
        assertRefused(HandProducts.createOrder(shop, "HAND-API", 1, "a@example.com", Map.of("account", "12ab")),
                "fields.account does not have the expected format");
        assertRefused(HandProducts.createOrder(shop, "HAND-API", 1, "a@example.com", Map.of("account", "1234567890123")),
                "fields.account is longer than 12");
        assertRefused(HandProducts.createOrder(shop, "HAND-API", 1, "a@example.com", Map.of("account", "12345", "pin", "1")),
                "fields.pin is not a field");
        Shop.productWithKeys(shop, "KEYS", "1.00", 1);
        assertRefused(HandProducts.createOrder(shop, "KEYS", 1, "a@example.com", Map.of("account", "12345")),
                "fields.account is not a field");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isZero();

        ShopClient.Response placed = HandProducts.createOrder(shop, "HAND-API", 3, "a@example.com", Map.of("account", " 12345 "));
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        assertThat(placed.json().get("amount").asText()).isEqualTo("30.00");
        assertThat(jdbc.queryForList("SELECT field_key || '=' || value FROM order_field", String.class))
                .containsExactly("account=12345"); // stripped; the empty optional one is not stored
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key", Integer.class)).isEqualTo(1); // untouched
    }

    @Test
    void aCatastrophicPatternCostsARefusalNotABusyThread() {
        HandProducts.product(shop, "HAND-EVIL", "10.00");
        assertThat(HandProducts.setKind(shop, "HAND-EVIL", "BY_HAND",
                List.of(HandProducts.field("code", "Code", null, true, "(a+)+$", 100))).status()).isEqualTo(200);
        long started = System.nanoTime();
        assertRefused(HandProducts.createOrder(shop, "HAND-EVIL", 1, "a@example.com", Map.of("code", "a".repeat(60) + "!")),
                "fields.code does not have the expected format");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(HandProducts.createOrder(shop, "HAND-EVIL", 1, "a@example.com", Map.of("code", "aaaa")).status()).isEqualTo(201);
    }

    @Test
    void aChineseBuyerGetsWhatSupportEnteredOnTheOrderPageAndInAChineseMail() throws Exception {
        SupportDesk.ensureUser(identity);
        HandProducts.product(shop, "HAND-ZH", "25.00");
        jdbc.update("UPDATE product SET name_zh = ?, usage_notes_zh = ? WHERE sku = 'HAND-ZH'",
                "游戏充值 " + SCRIPT, "在游戏内 **邮箱** 查收");
        StorefrontForms browser = new StorefrontForms(port, null);
        ShopClient.Response page = browser.get("/products/HAND-ZH?lang=zh-CN", "zh-CN");
        assertThat(page.body()).contains("游戏账号", "服务器", "name=\"field_account\"", "付款后由客服人工处理").doesNotContain("库存");

        Map<String, String> form = StorefrontForms.checkoutFields("1", "mei@example.com", "sandbox", StorefrontForms.csrfToken(page));
        form.put("field_account", "12ab");
        ShopClient.Response refused = browser.post("/products/HAND-ZH/checkout", form);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("请检查“游戏账号”", "value=\"12ab\"");

        form.put("field_account", "987654321");
        ShopClient.Response placed = browser.post("/products/HAND-ZH/checkout", form);
        assertThat(placed.status()).as(placed.body()).isEqualTo(302);
        String orderPath = StorefrontForms.header(placed, "Location").replaceFirst("^https?://[^/]+", "");
        String orderNo = orderPath.replaceFirst("^/orders/([^?]+).*", "$1");
        String token = orderPath.replaceFirst(".*token=", "");
        assertThat(Shop.pay(shop, new Shop.PlacedOrder(orderNo, token, "25.00", "CNY"), "T-ZH").body()).isEqualTo("success");
        assertThat(browser.get(orderPath, "zh-CN").body()).contains("客服正在根据您填写的信息处理订单", "订单处理完成后发给您的邮件中也有")
                .doesNotContain("id=\"delivery\"", "卡密邮件"); // no key mail for a product a person fulfils

        Task task = engine.getTaskService().createTaskQuery().processInstanceBusinessKey(orderNo).singleResult();
        ShopClient.Response done = SupportDesk.rest(shop, "POST", "/engine-rest/task/" + task.getId() + "/submit-form",
                "{\"variables\":{\"handActionNoKeys\":{\"value\":\"deliver\"},\"deliveryText\":{\"value\":\"充值成功 单号 CZ-2026-0001\"}}}");
        assertThat(done.status()).as(done.body()).isEqualTo(204);
        runUntilOnlyTasksWait(orderNo);

        String orderPage = browser.get(orderPath, "zh-CN").body();
        assertThat(orderPage).contains("id=\"delivery\"", "充值成功 单号 CZ-2026-0001", "已完成");
        MimeMessage[] mails = TestMail.get().getReceivedMessagesForDomain("mei@example.com");
        assertThat(mails).hasSize(1);
        assertThat(mails[0].getSubject()).isEqualTo("[kamiflow] 订单 " + orderNo + " 已发货");
        String body = texts(mails[0]);
        assertThat(body).contains("充值成功 单号 CZ-2026-0001", "已由客服处理完成", token);
        String text = TestMail.part(mails[0], "text/plain");
        String html = TestMail.part(mails[0], "text/html");
        assertThat(text).contains("您的订单 " + orderNo + " 已由客服处理完成", "游戏充值 " + SCRIPT + " × 1",
                "充值成功 单号 CZ-2026-0001", "使用说明", "在游戏内 **邮箱** 查收", token, "kamiflow").doesNotContain("Your order");
        assertThat(html).contains("已由客服处理完成", "游戏充值 &lt;script&gt;alert(1)&lt;/script&gt;", "充值成功 单号 CZ-2026-0001",
                "在游戏内 <strong>邮箱</strong> 查收", token, ">kamiflow<", "lang=\"zh-CN\"").doesNotContain(SCRIPT, "Your order");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery_attempt WHERE outcome = 'SENT'", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT kind || ' ' || outcome FROM buyer_mail", String.class))
                .as("the mail is a row of the order's timeline").containsExactly("HAND_DELIVERY SENT");
    }

    @Test
    void anEnglishBuyerGetsAnEnglishDeliveryMailWithTheOwnersShopNameAndTheTextStaysOutOfTheLogs(CapturedOutput output)
            throws Exception {
        SupportDesk.ensureUser(identity);
        HandProducts.product(shop, "HAND-EN", "8.00");
        jdbc.update("UPDATE product SET name = ? WHERE sku = 'HAND-EN'", "Top-up " + SCRIPT);
        shopSettings("Top-up Corner", "充值角");
        try {
            Shop.PlacedOrder order = HandProducts.order(shop, "HAND-EN", "sam@example.com", "13579");
            jdbc.update("UPDATE customer_order SET language = 'en' WHERE order_no = ?", order.orderNo());
            Shop.pay(shop, order, "T-EN");
            Task task = engine.getTaskService().createTaskQuery().processInstanceBusinessKey(order.orderNo()).singleResult();
            String secret = "voucher <i>V-7Q2-SECRET</i>";
            engine.getTaskService().complete(task.getId(), Map.of("handAction", "deliver", "deliveryText", secret));
            runUntilOnlyTasksWait(order.orderNo());

            MimeMessage[] mails = TestMail.get().getReceivedMessagesForDomain("sam@example.com");
            assertThat(mails).hasSize(1);
            assertThat(mails[0].getSubject()).isEqualTo("[Top-up Corner] Your order " + order.orderNo() + " is fulfilled");
            String text = TestMail.part(mails[0], "text/plain");
            String html = TestMail.part(mails[0], "text/html");
            assertThat(text).contains("Your order " + order.orderNo() + " was fulfilled", "Top-up " + SCRIPT + " × 1", secret,
                    order.accessToken(), "Top-up Corner").doesNotContain("已由客服", "充值角", "使用说明");
            assertThat(html).contains("Top-up &lt;script&gt;alert(1)&lt;/script&gt;", "voucher &lt;i&gt;V-7Q2-SECRET&lt;/i&gt;",
                    ">Top-up Corner<", "lang=\"en\"").doesNotContain(SCRIPT, "<i>V-7Q2", "已由客服", "充值角");
            assertThat(jdbc.queryForList("SELECT kind || ' ' || outcome FROM buyer_mail", String.class))
                    .containsExactly("HAND_DELIVERY SENT");
            assertThat(output.getAll()).doesNotContain("V-7Q2-SECRET");
        } finally {
            shopSettings(null, null); // the shop's settings outlive the tests' TRUNCATE
        }
    }

    @Test
    void twoAgentsCompletingAtOnceStoreOneDelivery() throws Exception {
        SupportDesk.ensureUser(identity);
        HandProducts.product(shop, "HAND-RACE", "5.00");
        for (int round = 0; round < 5; round++) {
            Shop.PlacedOrder order = HandProducts.order(shop, "HAND-RACE", "race" + round + "@example.com", "1234" + round);
            Shop.pay(shop, order, "T-RACE-" + round);
            Task task = engine.getTaskService().createTaskQuery().processInstanceBusinessKey(order.orderNo()).singleResult();
            List<Callable<Integer>> agents = new ArrayList<>();
            for (String text : List.of("receipt A" + round, "receipt B" + round)) {
                agents.add(() -> SupportDesk.rest(shop, "POST", "/engine-rest/task/" + task.getId() + "/submit-form",
                        "{\"variables\":{\"handActionNoKeys\":{\"value\":\"deliver\"},\"deliveryText\":{\"value\":\"" + text + "\"}}}")
                        .status());
            }
            List<Integer> answers = Concurrently.run(2, agents);
            assertThat(answers).as("one agent's submission wins").containsOnlyOnce(204);
            // the task is gone: a late resubmission changes nothing
            assertThat(SupportDesk.rest(shop, "POST", "/engine-rest/task/" + task.getId() + "/submit-form",
                    "{\"variables\":{\"handActionNoKeys\":{\"value\":\"deliver\"},\"deliveryText\":{\"value\":\"late\"}}}").status())
                    .isNotEqualTo(204);
            runUntilOnlyTasksWait(order.orderNo());
            assertThat(jdbc.queryForObject("""
                    SELECT count(*) FROM hand_delivery h JOIN customer_order o ON o.id = h.order_id WHERE o.order_no = ?""",
                    Integer.class, order.orderNo())).isEqualTo(1);
            String shown = shop.getOrder(order.orderNo(), order.accessToken()).json().get("delivery").asText();
            assertThat(shown).isIn("receipt A" + round, "receipt B" + round);
            MimeMessage[] mails = TestMail.get().getReceivedMessagesForDomain("race" + round + "@example.com");
            assertThat(mails).hasSize(1);
            assertThat(GreenMailUtil.getBody(mails[0])).contains(shown);
            assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");
        }
        assertInvariants();
    }

    @Test
    void anAdminRefundRacingTheCompletionRefundsOnceAndLeavesNoHalfDelivery() throws Exception {
        SupportDesk.ensureUser(identity);
        HandProducts.product(shop, "HAND-REF", "5.00");
        for (int round = 0; round < 3; round++) {
            Shop.PlacedOrder order = HandProducts.order(shop, "HAND-REF", "refund" + round + "@example.com", "5555" + round);
            Shop.pay(shop, order, "T-REF-" + round);
            Task task = engine.getTaskService().createTaskQuery().processInstanceBusinessKey(order.orderNo()).singleResult();
            String code = "code " + round;
            Concurrently.run(2, List.<Callable<Integer>>of(
                    () -> SupportDesk.rest(shop, "POST", "/engine-rest/task/" + task.getId() + "/submit-form",
                            "{\"variables\":{\"handActionNoKeys\":{\"value\":\"deliver\"},\"deliveryText\":{\"value\":\"" + code
                                    + "\"}}}").status(),
                    () -> shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/refund", null, null).status()));
            runUntilOnlyTasksWait(order.orderNo());
            assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM payment WHERE order_no = ? AND refunded_at IS NOT NULL",
                    Integer.class, order.orderNo())).isEqualTo(1);
            assertThat(engine.getTaskService().createTaskQuery().processInstanceBusinessKey(order.orderNo()).count()).isZero();
            assertInvariants();
        }
    }

    @Test
    void theBuyersFieldsAreErasedWithTheEmail() {
        SupportDesk.ensureUser(identity);
        HandProducts.product(shop, "HAND-OLD", "5.00");
        Shop.PlacedOrder order = HandProducts.order(shop, "HAND-OLD", "old@example.com", "24680");
        Shop.pay(shop, order, "T-OLD");
        Task task = engine.getTaskService().createTaskQuery().processInstanceBusinessKey(order.orderNo()).singleResult();
        engine.getTaskService().complete(task.getId(), Map.of("handAction", "deliver", "deliveryText", "code 42"));
        runUntilOnlyTasksWait(order.orderNo());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM order_field", Integer.class)).isEqualTo(2);
        // a product hook's logged body of the order, as it was sent
        long hookId = targets.create("top-up", NotifyTargets.Kind.PRODUCT_HOOK, "http://127.0.0.1:9/hook",
                jdbc.queryForObject("SELECT id FROM product WHERE sku = 'HAND-OLD'", Long.class),
                java.util.EnumSet.of(NotifyEvent.PRODUCT_HOOK)).target().id();
        jdbc.update("INSERT INTO notify_delivery (id, target_id, event, payload, status) VALUES ('hook-old', ?, 'PRODUCT_HOOK', ?, 'SENT')",
                hookId, "{\"id\":\"hook-old\",\"event\":\"order.paid.hook\",\"data\":{\"orderNo\":\"" + order.orderNo()
                        + "\",\"sku\":\"HAND-OLD\",\"email\":\"old@example.com\",\"fields\":{\"account\":\"24680\"}}}");

        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofDays(91))));
        runPeriodicProcess("forget-personal-data");

        assertThat(jdbc.queryForObject("SELECT buyer_email FROM customer_order", String.class)).isEqualTo("(erased)");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM order_field", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT payload FROM notify_delivery WHERE id = 'hook-old'", String.class))
                .contains("\"orderNo\":\"" + order.orderNo() + "\"", "HAND-OLD").doesNotContain("old@example.com", "24680", "fields");
        // the delivery stays with the order, like its keys would
        assertThat(jdbc.queryForObject("SELECT count(*) FROM hand_delivery", Integer.class)).isEqualTo(1);
    }

    private void shopSettings(String nameEn, String nameZh) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("nameEn", nameEn);
        body.put("nameZh", nameZh);
        body.put("announcementEn", null);
        body.put("announcementZh", null);
        body.put("announcementOn", false);
        ShopClient.Response saved = shop.admin("PUT", "/api/admin/shop", "application/json", ShopClient.json(body),
                Map.of("If-Match", "*"));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
    }

    private static void assertRefused(ShopClient.Response response, String detail) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asText()).contains(detail);
    }

    private static String texts(jakarta.mail.Part part) throws Exception {
        if (part.isMimeType("text/*")) {
            return (String) part.getContent();
        }
        StringBuilder all = new StringBuilder();
        if (part.getContent() instanceof jakarta.mail.Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                all.append(texts(multipart.getBodyPart(i))).append('\n');
            }
        }
        return all.toString();
    }
}
