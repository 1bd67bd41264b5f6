package io.kamiflow.storefront;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A product's usage notes reach the buyer with the keys, in the language they bought in: on the order page once the
 * keys are shown, and in the key mail, whose language the order recorded at checkout.
 */
class UsageNotesTest extends IntegrationTest {

    private ShopClient shop;

    @BeforeEach
    void productWithNotes() {
        shop = shop();
        Map<String, Object> body = new LinkedHashMap<>(Map.of("sku", "GAME", "name", "Game card", "price", "9.00",
                "currency", "CNY"));
        body.put("nameZh", "游戏卡");
        body.put("usageNotesEn", "Redeem at **example.com/redeem** <script>alert(1)</script>");
        body.put("usageNotesZh", "请在 **兑换页** 兑换");
        ShopClient.Response created = shop.admin("POST", "/api/admin/products", "application/json", ShopClient.json(body));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("usageNotesZh").asText()).isEqualTo("请在 **兑换页** 兑换");
        shop.generateKeys("GAME", 2);
    }

    @Test
    void aChineseBuyerReadsTheNotesInChineseOnTheOrderPageAndInTheMail() throws Exception {
        StorefrontForms browser = new StorefrontForms(port, null);
        String orderPath = buy(browser, "zh-CN", "zh@example.com");
        String before = browser.get(orderPath, null).body();
        assertThat(before).doesNotContain("兑换页"); // not before the keys

        String orderNo = orderPath.replaceAll(".*/orders/([^?]+)\\?.*", "$1");
        String token = orderPath.replaceAll(".*token=", "");
        pay(orderNo, token);

        assertThat(browser.get(orderPath, null).body()).contains("使用说明", "请在 <strong>兑换页</strong> 兑换", "游戏卡")
                .doesNotContain("Redeem at");
        MimeMessage mail = TestMail.get().getReceivedMessagesForDomain("zh@example.com")[0];
        assertThat(mail.getSubject()).contains("订单 " + orderNo + " 的卡密");
        String text = texts(mail);
        assertThat(text).contains("感谢您的订单", "游戏卡", "使用说明", "请在 **兑换页** 兑换", "请在 <strong>兑换页</strong> 兑换")
                .doesNotContain("Redeem at", "Thank you");
    }

    @Test
    void anEnglishBuyerReadsThemInEnglishWithTheirHtmlEscaped() throws Exception {
        StorefrontForms browser = new StorefrontForms(port, null);
        String orderPath = buy(browser, "en", "en@example.com");
        String orderNo = orderPath.replaceAll(".*/orders/([^?]+)\\?.*", "$1");
        pay(orderNo, orderPath.replaceAll(".*token=", ""));

        assertThat(browser.get(orderPath, null).body()).contains("How to use your keys",
                "Redeem at <strong>example.com/redeem</strong> &lt;script&gt;").doesNotContain("<script>alert", "兑换页");
        MimeMessage mail = TestMail.get().getReceivedMessagesForDomain("en@example.com")[0];
        assertThat(mail.getSubject()).endsWith("Your keys for order " + orderNo);
        String texts = texts(mail);
        assertThat(texts).contains("Thank you for your order", "Game card", "How to use your keys",
                "Redeem at **example.com/redeem**").doesNotContain("兑换页");
        // the text part has the Markdown as typed (plain text renders nothing); the HTML part has it escaped
        assertThat(texts.substring(texts.indexOf("<html"))).contains("Redeem at <strong>example.com/redeem</strong> &lt;script&gt;")
                .doesNotContain("<script>alert");
        assertThat(jdbc.queryForObject("SELECT language FROM customer_order WHERE order_no = ?", String.class, orderNo))
                .isEqualTo("en");
    }

    @Test
    void anOrderThroughTheJsonApiHasNoLanguageAndGetsTheEnglishMail() throws Exception {
        Shop.PlacedOrder order = Shop.order(shop, "GAME", 1, "api@example.com");
        assertThat(Shop.pay(shop, order, "T-API").body()).isEqualTo("success");
        awaitDelivered(order.orderNo());
        MimeMessage mail = TestMail.get().getReceivedMessagesForDomain("api@example.com")[0];
        assertThat(mail.getSubject()).endsWith("Your keys for order " + order.orderNo());
        assertThat(texts(mail)).contains("Redeem at");
    }

    /** Checks out on the storefront in {@code language}; the order page's path with its token. */
    private String buy(StorefrontForms browser, String language, String email) {
        ShopClient.Response page = browser.get("/products/GAME?lang=" + language, null);
        ShopClient.Response placed = browser.post("/products/GAME/checkout",
                StorefrontForms.checkoutFields("1", email, "sandbox", StorefrontForms.csrfToken(page)));
        assertThat(placed.status()).as(placed.body()).isEqualTo(302);
        return StorefrontForms.header(placed, "Location").replaceFirst("^https?://[^/]+", "");
    }

    private void pay(String orderNo, String token) {
        assertThat(Shop.pay(shop, new Shop.PlacedOrder(orderNo, token, "9.00", "CNY"), "T-" + orderNo).body())
                .isEqualTo("success");
        awaitDelivered(orderNo);
    }

    /** Every text part of the mail, decoded. */
    private static String texts(Part part) throws Exception {
        if (part.isMimeType("text/*")) {
            return (String) part.getContent();
        }
        StringBuilder all = new StringBuilder();
        if (part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                all.append(texts(child)).append('\n');
            }
        }
        return all.toString();
    }
}
