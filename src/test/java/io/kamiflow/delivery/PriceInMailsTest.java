package io.kamiflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kamiflow.support.HandProducts;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The key mail and the hand delivery mail say what was paid, and for an order with a coupon the price before it
 * (quantity × the unit price of the tier reached) and the coupon's discount: read from GreenMail, text and HTML part,
 * Chinese and English.
 */
class PriceInMailsTest extends IntegrationTest {

    private ShopClient shop;

    @BeforeEach
    void catalogue() {
        shop = shop();
        ShopClient.Response product = shop.admin("POST", "/api/admin/products", "application/json", ShopClient.json(Map.of(
                "sku", "PRICED", "name", "Game card", "nameZh", "游戏卡", "price", "10.00", "currency", "CNY",
                "tiers", List.of(Map.of("minQuantity", 2, "unitPrice", "9.00")))));
        assertThat(product.status()).as(product.body()).isEqualTo(201);
        assertThat(shop.generateKeys("PRICED", 6).status()).isEqualTo(200);
        coupon(Map.of("code", "SALE20", "percentOff", 20));
        coupon(Map.of("code", "FIVE", "amountOff", "5.00", "currency", "CNY"));
    }

    @Test
    void aChineseKeyMailShowsTheTierPriceTheCouponsDiscountAndTheAmountPaid() throws Exception {
        Shop.PlacedOrder order = paidOrder("zh-CN", "zh@example.com", 2, "sale20");
        assertThat(order.amount()).isEqualTo("14.40");

        MimeMessage mail = only("zh@example.com");
        String text = TestMail.part(mail, "text/plain");
        String html = TestMail.part(mail, "text/html");
        assertThat(text).contains("价格：2 × ¥9.00 = ¥18.00", "优惠码 SALE20：-¥3.60", "实付金额：¥14.40")
                .doesNotContain("Coupon", "Amount paid");
        assertThat(html).contains("id=\"price\"", "2 × ¥9.00 = ¥18.00", "优惠码 SALE20：", "-¥3.60", "实付金额", "¥14.40")
                .doesNotContain("Coupon", "Amount paid");
        keysStillThere(order, text);
    }

    @Test
    void anEnglishKeyMailShowsTheDiscountAndWithoutACouponOnlyTheAmountPaid() throws Exception {
        Shop.PlacedOrder discounted = paidOrder("en", "en@example.com", 2, "SALE20");
        Shop.PlacedOrder plain = paidOrder("en", "plain@example.com", 1, null);

        MimeMessage mail = only("en@example.com");
        String text = TestMail.part(mail, "text/plain");
        String html = TestMail.part(mail, "text/html");
        assertThat(text).contains("Price: 2 × CN¥9.00 = CN¥18.00", "Coupon SALE20: -CN¥3.60", "Amount paid: CN¥14.40")
                .doesNotContain("优惠码");
        assertThat(html).contains("2 × CN¥9.00 = CN¥18.00", "Coupon SALE20:", "-CN¥3.60", "Amount paid", "CN¥14.40");
        keysStillThere(discounted, text);

        MimeMessage plainMail = only("plain@example.com");
        String plainText = TestMail.part(plainMail, "text/plain");
        assertThat(plainText).contains("Amount paid: CN¥10.00").doesNotContain("Coupon", "Price:");
        assertThat(TestMail.part(plainMail, "text/html")).contains("Amount paid", "CN¥10.00").doesNotContain("Coupon");
        keysStillThere(plain, plainText);
    }

    @Test
    void theHandDeliveryMailShowsTheDiscountInChinese() throws Exception {
        HandProducts.product(shop, "TOPUP", "30.00");
        ShopClient.Response placed = shop.send("POST", "/api/orders", "application/json", ShopClient.json(Map.of(
                "sku", "TOPUP", "quantity", 1, "email", "hand@example.com", "channel", "sandbox", "coupon", "five",
                "fields", Map.of("account", "123456789", "server", "Asia-1"))), Map.of());
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        assertThat(placed.json().get("amount").asText()).isEqualTo("25.00");
        Shop.PlacedOrder order = new Shop.PlacedOrder(placed.json().get("orderNo").asText(),
                placed.json().get("accessToken").asText(), "25.00", "CNY");
        jdbc.update("UPDATE customer_order SET language = 'zh-CN' WHERE order_no = ?", order.orderNo());
        assertThat(Shop.pay(shop, order, "T-" + order.orderNo()).body()).isEqualTo("success");
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.getTaskService().createTaskQuery()
                .processInstanceBusinessKey(order.orderNo()).count() == 1);
        Task task = engine.getTaskService().createTaskQuery().processInstanceBusinessKey(order.orderNo()).singleResult();
        engine.getTaskService().complete(task.getId(), Map.of("handAction", "deliver", "deliveryText", "充值成功 CZ-1"));
        await().atMost(Duration.ofSeconds(30)).until(() -> mailsTo("hand@example.com") == 1);

        MimeMessage mail = only("hand@example.com");
        String text = TestMail.part(mail, "text/plain");
        String html = TestMail.part(mail, "text/html");
        assertThat(text).contains("充值成功 CZ-1", "价格：1 × ¥30.00 = ¥30.00", "优惠码 FIVE：-¥5.00", "实付金额：¥25.00");
        assertThat(html).contains("充值成功 CZ-1", "优惠码 FIVE：", "-¥5.00", "实付金额", "¥25.00");
        await().atMost(Duration.ofSeconds(10)).until(() -> "DELIVERED".equals(orderStatus(order.orderNo())));
    }

    private void keysStillThere(Shop.PlacedOrder order, String text) {
        shop.getOrder(order.orderNo(), order.accessToken()).json().get("keys")
                .forEach(key -> assertThat(text).contains("  " + key.asText()));
    }

    /** An API order in {@code language} (as the storefront records it), paid; waits for its key mail. */
    private Shop.PlacedOrder paidOrder(String language, String email, int quantity, String coupon) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("sku", "PRICED", "quantity", quantity, "email", email,
                "channel", "sandbox"));
        if (coupon != null) {
            body.put("coupon", coupon);
        }
        ShopClient.Response placed = shop.send("POST", "/api/orders", "application/json", ShopClient.json(body), Map.of());
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        Shop.PlacedOrder order = new Shop.PlacedOrder(placed.json().get("orderNo").asText(),
                placed.json().get("accessToken").asText(), placed.json().get("amount").asText(), "CNY");
        jdbc.update("UPDATE customer_order SET language = ? WHERE order_no = ?", language, order.orderNo());
        assertThat(Shop.pay(shop, order, "T-" + order.orderNo()).body()).isEqualTo("success");
        awaitDelivered(order.orderNo());
        await().atMost(Duration.ofSeconds(10)).until(() -> mailsTo(email) == 1);
        return order;
    }

    private void coupon(Map<String, Object> fields) {
        ShopClient.Response created = shop.admin("POST", "/api/admin/coupons", "application/json", ShopClient.json(fields));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    private MimeMessage only(String address) {
        MimeMessage[] mails = TestMail.get().getReceivedMessagesForDomain(address);
        assertThat(mails).hasSize(1);
        return mails[0];
    }
}
