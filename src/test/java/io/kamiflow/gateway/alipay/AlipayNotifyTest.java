package io.kamiflow.gateway.alipay;

import static io.kamiflow.gateway.alipay.AlipayNotices.with;
import static io.kamiflow.gateway.alipay.AlipayNotices.without;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import com.icegreen.greenmail.util.GreenMailUtil;
import io.kamiflow.support.Concurrently;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestGatewayKeys;
import io.kamiflow.support.TestMail;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Alipay async notices signed by the official SDK, over real HTTP, through the BPMN to the buyer's mailbox. */
class AlipayNotifyTest extends IntegrationTest {

    private static final String NOTIFY = "/api/payments/alipay/notify";

    private Shop.PlacedOrder placeOrder(ShopClient shop) {
        Shop.productWithKeys(shop, "ALI", "12.50", 3);
        return shop.order("ALI", 1, "ali@example.com", "alipay");
    }

    @Test
    void paidNoticeDeliversTheKeyOnceEvenWhenFinishedFollows() throws Exception {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);

        ShopClient.Response reply = shop.postForm(NOTIFY, AlipayNotices.paid(order.orderNo(), "2025010122001", "12.50"));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("success");
        awaitDelivered(order.orderNo());
        // Alipay sends TRADE_FINISHED later for the same trade: acknowledged, nothing new
        assertThat(shop.postForm(NOTIFY, AlipayNotices.withStatus(order.orderNo(), "2025010122001", "12.50",
                "TRADE_FINISHED")).body()).isEqualTo("success");
        Thread.sleep(500);

