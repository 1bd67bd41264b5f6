package io.kamiflow.gateway.wechat;

import static io.kamiflow.gateway.wechat.WechatNotifications.encrypted;
import static io.kamiflow.gateway.wechat.WechatNotifications.signed;
import static io.kamiflow.gateway.wechat.WechatNotifications.transaction;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
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

/** WeChat Pay v3 notifications built with wechatpay-java's own signer and cipher, through the BPMN to the mailbox. */
class WechatNotifyTest extends IntegrationTest {

    private static final String NOTIFY = "/api/payments/wechat/notify";

    private Shop.PlacedOrder placeOrder(ShopClient shop) {
        Shop.productWithKeys(shop, "WX", "12.50", 3);
        // placed with the sandbox channel: the notify endpoint is the subject here, WechatCheckoutTest covers checkout
        return shop.order("WX", 1, "wx@example.com", "sandbox");
    }

    private static ShopClient.Response post(ShopClient shop, WechatNotifications.Notification notification) {
        return shop.send("POST", NOTIFY, "application/json", notification.body(), notification.headers());
    }

    @Test
    void paidNotificationDeliversTheKey() {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);

        ShopClient.Response reply = post(shop, WechatNotifications.paid(order.orderNo(), "4200000001202501011", 1250));

        assertThat(reply.status()).as(reply.body()).isEqualTo(204);
        awaitDelivered(order.orderNo());
        MimeMessage[] mails = TestMail.get().getReceivedMessagesForDomain("wx@example.com");
        assertThat(mails).hasSize(1);
        String key = shop.getOrder(order.orderNo(), order.accessToken()).json().get("keys").get(0).asText();
        assertThat(GreenMailUtil.getBody(mails[0])).contains(key);
        Map<String, Object> payment = jdbc.queryForMap("SELECT * FROM payment");
        assertThat(payment).containsEntry("channel", "wechat").containsEntry("trade_no", "4200000001202501011")
                .containsEntry("amount_minor", 1250L).containsEntry("raw_status", "SUCCESS");
        assertThat((String) payment.get("raw_notice")).contains(order.orderNo()).doesNotContain(TestGatewayKeys.WECHAT_API_V3_KEY);
    }

    @Test
    void twentyConcurrentRepeatsMakeOnePaymentAndOneDelivery() throws Exception {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);
        WechatNotifications.Notification notification = WechatNotifications.paid(order.orderNo(), "4200000001202501012", 1250);

        List<Callable<ShopClient.Response>> storm = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            storm.add(() -> post(shop, notification));
        }
        assertThat(Concurrently.run(20, storm)).allSatisfy(reply -> assertThat(reply.status()).isEqualTo(204));
        awaitDelivered(order.orderNo());

        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery_attempt", Integer.class)).isEqualTo(1);
        assertThat(TestMail.get().getReceivedMessages()).hasSize(1);
    }

    static Stream<Arguments> rejected() {
        long now = Instant.now().getEpochSecond();
        return Stream.of(
                bad("bad signature (not WeChat Pay's key)", (no, n) ->
                        signed(n.body(), TestGatewayKeys.WECHAT_MERCHANT.getPrivate(), now), 400),
                bad("tampered amount (resource swapped after signing)", (no, n) -> n.withBody(
                        encrypted(transaction(no, "4200000001202501013", 1, "SUCCESS"), TestGatewayKeys.WECHAT_API_V3_KEY)), 400),
                bad("wrong mchid", (no, n) -> signed(encrypted(with(transaction(no, "4200000001202501013", 1250, "SUCCESS"),
                        "mchid", "1900009999"), TestGatewayKeys.WECHAT_API_V3_KEY)), 400),
                bad("wrong appid", (no, n) -> signed(encrypted(with(transaction(no, "4200000001202501013", 1250, "SUCCESS"),
                        "appid", "wx9999999999999999"), TestGatewayKeys.WECHAT_API_V3_KEY)), 400),
                bad("stale timestamp", (no, n) -> signed(n.body(), TestGatewayKeys.WECHAT_PLATFORM.getPrivate(), now - 400), 400),
                bad("future timestamp", (no, n) -> signed(n.body(), TestGatewayKeys.WECHAT_PLATFORM.getPrivate(), now + 400), 400),
                bad("signature probe", (no, n) -> n.withHeader("Wechatpay-Signature", "WECHATPAY/SIGNTEST/abc"), 400),
                bad("other public key id", (no, n) -> n.withHeader("Wechatpay-Serial", "PUB_KEY_ID_OTHER"), 400),
                bad("missing nonce header", (no, n) -> n.withHeader("Wechatpay-Nonce", ""), 400),
                bad("encrypted with another API v3 key", (no, n) -> signed(encrypted(
                        transaction(no, "4200000001202501013", 1250, "SUCCESS"), "0123456789abcdef0123456789abcdef")), 400),
                bad("signed but malformed JSON", (no, n) -> signed("{\"id\": \"x\", \"resource\": "), 400),
                bad("signed but no resource", (no, n) -> signed("{\"id\": \"x\"}"), 400),
                bad("transaction without amount", (no, n) -> signed(encrypted(without(
                        transaction(no, "4200000001202501013", 1250, "SUCCESS"), "amount"), TestGatewayKeys.WECHAT_API_V3_KEY)), 400),
                bad("unknown order", (no, n) -> signed(encrypted(transaction("K0000000000000", "4200000001202501013", 1250,
                        "SUCCESS"), TestGatewayKeys.WECHAT_API_V3_KEY)), 404));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void rejectedNotificationChangesNothing(String name,
            BiFunction<String, WechatNotifications.Notification, WechatNotifications.Notification> tamper, int status) {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);

        ShopClient.Response reply = post(shop, tamper.apply(order.orderNo(),
                WechatNotifications.paid(order.orderNo(), "4200000001202501013", 1250)));

        assertThat(reply.status()).isEqualTo(status);
        assertThat(reply.json().get("code").asText()).isEqualTo("FAIL");
        assertThat(reply.json().get("message").asText()).isNotBlank();
        assertUntouched(order.orderNo());
    }

    @Test
    void unpaidTradeStateIsAcknowledgedAndChangesNothing() {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);

        ShopClient.Response reply = post(shop, signed(encrypted(transaction(order.orderNo(), "4200000001202501014", 1250,
                "NOTPAY"), TestGatewayKeys.WECHAT_API_V3_KEY)));

        assertThat(reply.status()).isEqualTo(204);
        assertUntouched(order.orderNo());
    }

    @Test
    void disabledWithoutSettings() {
        WechatNotifyController disabled = new WechatNotifyController(new WechatProperties(null, null, null, null, null,
                null, null, "https://api.mch.weixin.qq.com", null, 300), null, new com.fasterxml.jackson.databind.ObjectMapper());
        assertThat(disabled.notify(new byte[0], "s", "sig", "1", "n", null).getStatusCode().value()).isEqualTo(404);
    }

    private static Map<String, Object> with(Map<String, Object> transaction, String field, Object value) {
        transaction.put(field, value);
        return transaction;
    }

    private static Map<String, Object> without(Map<String, Object> transaction, String field) {
        transaction.remove(field);
        return transaction;
    }

    private static Arguments bad(String name,
            BiFunction<String, WechatNotifications.Notification, WechatNotifications.Notification> tamper, int status) {
        return Arguments.of(name, tamper, status);
    }
}
