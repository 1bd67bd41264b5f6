package io.kamiflow.payment.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.wechat.pay.java.core.cipher.RSASigner;
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

    private static final String NATIVE = "/wechat/v3/pay/transactions/native";
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "WECHATPAY2-SHA256-RSA2048 mchid=\"(\\d+)\",nonce_str=\"([^\"]+)\",timestamp=\"(\\d+)\",serial_no=\"([^\"]+)\",signature=\"([^\"]+)\"");

    @AfterEach
    void resetFake() {
        FakeGateway.reset();
    }

    @Test
    void orderAnswersTheCodeUrl() {
        FakeGateway.on("POST", NATIVE, request -> {
            if (!merchantSigned(request)) {
                return new FakeGateway.Reply(401, Map.of(), "{\"code\":\"SIGN_ERROR\",\"message\":\"bad signature\"}");
            }
            return signedReply(200, "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=kamiflow42\"}");
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
    }

    @Test
    void answerNotSignedByWechatPayIsRefusedAndKeepsNoOrder() {
        FakeGateway.on("POST", NATIVE, request -> new FakeGateway.Reply(200, Map.of("Content-Type", "application/json",
                "Wechatpay-Timestamp", Long.toString(Instant.now().getEpochSecond()), "Wechatpay-Nonce", "n",
                "Wechatpay-Serial", TestGatewayKeys.WECHAT_PUBLIC_KEY_ID, "Wechatpay-Signature", "Zm9yZ2Vk",
                "Request-ID", "r1"), "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=forged\"}"));
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "WX", "12.50", 3);

        ShopClient.Response response = shop.createOrder("WX", 1, "wx@example.com", "wechat");

        assertThat(response.status()).isEqualTo(502);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isZero();
    }

    /** The merchant's request signature, checked with the JDK against the merchant's public key. */
    private static boolean merchantSigned(FakeGateway.Request request) throws Exception {
        Matcher auth = AUTHORIZATION.matcher(request.headers().get("Authorization"));
        if (!auth.matches() || !auth.group(1).equals(TestGatewayKeys.WECHAT_MCH_ID)
                || !auth.group(4).equals(TestGatewayKeys.WECHAT_MERCHANT_SERIAL)) {
            return false;
        }
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(TestGatewayKeys.WECHAT_MERCHANT.getPublic());
        verifier.update(("POST\n/v3/pay/transactions/native\n" + auth.group(3) + "\n" + auth.group(2) + "\n"
                + request.body() + "\n").getBytes(StandardCharsets.UTF_8));
        return verifier.verify(Base64.getDecoder().decode(auth.group(5)));
    }

    private static FakeGateway.Reply signedReply(int status, String body) {
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        String nonce = UUID.randomUUID().toString().replace("-", "");
        String signature = new RSASigner(TestGatewayKeys.WECHAT_PUBLIC_KEY_ID, TestGatewayKeys.WECHAT_PLATFORM.getPrivate())
                .sign(timestamp + "\n" + nonce + "\n" + body + "\n").getSign();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Wechatpay-Timestamp", timestamp);
        headers.put("Wechatpay-Nonce", nonce);
        headers.put("Wechatpay-Serial", TestGatewayKeys.WECHAT_PUBLIC_KEY_ID);
        headers.put("Wechatpay-Signature", signature);
        headers.put("Request-ID", "fake-" + nonce);
        return new FakeGateway.Reply(status, headers, body);
    }
}
