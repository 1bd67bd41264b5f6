package io.kamiflow.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import io.kamiflow.gateway.alipay.AlipayNotices;
import io.kamiflow.gateway.epay.EpayNotices;
import io.kamiflow.gateway.stripe.StripeEventsFixture;
import io.kamiflow.gateway.wechat.WechatNotifications;
import io.kamiflow.support.FakeGateway;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestGatewayKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Channel secrets and keys appear in no log line, whether callbacks are accepted or rejected, and not in raw notices. */
@ExtendWith(OutputCaptureExtension.class)
class ChannelSecrecyTest extends IntegrationTest {

    @Test
    void secretsAreNeverLoggedNorStored(CapturedOutput output) {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "SEC", "1.00", 8);
        List<String> orders = new java.util.ArrayList<>();
        for (String channel : List.of("alipay", "epay", "stripe", "wechat")) {
            Shop.PlacedOrder order = Shop.order(shop, "SEC", 1, channel + "@example.com");
            String no = order.orderNo();
            orders.add(no);
            switch (channel) {
                case "alipay" -> {
                    shop.postForm("/api/payments/alipay/notify", Map.of("out_trade_no", no, "sign", "garbage"));
                    shop.postForm("/api/payments/alipay/notify", AlipayNotices.paid(no, "A-" + no, "1.00"));
                }
                case "epay" -> {
                    shop.postForm("/api/payments/epay/notify", Map.of("out_trade_no", no, "sign", "garbage"));
                    shop.postForm("/api/payments/epay/notify", EpayNotices.paid(no, "E-" + no, "1.00"));
                }
                case "stripe" -> {
                    String event = StripeEventsFixture.event("checkout.session.completed",
                            StripeEventsFixture.session(no, "pi_" + no, 100, "paid"));
                    shop.send("POST", "/api/payments/stripe/webhook", "application/json", event, Map.of("Stripe-Signature", "t=1,v1=00"));
                    shop.send("POST", "/api/payments/stripe/webhook", "application/json", event,
                            Map.of("Stripe-Signature", StripeEventsFixture.sign(event)));
                }
                default -> {
                    WechatNotifications.Notification paid = WechatNotifications.paid(no, "W" + no, 100);
                    shop.send("POST", "/api/payments/wechat/notify", "application/json", paid.body(),
                            Map.of("Wechatpay-Serial", TestGatewayKeys.WECHAT_PUBLIC_KEY_ID, "Wechatpay-Signature", "AAAA",
                                    "Wechatpay-Timestamp", paid.headers().get("Wechatpay-Timestamp"), "Wechatpay-Nonce", "n"));
                    shop.send("POST", "/api/payments/wechat/notify", "application/json", paid.body(), paid.headers());
                }
            }
        }
        orders.forEach(this::awaitDelivered);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(4);

        String rawNotices = String.join("\n", jdbc.queryForList("SELECT raw_notice FROM payment", String.class));
        for (String secret : List.of(TestGatewayKeys.WECHAT_API_V3_KEY, TestGatewayKeys.EPAY_KEY,
                TestGatewayKeys.STRIPE_WEBHOOK_SECRET, TestGatewayKeys.STRIPE_API_KEY,
                TestGatewayKeys.base64(TestGatewayKeys.ALIPAY_MERCHANT.getPrivate().getEncoded()).substring(40, 120),
                TestGatewayKeys.base64(TestGatewayKeys.WECHAT_MERCHANT.getPrivate().getEncoded()).substring(40, 120))) {
            assertThat(output.getAll()).doesNotContain(secret);
            assertThat(rawNotices).doesNotContain(secret);
        }
    }

    @Autowired
    PaymentChannels channels;
    @Autowired
    io.kamiflow.ordering.OrderRepository orders;

    /** Gateways that answer nothing useful (no fake installed: 404 everywhere): the failures name no secret either. */
    @Test
    void failedRefundsAndQueriesNameNoSecret(CapturedOutput output) {
        FakeGateway.reset();
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "SEC", "1.00", 1);
        io.kamiflow.ordering.Order order = orders.findByOrderNo(Shop.order(shop, "SEC", 1, "q@example.com").orderNo())
                .orElseThrow();
        List<String> failures = new java.util.ArrayList<>();
        for (String id : List.of("alipay", "epay", "stripe", "wechat")) {
            PaymentChannel channel = channels.byId(id).orElseThrow();
            assertThat(channel.supportsQuery()).as(id + " queries").isTrue();
            assertThatThrownBy(() -> channel.query(order)).as(id + " query").isInstanceOf(RuntimeException.class)
                    .satisfies(e -> failures.add(e.getMessage()));
            if (channel.supportsRefund()) {
                assertThatThrownBy(() -> channel.refund(new Payment(1, id, "T-1", order.orderNo(),
                        new io.kamiflow.catalog.Money(100, "CNY")), "KF-REFUND-1", "test")).as(id + " refund")
                        .satisfies(e -> failures.add(e.getMessage()));
            }
        }
        assertThat(failures).hasSize(7);
        String all = String.join("\n", failures) + output.getAll();
        for (String secret : List.of(TestGatewayKeys.WECHAT_API_V3_KEY, TestGatewayKeys.EPAY_KEY,
                TestGatewayKeys.STRIPE_API_KEY,
                TestGatewayKeys.base64(TestGatewayKeys.ALIPAY_MERCHANT.getPrivate().getEncoded()).substring(40, 120),
                TestGatewayKeys.base64(TestGatewayKeys.WECHAT_MERCHANT.getPrivate().getEncoded()).substring(40, 120))) {
            assertThat(all).doesNotContain(secret);
        }
    }
}
