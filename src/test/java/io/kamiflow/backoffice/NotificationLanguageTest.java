package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.notify.NotifyEvent;
import io.kamiflow.notify.NotifySettings;
import io.kamiflow.notify.NotifyTargets;
import io.kamiflow.notify.WebhookReceiver;
import io.kamiflow.storefront.StorefrontForms;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Telegram and mail notifications are written in the target's language: by default the one the owner runs the back
 * office in when adding it, changeable on /admin/notifications. A Chinese owner's Telegram hears of a paid order and
 * low stock in Chinese, an English mail target in English; never with a key value.
 */
class NotificationLanguageTest extends IntegrationTest {

    @Autowired
    NotifySettings settings;
    @Autowired
    NotifyTargets targets;

    private final List<WebhookReceiver> receivers = new ArrayList<>();

    @AfterEach
    void restore() {
        receivers.forEach(WebhookReceiver::close);
        settings.setTelegramBaseUrl("https://api.telegram.org");
        settings.setTelegramBotToken("");
        settings.setTelegramChatId("");
    }

    @Test
    void aChineseOwnersTelegramHearsOfAPaidOrderInChineseAndAnEnglishMailTargetInEnglish() throws Exception {
        WebhookReceiver telegram = telegram();
        StorefrontForms owner = BackOfficeAccessTest.loggedIn(port, ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD,
                "203.0.113.140");
        String page = owner.get("/admin/notifications?lang=zh-CN", null).body();
        assertThat(page).contains("通知语言", "<option value=\"zh-CN\" selected=\"selected\">中文</option>");
        String token = StorefrontForms.csrfToken(owner.get("/admin/notifications", null));
        // no language sent (an older form): the back office's
        assertThat(owner.post("/admin/notifications", Map.of("_csrf", token, "name", "老板的手机", "kind", "TELEGRAM",
                "events", "ORDER_PAID")).status()).isEqualTo(302);
        assertThat(owner.post("/admin/notifications", Map.of("_csrf", token, "name", "partner mail", "kind", "MAIL",
                "events", "ORDER_PAID", "language", "en")).status()).isEqualTo(302);
        assertThat(jdbc.queryForList("SELECT name || ' ' || language FROM notify_target ORDER BY id", String.class))
                .containsExactly("老板的手机 zh-CN", "partner mail en");

        ShopClient shop = shop();
        Shop.productWithKeys(shop, "NOTE-1", "10.00", 3);
        assertThat(shop.admin("POST", "/api/admin/coupons", "application/json",
                ShopClient.json(Map.of("code", "SALE20", "percentOff", 20))).status()).isEqualTo(201);
        ShopClient.Response placed = shop.send("POST", "/api/orders", "application/json", ShopClient.json(Map.of(
                "sku", "NOTE-1", "quantity", 2, "email", "buyer@example.com", "channel", "sandbox", "coupon", "SALE20")),
                Map.of());
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        Shop.PlacedOrder order = new Shop.PlacedOrder(placed.json().get("orderNo").asText(),
                placed.json().get("accessToken").asText(), "16.00", "CNY");
        assertThat(Shop.pay(shop, order, "T-NOTE-1").body()).isEqualTo("success");
        awaitDelivered(order.orderNo());

        await().atMost(Duration.ofSeconds(20)).until(() -> telegram.received().size() == 1);
        String text = new ObjectMapper().readTree(telegram.received().get(0).body()).get("text").asText();
        assertThat(text).isEqualTo("[kamiflow] 新的已付款订单 " + order.orderNo() + "：2 × NOTE-1，¥16.00");
        await().atMost(Duration.ofSeconds(20)).until(() -> mailsTo("admin@kamiflow.local") >= 1);
        MimeMessage mail = adminMail("Paid order");
        assertThat(mail.getSubject()).isEqualTo("[kamiflow] Paid order " + order.orderNo() + ": 2 × NOTE-1, CN¥16.00");
        assertThat((String) mail.getContent()).contains("Event ").doesNotContain("新的", "事件");

        List<String> keys = new ArrayList<>();
        shop.getOrder(order.orderNo(), order.accessToken()).json().get("keys").forEach(key -> keys.add(key.asText()));
        assertThat(keys).hasSize(2);
        for (String key : keys) {
            assertThat(telegram.received().get(0).body()).doesNotContain(key);
            assertThat((String) mail.getContent()).doesNotContain(key);
        }
    }

