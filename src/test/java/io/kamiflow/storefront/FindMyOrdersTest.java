package io.kamiflow.storefront;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kamiflow.security.ratelimit.RateLimitProperties;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.SecondNode;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * "Find my orders" by email alone, over real HTTP and SMTP: the mailed link (in the page's language) lists the
 * address's orders without keys, each opening with its own token, from any browser; it stops working after 30
 * minutes; the answer is the same whether or not the address has orders; requests are limited per client address and
 * per email. The mail is HTML and text in the page's language with the shop's name, and carries neither keys nor an
 * order's own token.
 */
class FindMyOrdersTest extends IntegrationTest {

    private static final Pattern LIST_LINK = Pattern.compile("https://shop\\.example\\.test(/my-orders\\?token=[A-Za-z0-9_-]+)");

    @Autowired
    RateLimitProperties limits;

    @BeforeEach
    void noListLinks() {
        jdbc.update("DELETE FROM order_list_link");
    }

    @AfterEach
    void defaultShopName() { // the shop's settings outlive the tests' TRUNCATE
        shopSettings(null, null);
    }

    @Test
    void anEmailAloneGetsAListLinkInItsLanguageThatListsItsOrdersWithoutKeys() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "GAME", "12.50", 5);
        Shop.PlacedOrder delivered = Shop.order(shop, "GAME", 2, "Many@Example.com");
        assertThat(Shop.pay(shop, delivered, "T-MANY").body()).isEqualTo("success");
        awaitDelivered(delivered.orderNo());
        Shop.PlacedOrder unpaid = Shop.order(shop, "GAME", 1, "many@example.com");
        Shop.PlacedOrder someoneElses = Shop.order(shop, "GAME", 1, "other@example.com");
        List<String> keys = List.of(shop.getOrder(delivered.orderNo(), delivered.accessToken()).json().get("keys").get(0).asText(),
                shop.getOrder(delivered.orderNo(), delivered.accessToken()).json().get("keys").get(1).asText());
        TestMail.get().purgeEmailFromAllMailboxes(); // the key mail

        StorefrontForms chinese = new StorefrontForms(port, "203.0.113.90");
        chinese.get("/find-order?lang=zh-CN", null);
        ShopClient.Response asked = chinese.post("/find-order/email",
                Map.of("email", " MANY@example.com ", "_csrf", chinese.csrfToken("/find-order")));
        assertThat(asked.status()).isEqualTo(200);
        assertThat(asked.body()).contains("如果该邮箱有订单").doesNotContain(delivered.orderNo(), keys.get(0));

        MimeMessage mail = awaitOneMail();
        assertThat(mail.getAllRecipients()[0].toString()).isEqualToIgnoringCase("many@example.com");
        assertThat(mail.getSubject()).isEqualTo("[kamiflow] 您的订单");
        String text = TestMail.part(mail, "text/plain");
        String html = TestMail.part(mail, "text/html");
        assertThat(text).contains("30 分钟", "请求查看您在 kamiflow 的订单列表", "kamiflow")
                .doesNotContain(keys.get(0), keys.get(1), delivered.accessToken(), unpaid.accessToken(), "You (or someone");
        assertThat(html).contains("30 分钟", ">kamiflow<", "lang=\"zh-CN\"")
                .doesNotContain(keys.get(0), keys.get(1), delivered.accessToken(), unpaid.accessToken(), "You (or someone");
        Matcher link = LIST_LINK.matcher(text);
        assertThat(link.find()).as(text).isTrue();
        assertThat(html).contains("href=\"https://shop.example.test" + link.group(1) + "\"");
        String token = link.group(1).substring("/my-orders?token=".length());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM order_list_link WHERE token_hash = ? OR token_hash = ?",
                Integer.class, token, link.group(1))).as("only the token's hash is stored").isZero();
        assertThat(jdbc.queryForObject("SELECT email FROM order_list_link", String.class)).isEqualTo("many@example.com");

        // another browser, another address: the list opens from the link alone
        StorefrontForms elsewhere = new StorefrontForms(port, "198.51.100.90");
        ShopClient.Response list = elsewhere.get(link.group(1), "en");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains(delivered.orderNo(), unpaid.orderNo(), "Delivered", "Waiting for payment")
                .doesNotContain(someoneElses.orderNo(), keys.get(0), keys.get(1), someoneElses.accessToken())
                .contains("/orders/" + delivered.orderNo() + "?token=" + delivered.accessToken(),
                        "/orders/" + unpaid.orderNo() + "?token=" + unpaid.accessToken());
        assertThat(list.body().indexOf(unpaid.orderNo())).as("newest first").isLessThan(list.body().indexOf(delivered.orderNo()));
        assertThat(token).isNotIn(delivered.accessToken(), unpaid.accessToken());

        ShopClient.Response orderPage = elsewhere.get("/orders/" + delivered.orderNo() + "?token=" + delivered.accessToken(), "en");
        assertThat(orderPage.status()).isEqualTo(200);
        assertThat(orderPage.body()).contains(keys.get(0).substring(0, 4));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_reveal r JOIN customer_order o ON o.id = r.order_id "
                + "WHERE o.order_no = ? AND r.channel = 'PAGE'", Integer.class, delivered.orderNo()))
                .as("the list revealed nothing; the order page revealed its 2 keys").isEqualTo(2);
    }

    @Test
    void theAnswerIsTheSameWhetherOrNotTheEmailHasOrdersAndOnlyAnAddressWithOrdersGetsMail() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "GAME", "12.50", 2);
        Shop.order(shop, "GAME", 1, "known@example.com");
        TestMail.get().purgeEmailFromAllMailboxes();

        StorefrontForms browser = new StorefrontForms(port, "203.0.113.91");
        String csrf = browser.csrfToken("/find-order");
        ShopClient.Response known = browser.post("/find-order/email", Map.of("email", "known@example.com", "_csrf", csrf));
        ShopClient.Response unknown = browser.post("/find-order/email", Map.of("email", "nobody@example.com", "_csrf", csrf));
        assertThat(known.status()).isEqualTo(200);
        assertThat(unknown.status()).isEqualTo(known.status());
        assertThat(withoutCsrf(unknown.body())).isEqualTo(withoutCsrf(known.body()));
        assertThat(known.body()).contains("If there are orders for this email");

        awaitOneMail();
        Thread.sleep(1000); // a mail to the unknown address would be here by now
        assertThat(TestMail.get().getReceivedMessages()).hasSize(1);
        assertThat(TestMail.get().getReceivedMessages()[0].getAllRecipients()[0].toString()).isEqualTo("known@example.com");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM order_list_link", Integer.class)).isOne();

        ShopClient.Response invalid = browser.post("/find-order/email", Map.of("email", "not-an-address", "_csrf", csrf));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body()).contains("Enter a valid email address");
    }

    @Test
    void theListLinkStopsWorkingAfterThirtyMinutes() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "GAME", "12.50", 2);
        Shop.PlacedOrder order = Shop.order(shop, "GAME", 1, "late@example.com");
        TestMail.get().purgeEmailFromAllMailboxes();
        StorefrontForms browser = new StorefrontForms(port, "203.0.113.92");
        browser.post("/find-order/email", Map.of("email", "late@example.com", "_csrf", browser.csrfToken("/find-order")));
        Matcher link = LIST_LINK.matcher(TestMail.part(awaitOneMail(), "text/plain"));
        assertThat(link.find()).isTrue();
        assertThat(browser.get(link.group(1), "en").body()).contains(order.orderNo());

        OffsetDateTime created = jdbc.queryForObject("SELECT created_at FROM order_list_link", OffsetDateTime.class);
        OffsetDateTime expires = jdbc.queryForObject("SELECT expires_at FROM order_list_link", OffsetDateTime.class);
        assertThat(Duration.between(created, expires)).isBetween(Duration.ofMinutes(30).minusSeconds(5), Duration.ofMinutes(30));

        jdbc.update("UPDATE order_list_link SET expires_at = CURRENT_TIMESTAMP - INTERVAL '1' SECOND");
        ShopClient.Response expired = browser.get(link.group(1), "en");
        assertThat(expired.status()).isEqualTo(404);
        assertThat(expired.body()).contains("This link does not work").doesNotContain(order.orderNo());
        ShopClient.Response guessed = browser.get("/my-orders?token=guessed", "en");
        assertThat(guessed.status()).isEqualTo(404);
        assertThat(withoutCsrf(guessed.body()).replace("guessed", "T"))
                .as("the same page, but for the token in its language links")
                .isEqualTo(withoutCsrf(expired.body()).replace(link.group(1).substring("/my-orders?token=".length()), "T"));
        assertThat(browser.get("/my-orders", "en").status()).isEqualTo(404);
    }

    @Test
    void anEnglishPageGetsAnEnglishMailWithTheOwnersShopNameEscaped() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "GAME", "12.50", 2);
        Shop.order(shop, "GAME", 1, "english@example.com");
        shopSettings("Key <b>Corner</b>", "钥匙角");
        TestMail.get().purgeEmailFromAllMailboxes();

        StorefrontForms browser = new StorefrontForms(port, "203.0.113.95");
        browser.get("/find-order?lang=en", null);
        assertThat(browser.post("/find-order/email", Map.of("email", "english@example.com", "_csrf",
                browser.csrfToken("/find-order"))).status()).isEqualTo(200);

        MimeMessage mail = awaitOneMail();
        assertThat(mail.getSubject()).isEqualTo("[Key <b>Corner</b>] Your orders");
        String text = TestMail.part(mail, "text/plain");
        String html = TestMail.part(mail, "text/html");
        assertThat(text).contains("asked for the list of your orders at Key <b>Corner</b>.", "for 30 minutes")
                .doesNotContain("您的订单", "钥匙角");
        assertThat(html).contains("Key &lt;b&gt;Corner&lt;/b&gt;", "for 30 minutes", "lang=\"en\"")
                .doesNotContain("<b>Corner", "您的订单", "钥匙角");
        assertThat(LIST_LINK.matcher(text).find()).isTrue();
    }

    private void shopSettings(String nameEn, String nameZh) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("nameEn", nameEn);
        body.put("nameZh", nameZh);
        body.put("announcementEn", null);
        body.put("announcementZh", null);
        body.put("announcementOn", false);
        ShopClient.Response saved = shop().admin("PUT", "/api/admin/shop", "application/json", ShopClient.json(body),
                Map.of("If-Match", "*"));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
    }

    /** The link is a row in the shared database: a link mailed by one node opens the list on another. */
    @Test
    void theListLinkOpensOnAnotherNode() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "GAME", "12.50", 2);
        Shop.PlacedOrder order = Shop.order(shop, "GAME", 1, "twonodes@example.com");
        TestMail.get().purgeEmailFromAllMailboxes();
        StorefrontForms here = new StorefrontForms(port, "203.0.113.94");
        here.post("/find-order/email", Map.of("email", "twonodes@example.com", "_csrf", here.csrfToken("/find-order")));
        Matcher link = LIST_LINK.matcher(TestMail.part(awaitOneMail(), "text/plain"));
        assertThat(link.find()).isTrue();
        ConfigurableApplicationContext node = SecondNode.start("order-list-node", Map.of(
                "camunda.bpm.job-execution.enabled", false), context -> { });
        try {
            StorefrontForms there = new StorefrontForms(
                    node.getEnvironment().getRequiredProperty("local.server.port", Integer.class), "198.51.100.94");
            ShopClient.Response list = there.get(link.group(1), "en");
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.body()).contains(order.orderNo(), "/orders/" + order.orderNo() + "?token=" + order.accessToken());
        } finally {
            node.close();
        }
    }

    @Test
    void findMyOrdersIsLimitedPerClientAddressAndPerEmail() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "GAME", "12.50", 2);
        Shop.order(shop, "GAME", 1, "bombed@example.com");
        TestMail.get().purgeEmailFromAllMailboxes();

        int perAddress = limits.getFindOrder().getCapacity();
        StorefrontForms one = new StorefrontForms(port, "203.0.113.93");
        String csrf = one.csrfToken("/find-order");
        for (int i = 0; i <= perAddress; i++) {
            ShopClient.Response answer = one.post("/find-order/email", Map.of("email", "x" + i + "@example.com", "_csrf", csrf));
            assertThat(answer.status()).as("request " + i).isEqualTo(i < perAddress ? 200 : 429);
        }

        int perEmail = limits.getFindOrdersPerEmail().getCapacity();
        for (int i = 0; i <= perEmail + 1; i++) { // each from its own address, the email spelled differently
            StorefrontForms browser = new StorefrontForms(port, "198.51.100." + (i + 20));
            String email = i % 2 == 0 ? "bombed@example.com" : " BOMBED@Example.com ";
            ShopClient.Response answer = browser.post("/find-order/email",
                    Map.of("email", email, "_csrf", browser.csrfToken("/find-order")));
            if (i < perEmail) {
                assertThat(answer.status()).as("request " + i).isEqualTo(200);
            } else {
                assertThat(answer.status()).as("request " + i).isEqualTo(429);
                assertThat(answer.contentType()).startsWith("application/problem+json");
                assertThat(answer.retryAfter()).isPositive();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> TestMail.get().getReceivedMessages().length >= perEmail);
        Thread.sleep(1000); // a mail past the limit would be here by now
        assertThat(Arrays.stream(TestMail.get().getReceivedMessages()).filter(this::toBombed).count()).isEqualTo(perEmail);
    }

    private boolean toBombed(MimeMessage message) {
        try {
            return message.getAllRecipients()[0].toString().equalsIgnoreCase("bombed@example.com");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static MimeMessage awaitOneMail() {
        await().atMost(Duration.ofSeconds(10)).until(() -> TestMail.get().getReceivedMessages().length >= 1);
        return TestMail.get().getReceivedMessages()[0];
    }

    private static String withoutCsrf(String page) {
        return page.replaceAll("name=\"_csrf\" value=\"[^\"]+\"", "");
    }
}
