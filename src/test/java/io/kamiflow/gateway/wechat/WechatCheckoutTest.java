package io.kamiflow.gateway.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.FakeGateway;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestGatewayKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Checkout creates a Native payment through wechatpay-java against a local fake of the WeChat Pay API, which
 * checks the merchant's request signature and signs its answer with the WeChat Pay key, as the real one does.
 */
class WechatCheckoutTest extends IntegrationTest {

    private static final String NATIVE = FakeWechatPay.NATIVE;

    @AfterEach
    void resetFake() {
        FakeGateway.reset();
    }

    @Test
    void orderAnswersTheCodeUrl() {
        FakeGateway.on("POST", NATIVE, request -> {
            if (!FakeWechatPay.merchantSigned(request)) {
                return new FakeGateway.Reply(401, Map.of(), "{\"code\":\"SIGN_ERROR\",\"message\":\"bad signature\"}");
            }
            return FakeWechatPay.signedReply(200, "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=kamiflow42\"}");
        });
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "WX", "12.50", 3);

        ShopClient.Response response = shop.createOrder("WX", 2, "wx@example.com", "wechat");

        assertThat(response.status()).as(response.body()).isEqualTo(201);
        assertThat(response.json().get("payment").get("codeUrl").asText()).isEqualTo("weixin://wxpay/bizpayurl?pr=kamiflow42");
        JsonNode sent = new ShopClient.Response(200, FakeGateway.requests().get(0).body(), "").json();
        assertThat(sent.get("out_trade_no").asText()).isEqualTo(response.json().get("orderNo").asText());
        assertThat(sent.get("amount").get("total").asInt()).isEqualTo(2500);
        assertThat(sent.get("mchid").asText()).isEqualTo(TestGatewayKeys.WECHAT_MCH_ID);
        assertThat(sent.get("appid").asText()).isEqualTo(TestGatewayKeys.WECHAT_APP_ID);
        assertThat(sent.get("notify_url").asText()).isEqualTo("https://shop.example/api/payments/wechat/notify");
        // RFC 3339 with offset: the order's deadline (created_at + order-ttl)
        java.time.OffsetDateTime created = jdbc.queryForObject("SELECT created_at FROM customer_order WHERE order_no = ?",
                java.time.OffsetDateTime.class, response.json().get("orderNo").asText());
        assertThat(sent.get("time_expire").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\+08:00");
        assertThat(java.time.OffsetDateTime.parse(sent.get("time_expire").asText()).toInstant())
                .isEqualTo(created.plusMinutes(15).toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    /** OkHttp alone would wait 10 s per read with no bound on the call; the gateway timeouts bound the whole call. */
    @Test
    void aPrepayThatNeverAnswersIsA503WithinTheTimeoutsAndTheOrderIsCancelled() {
        java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
        FakeGateway.on("POST", NATIVE, request -> {
            released.await(2, java.util.concurrent.TimeUnit.MINUTES);
            return new FakeGateway.Reply(500, Map.of(), "too late");
        });
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "WX", "12.50", 3);
        try {
            long start = System.nanoTime();
            ShopClient.Response response = shop.createOrder("WX", 1, "wx@example.com", "wechat");
            java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).isLessThan(java.time.Duration.ofSeconds(16)); // connect 5 s + read 10 s
            assertThat(response.status()).isEqualTo(503);
            assertThat(response.json().get("detail").asText()).startsWith("wechat pay did not answer in time; order ")
                    .contains("is cancelled and holds no keys");
            assertThat(jdbc.queryForList("SELECT status FROM customer_order", String.class)).containsExactly("CANCELLED");
            assertThat(shop.stock("WX").json().get("available").asInt()).isEqualTo(3);
        } finally {
            released.countDown();
        }
    }

    @Test
    void answerNotSignedByWechatPayIsRefusedAndTheOrderCancelledWithItsKeysBackInStock() {
        FakeGateway.on("POST", NATIVE, request -> new FakeGateway.Reply(200, Map.of("Content-Type", "application/json",
                "Wechatpay-Timestamp", Long.toString(Instant.now().getEpochSecond()), "Wechatpay-Nonce", "n",
                "Wechatpay-Serial", TestGatewayKeys.WECHAT_PUBLIC_KEY_ID, "Wechatpay-Signature", "Zm9yZ2Vk",
                "Request-ID", "r1"), "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=forged\"}"));
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "WX", "12.50", 3);

        ShopClient.Response response = shop.createOrder("WX", 1, "wx@example.com", "wechat");

        assertThat(response.status()).isEqualTo(502);
        assertThat(jdbc.queryForList("SELECT status FROM customer_order", String.class)).containsExactly("CANCELLED");
        assertThat(shop.stock("WX").json().get("available").asInt()).isEqualTo(3);
    }
}