    @Test
    void lowStockInChineseAndTheLanguageCanBeChangedOnThePage() throws Exception {
        WebhookReceiver telegram = telegram();
        long id = targets.create("手机", NotifyTargets.Kind.TELEGRAM, null, null, EnumSet.of(NotifyEvent.LOW_STOCK), "zh-CN")
                .target().id();
        ShopClient shop = shop();
        assertThat(shop.createProduct("LOW-ZH", "5.00", "CNY", 5).status()).isEqualTo(201);
        assertThat(shop.importKeys("LOW-ZH", "SECRET-KEY-AAAA-1111\nSECRET-KEY-BBBB-2222\n").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> telegram.received().size() == 1);
        assertThat(new ObjectMapper().readTree(telegram.received().get(0).body()).get("text").asText())
                .isEqualTo("[kamiflow] 库存不足：LOW-ZH 只剩 2 个卡密（阈值 5）\n请在后台导入更多卡密。");

        StorefrontForms owner = BackOfficeAccessTest.loggedIn(port, ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD,
                "203.0.113.141");
        String page = owner.get("/admin/notifications", "en").body();
        assertThat(page).contains("Language of the messages", "id=\"language-" + id + "\"");
        String token = StorefrontForms.csrfToken(owner.get("/admin/notifications", "en"));
        assertThat(owner.post("/admin/notifications/" + id, Map.of("_csrf", token, "events", "LOW_STOCK",
                "enabled", "yes", "language", "en")).status()).isEqualTo(302);
        assertThat(jdbc.queryForObject("SELECT language FROM notify_target WHERE id = ?", String.class, id)).isEqualTo("en");
        assertThat(owner.post("/admin/notifications/" + id, Map.of("_csrf", token, "events", "LOW_STOCK",
                "enabled", "yes", "language", "fr")).status()).as("an unknown language keeps the one set").isEqualTo(302);
        assertThat(jdbc.queryForObject("SELECT language FROM notify_target WHERE id = ?", String.class, id)).isEqualTo("en");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'notify.target.update'"
                + " AND detail LIKE '% in en'", Integer.class)).isEqualTo(2);

        // "send test" now speaks English
        assertThat(owner.post("/admin/notifications/" + id + "/test", Map.of("_csrf", token)).status()).isEqualTo(302);
        await().atMost(Duration.ofSeconds(20)).until(() -> telegram.received().size() == 2);
        assertThat(new ObjectMapper().readTree(telegram.received().get(1).body()).get("text").asText())
                .isEqualTo("[kamiflow] Test notification");
        assertThat(telegram.received()).allSatisfy(call -> assertThat(call.body()).doesNotContain("SECRET-KEY"));
    }

    private WebhookReceiver telegram() throws java.io.IOException {
        WebhookReceiver receiver = new WebhookReceiver(0);
        receivers.add(receiver);
        settings.setTelegramBaseUrl(receiver.url("/tg/"));
        settings.setTelegramBotToken("123456:TEST-BOT-TOKEN");
        settings.setTelegramChatId("-100042");
        return receiver;
    }

    private MimeMessage adminMail(String subjectPart) throws Exception {
        for (MimeMessage mail : TestMail.get().getReceivedMessagesForDomain("admin@kamiflow.local")) {
            if (mail.getSubject().contains(subjectPart)) {
                return mail;
            }
        }
        throw new AssertionError("no admin mail with " + subjectPart);
    }
}
