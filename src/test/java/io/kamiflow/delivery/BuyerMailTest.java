package io.kamiflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Every mail a buyer gets, read from the SMTP server: multipart/alternative with a text and an HTML part, in the
 * order's language, with the shop's name, the merchant's texts escaped in the HTML part, keys only in the key mail.
 */
class BuyerMailTest extends IntegrationTest {

    private static final String SCRIPT = "<script>alert(1)</script>";

    @Autowired
    private OrderLinkMail linkMail;

    private ShopClient shop;

    @BeforeEach
    void product() {
        shop = shop();
        Shop.productWithKeys(shop, "MAILS", "5.00", 4);
        jdbc.update("UPDATE product SET name = ?, name_zh = ?, usage_notes_en = ?, usage_notes_zh = ? WHERE sku = 'MAILS'",
                "Game card " + SCRIPT, "游戏卡 " + SCRIPT,
                "Redeem at **example.com/redeem** ![scan me](https://tracker.example/pixel.png)",
                "请在 **兑换页** 兑换 ![扫码](https://tracker.example/pixel.png)");
    }

    @Test
    void aChineseOrderGetsAChineseKeyMailAsHtmlAndTextWithTheShopNameAndEscapedNames() throws Exception {
        Shop.PlacedOrder order = paidOrder("zh-CN", "zh-buyer@example.com");
        List<String> keys = keysOf(order);

        MimeMessage mail = only("zh-buyer@example.com");
        assertThat(mail.getSubject()).isEqualTo("[kamiflow] 订单 " + order.orderNo() + " 的卡密");
        assertThat(mail.getHeader("Message-ID")[0]).isEqualTo("<" + order.orderNo() + ".1@kamiflow>");
        Parts parts = parts(mail);
        assertThat(parts.text()).contains("感谢您的订单 " + order.orderNo(), "游戏卡 " + SCRIPT, "使用说明", "请在 **兑换页** 兑换",
                order.accessToken(), "kamiflow").doesNotContain("Thank you", "Game card");
        assertThat(parts.html()).contains("感谢您的订单", "游戏卡 &lt;script&gt;alert(1)&lt;/script&gt;", "使用说明",
                "请在 <strong>兑换页</strong> 兑换 扫码", ">kamiflow<", "lang=\"zh-CN\"", "monospace")
                .doesNotContain(SCRIPT, "Thank you", "<img", "tracker.example", "<style", "<link");
        for (String key : keys) {
            assertThat(parts.text()).contains("  " + key);
            assertThat(parts.html().replace("<wbr>", "")).contains(key);
        }
    }

    @Test
    void anEnglishOrderGetsAnEnglishKeyMailWhoseKeysBreakOnlyAtTheirDashes() throws Exception {
        Shop.PlacedOrder order = paidOrder("en", "en-buyer@example.com");
        List<String> keys = keysOf(order);

        MimeMessage mail = only("en-buyer@example.com");
        assertThat(mail.getSubject()).isEqualTo("[kamiflow] Your keys for order " + order.orderNo());
        Parts parts = parts(mail);
        assertThat(parts.text()).contains("Thank you for your order " + order.orderNo(), "Game card " + SCRIPT,
                "How to use your keys", "Redeem at **example.com/redeem**").doesNotContain("感谢", "游戏卡");
        assertThat(parts.html()).contains("Game card &lt;script&gt;alert(1)&lt;/script&gt;",
                "Redeem at <strong>example.com/redeem</strong> scan me", "lang=\"en\"")
                .doesNotContain(SCRIPT, "感谢", "<img");
        String key = keys.get(0);
        assertThat(parts.html()).contains(key.contains("-") ? key.substring(0, key.indexOf('-') + 1) + "<wbr>" : key);
    }