        MimeMessage[] mails = TestMail.get().getReceivedMessagesForDomain("ali@example.com");
        assertThat(mails).hasSize(1);
        String key = shop.getOrder(order.orderNo(), order.accessToken()).json().get("keys").get(0).asText();
        assertThat(GreenMailUtil.getBody(mails[0])).contains(key);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(1);
        Map<String, Object> payment = jdbc.queryForMap("SELECT * FROM payment");
        assertThat(payment).containsEntry("channel", "alipay").containsEntry("trade_no", "2025010122001")
                .containsEntry("amount_minor", 1250L).containsEntry("raw_status", "TRADE_SUCCESS");
        assertThat((String) payment.get("raw_notice")).contains("out_trade_no=" + order.orderNo()).doesNotContain("sign=");
        assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery()
                .processInstanceBusinessKey(order.orderNo()).count()).isEqualTo(1);
    }

    @Test
    void twentyConcurrentRepeatsMakeOnePaymentAndOneDelivery() throws Exception {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);
        Map<String, String> notice = AlipayNotices.paid(order.orderNo(), "2025010122002", "12.50");

        List<Callable<ShopClient.Response>> storm = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            storm.add(() -> shop.postForm(NOTIFY, notice));
        }
        assertThat(Concurrently.run(20, storm)).allSatisfy(reply -> {
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).isEqualTo("success");
        });
        awaitDelivered(order.orderNo());
        Thread.sleep(500);

        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery_attempt", Integer.class)).isEqualTo(1);
        assertThat(TestMail.get().getReceivedMessages()).hasSize(1);
    }

    static Stream<Arguments> rejected() {
        String otherKey = TestGatewayKeys.base64(TestGatewayKeys.ALIPAY_MERCHANT.getPrivate().getEncoded());
        return Stream.of(
                bad("bad signature (not Alipay's key)", n -> AlipayNotices.signedWith(n, otherKey), 400),
                bad("tampered amount", n -> with(n, "total_amount", "0.01"), 400),
                bad("tampered trade status", n -> with(n, "trade_status", "TRADE_FINISHED"), 400),
                bad("sign removed", n -> without(n, "sign"), 400),
                bad("sign_type RSA", n -> with(n, "sign_type", "RSA"), 400),
                bad("wrong app id", n -> AlipayNotices.signed(with(n, "app_id", "2021000000009999")), 400),
                bad("wrong seller id", n -> AlipayNotices.signed(with(n, "seller_id", "2088000000009999")), 400),
                bad("unknown order", n -> AlipayNotices.signed(with(n, "out_trade_no", "K0000000000000")), 404),
                bad("missing trade_no", n -> AlipayNotices.signed(without(n, "trade_no")), 400),
                bad("missing total_amount", n -> AlipayNotices.signed(without(n, "total_amount")), 400),
                bad("malformed amount", n -> AlipayNotices.signed(with(n, "total_amount", "12,50")), 400),
                bad("empty body", n -> new TreeMap<>(), 400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void rejectedNoticeChangesNothing(String name, UnaryOperator<Map<String, String>> tamper, int status) {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);

        ShopClient.Response reply = shop.postForm(NOTIFY,
                tamper.apply(AlipayNotices.paid(order.orderNo(), "2025010122003", "12.50")));

        assertThat(reply.status()).isEqualTo(status);
        assertThat(reply.body()).isEqualTo("fail");
        assertUntouched(order.orderNo());
    }

    @ParameterizedTest
    @ValueSource(strings = {"WAIT_BUYER_PAY", "TRADE_CLOSED"})
    void unpaidStatusIsAcknowledgedAndChangesNothing(String status) {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);

        ShopClient.Response reply = shop.postForm(NOTIFY,
                AlipayNotices.withStatus(order.orderNo(), "2025010122004", "12.50", status));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("success");
        assertUntouched(order.orderNo());
    }

    @Test
    void fieldGivenTwiceIsRejected() {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);
        String form = ShopClient.form(AlipayNotices.paid(order.orderNo(), "2025010122005", "12.50")) + "&total_amount=99.00";

        ShopClient.Response reply = shop.send("POST", NOTIFY, "application/x-www-form-urlencoded", form, Map.of());

        assertThat(reply.status()).isEqualTo(400);
        assertUntouched(order.orderNo());
    }

    @Test
    void oversizedBodyIsRefused() {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);
        String form = ShopClient.form(with(AlipayNotices.paid(order.orderNo(), "2025010122006", "12.50"),
                "body", "x".repeat(70_000)));

        ShopClient.Response reply = shop.send("POST", NOTIFY, "application/x-www-form-urlencoded", form, Map.of());

        assertThat(reply.status()).isEqualTo(413);
        assertUntouched(order.orderNo());
    }

    /** Signed by Alipay but for another amount: real money, so recorded, and a person reviews it; no keys go out. */
    @Test
    void verifiedNoticeWithAnotherAmountGoesToReview() {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);

        assertThat(shop.postForm(NOTIFY, AlipayNotices.paid(order.orderNo(), "2025010122007", "0.01")).body())
                .isEqualTo("success");

        awaitReviewTask(order.orderNo());
        assertThat(jdbc.queryForObject("SELECT amount_minor FROM payment", Long.class)).isEqualTo(1L);
        assertThat(jdbc.queryForObject("SELECT status FROM customer_order WHERE order_no = ?", String.class,
                order.orderNo())).isEqualTo("PENDING_PAYMENT");
        assertThat(TestMail.get().getReceivedMessages()).isEmpty();
    }

    /** Paid by Alipay, then paid again through another channel: the second payment waits for a person. */
    @Test
    void secondPaymentOfAPaidOrderGoesToReviewAndIsNotDelivered() throws Exception {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);
        assertThat(shop.postForm(NOTIFY, AlipayNotices.paid(order.orderNo(), "2025010122008", "12.50")).body())
                .isEqualTo("success");
        awaitDelivered(order.orderNo());

        assertThat(Shop.pay(shop, order, "SANDBOX-SECOND").body()).isEqualTo("success");

        awaitReviewTask(order.orderNo());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(2);
        assertThat(TestMail.get().getReceivedMessagesForDomain("ali@example.com")).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'SOLD'", Integer.class)).isEqualTo(1);
    }

    private void awaitReviewTask(String orderNo) {
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.getTaskService().createTaskQuery()
                .processInstanceBusinessKey(orderNo).taskDefinitionKey("ReviewPayment").count() == 1);
    }

    private static Arguments bad(String name, UnaryOperator<Map<String, String>> tamper, int status) {
        return Arguments.of(name, tamper, status);
    }
}
