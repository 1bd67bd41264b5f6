package io.kamiflow.support;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The payment channels' settings for the tests, generated once per JVM and never committed: RSA key pairs
 * for Alipay and WeChat Pay (both the gateway's and the merchant's), secrets for Stripe, 易支付 and the
 * WeChat API v3 key. Registered in {@link IntegrationTest} so every test class shares one Spring context.
 */
public final class TestGatewayKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    public static final String ALIPAY_APP_ID = "2021000000000001";
    public static final String ALIPAY_SELLER_ID = "2088000000000001";
    /** Alipay's own key pair: the gateway signs notices with the private half. */
    public static final KeyPair ALIPAY_GATEWAY = rsa();
    /** The merchant's application key pair: kamiflow signs checkout requests with the private half. */
    public static final KeyPair ALIPAY_MERCHANT = rsa();

    public static final String WECHAT_MCH_ID = "1900000001";
    public static final String WECHAT_APP_ID = "wx0000000000000001";
    public static final String WECHAT_API_V3_KEY = HexFormat.of().formatHex(bytes(16)); // 32 characters
    /** WeChat Pay's platform key pair ("微信支付公钥"): it signs notices and API responses. */
    public static final KeyPair WECHAT_PLATFORM = rsa();
    public static final String WECHAT_PUBLIC_KEY_ID = "PUB_KEY_ID_0119000000012025010100000000000001";
    public static final KeyPair WECHAT_MERCHANT = rsa();
    public static final String WECHAT_MERCHANT_SERIAL = HexFormat.of().withUpperCase().formatHex(bytes(20));

    public static final String STRIPE_WEBHOOK_SECRET = "whsec_" + HexFormat.of().formatHex(bytes(16));
    public static final String STRIPE_API_KEY = "sk_test_" + HexFormat.of().formatHex(bytes(12));

    public static final String EPAY_PID = "1001";
    public static final String EPAY_KEY = HexFormat.of().formatHex(bytes(16));

    private TestGatewayKeys() {
    }

    static void register(DynamicPropertyRegistry registry) {
        registry.add("kamiflow.payment.alipay.app-id", () -> ALIPAY_APP_ID);
        registry.add("kamiflow.payment.alipay.seller-id", () -> ALIPAY_SELLER_ID);
        registry.add("kamiflow.payment.alipay.alipay-public-key", () -> base64(ALIPAY_GATEWAY.getPublic().getEncoded()));
        registry.add("kamiflow.payment.alipay.private-key", () -> base64(ALIPAY_MERCHANT.getPrivate().getEncoded()));
        registry.add("kamiflow.payment.alipay.gateway-url", () -> FakeGateway.baseUrl() + "/alipay/gateway.do");
        registry.add("kamiflow.payment.alipay.notify-url", () -> "https://shop.example/api/payments/alipay/notify");

        registry.add("kamiflow.payment.wechat.mch-id", () -> WECHAT_MCH_ID);
        registry.add("kamiflow.payment.wechat.app-id", () -> WECHAT_APP_ID);
        registry.add("kamiflow.payment.wechat.api-v3-key", () -> WECHAT_API_V3_KEY);
        registry.add("kamiflow.payment.wechat.public-key", () -> base64(WECHAT_PLATFORM.getPublic().getEncoded()));
        registry.add("kamiflow.payment.wechat.public-key-id", () -> WECHAT_PUBLIC_KEY_ID);
        registry.add("kamiflow.payment.wechat.private-key", () -> base64(WECHAT_MERCHANT.getPrivate().getEncoded()));
        registry.add("kamiflow.payment.wechat.merchant-serial-number", () -> WECHAT_MERCHANT_SERIAL);
        registry.add("kamiflow.payment.wechat.base-url", () -> FakeGateway.baseUrl() + "/wechat");
        registry.add("kamiflow.payment.wechat.notify-url", () -> "https://shop.example/api/payments/wechat/notify");

        registry.add("kamiflow.payment.stripe.webhook-secret", () -> STRIPE_WEBHOOK_SECRET);
        registry.add("kamiflow.payment.stripe.api-key", () -> STRIPE_API_KEY);
        registry.add("kamiflow.payment.stripe.api-base", () -> FakeGateway.baseUrl() + "/stripe");
        registry.add("kamiflow.payment.stripe.success-url", () -> "https://shop.example/paid");
        registry.add("kamiflow.payment.stripe.cancel-url", () -> "https://shop.example/cancelled");

        registry.add("kamiflow.payment.epay.pid", () -> EPAY_PID);
        registry.add("kamiflow.payment.epay.key", () -> EPAY_KEY);
        registry.add("kamiflow.payment.epay.submit-url", () -> "https://epay.example/submit.php");
        registry.add("kamiflow.payment.epay.notify-url", () -> "https://shop.example/api/payments/epay/notify");
        registry.add("kamiflow.payment.epay.return-url", () -> "https://shop.example/orders");
        registry.add("kamiflow.payment.epay.api-url", () -> FakeGateway.baseUrl() + "/epay/api.php");
    }

    public static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