    @Test
    void theFindOrderMailIsInTheOrdersLanguageWithoutKeysAndIsRecordedForTheTimeline() throws Exception {
        Shop.PlacedOrder zh = paidOrder("zh-CN", "lost-zh@example.com");
        Shop.PlacedOrder en = paidOrder("en", "lost-en@example.com");
        List<String> keys = new ArrayList<>(keysOf(zh));
        keys.addAll(keysOf(en));
        TestMail.get().purgeEmailFromAllMailboxes(); // the key mails

        assertThat(linkMail.resend(zh.orderNo(), "LOST-zh@example.com ")).isTrue();
        assertThat(linkMail.resend(en.orderNo(), "lost-en@example.com")).isTrue();
        assertThat(linkMail.resend(en.orderNo(), "someone-else@example.com")).isTrue(); // same answer, nothing sent
        await().atMost(Duration.ofSeconds(10)).until(() -> mailsTo("lost-zh@example.com") == 1 && mailsTo("lost-en@example.com") == 1);

        MimeMessage chinese = only("lost-zh@example.com");
        assertThat(chinese.getSubject()).isEqualTo("[kamiflow] 您的订单 " + zh.orderNo() + " 的链接");
        Parts zhParts = parts(chinese);
        assertThat(zhParts.text()).contains("申请了订单 " + zh.orderNo() + " 的链接", zh.accessToken(), "kamiflow")
                .doesNotContain("You (or someone");
        assertThat(zhParts.html()).contains("申请了订单", zh.accessToken(), ">kamiflow<").doesNotContain("You (or someone");

        MimeMessage english = only("lost-en@example.com");
        assertThat(english.getSubject()).isEqualTo("[kamiflow] The link to your order " + en.orderNo());
        Parts enParts = parts(english);
        assertThat(enParts.text()).contains("asked for the link to order " + en.orderNo(), en.accessToken());
        assertThat(enParts.html()).contains("asked for the link to order", en.accessToken()).doesNotContain("申请");
        for (String key : keys) {
            assertThat(zhParts.text() + zhParts.html() + enParts.text() + enParts.html()).doesNotContain(key);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject("SELECT count(*) FROM buyer_mail", Integer.class) == 2);
        assertThat(jdbc.queryForList("SELECT o.order_no FROM buyer_mail m JOIN customer_order o ON o.id = m.order_id"
                + " WHERE m.kind = 'ORDER_LINK' AND m.outcome = 'SENT' ORDER BY o.order_no", String.class))
                .containsExactlyInAnyOrder(zh.orderNo(), en.orderNo());
        assertThat(mailsTo("someone-else@example.com")).isZero();
    }

    /** Places an order in {@code language} (as the storefront records it), pays it and waits for its key mail. */
    private Shop.PlacedOrder paidOrder(String language, String email) {
        Shop.PlacedOrder order = Shop.order(shop, "MAILS", 1, email);
        jdbc.update("UPDATE customer_order SET language = ? WHERE order_no = ?", language, order.orderNo());
        assertThat(Shop.pay(shop, order, "T-" + order.orderNo()).body()).isEqualTo("success");
        awaitDelivered(order.orderNo());
        return order;
    }

    private List<String> keysOf(Shop.PlacedOrder order) {
        List<String> keys = new ArrayList<>();
        shop.getOrder(order.orderNo(), order.accessToken()).json().get("keys").forEach(key -> keys.add(key.asText()));
        assertThat(keys).isNotEmpty();
        return keys;
    }

    private MimeMessage only(String address) {
        MimeMessage[] mails = TestMail.get().getReceivedMessagesForDomain(address);
        assertThat(mails).hasSize(1);
        return mails[0];
    }

    private record Parts(String text, String html) {
    }

    /** The mail must be multipart/alternative of exactly one text/plain and one text/html part. */
    private static Parts parts(MimeMessage mail) throws Exception {
        List<Part> leaves = new ArrayList<>();
        List<String> alternatives = new ArrayList<>();
        collect(mail, leaves, alternatives);
        assertThat(alternatives).as("a multipart/alternative").isNotEmpty();
        assertThat(leaves).extracting(part -> part.getContentType().replaceAll(";.*", "").strip().toLowerCase())
                .containsExactly("text/plain", "text/html");
        return new Parts((String) leaves.get(0).getContent(), (String) leaves.get(1).getContent());
    }

    private static void collect(Part part, List<Part> leaves, List<String> alternatives) throws Exception {
        if (part.getContent() instanceof Multipart multipart) {
            if (part.isMimeType("multipart/alternative")) {
                alternatives.add(part.getContentType());
            }
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                collect(child, leaves, alternatives);
            }
        } else {
            leaves.add(part);
        }
    }
}
