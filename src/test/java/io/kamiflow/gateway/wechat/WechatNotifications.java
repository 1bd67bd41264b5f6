package io.kamiflow.gateway.wechat;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.wechat.pay.java.core.cipher.AeadAesCipher;
import com.wechat.pay.java.core.cipher.RSASigner;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestGatewayKeys;

/** WeChat Pay v3 notifications as the gateway sends them: resource encrypted with AeadAesCipher, signed with RSASigner. */
public final class WechatNotifications {

    public record Notification(String body, Map<String, String> headers) {
        Notification withHeader(String name, String value) {
            Map<String, String> copy = new LinkedHashMap<>(headers);
            copy.put(name, value);
            return new Notification(body, copy);
        }

        Notification withBody(String newBody) {
            return new Notification(newBody, headers);
        }
    }

    private WechatNotifications() {
    }

    static Map<String, Object> transaction(String orderNo, String transactionId, int total, String state) {
        Map<String, Object> transaction = new LinkedHashMap<>();
        transaction.put("appid", TestGatewayKeys.WECHAT_APP_ID);
        transaction.put("mchid", TestGatewayKeys.WECHAT_MCH_ID);
        transaction.put("out_trade_no", orderNo);
        transaction.put("transaction_id", transactionId);
        transaction.put("trade_type", "NATIVE");
        transaction.put("trade_state", state);
        transaction.put("trade_state_desc", "支付成功");
        transaction.put("bank_type", "OTHERS");
        transaction.put("success_time", "2025-01-01T12:00:00+08:00");
        transaction.put("payer", Map.of("openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"));
        transaction.put("amount", Map.of("total", total, "payer_total", total, "currency", "CNY", "payer_currency", "CNY"));
        transaction.put("a_field_from_the_future", "tolerated");
        return transaction;
    }

    public static Notification paid(String orderNo, String transactionId, int total) {
        return signed(encrypted(transaction(orderNo, transactionId, total, "SUCCESS"), TestGatewayKeys.WECHAT_API_V3_KEY));
    }

    static String encrypted(Map<String, Object> transaction, String apiV3Key) {
        String nonce = UUID.randomUUID().toString().substring(0, 12);
        String associatedData = "transaction";
        String ciphertext = new AeadAesCipher(apiV3Key.getBytes(StandardCharsets.UTF_8)).encrypt(
                associatedData.getBytes(StandardCharsets.UTF_8), nonce.getBytes(StandardCharsets.UTF_8),
                ShopClient.json(transaction).getBytes(StandardCharsets.UTF_8));
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("original_type", "transaction");
        resource.put("algorithm", "AEAD_AES_256_GCM");
        resource.put("ciphertext", ciphertext);
        resource.put("associated_data", associatedData);
        resource.put("nonce", nonce);
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("id", UUID.randomUUID().toString());
        envelope.put("create_time", "2025-01-01T12:00:01+08:00");
        envelope.put("resource_type", "encrypt-resource");
        envelope.put("event_type", "TRANSACTION.SUCCESS");
        envelope.put("summary", "支付成功");
        envelope.put("resource", resource);
        return ShopClient.json(envelope);
    }

    static Notification signed(String body) {
        return signed(body, TestGatewayKeys.WECHAT_PLATFORM.getPrivate(), Instant.now().getEpochSecond());
    }

    static Notification signed(String body, PrivateKey key, long timestamp) {
        String nonce = UUID.randomUUID().toString().replace("-", "");
        String signature = new RSASigner(TestGatewayKeys.WECHAT_PUBLIC_KEY_ID, key)
                .sign(timestamp + "\n" + nonce + "\n" + body + "\n").getSign();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Wechatpay-Serial", TestGatewayKeys.WECHAT_PUBLIC_KEY_ID);
        headers.put("Wechatpay-Signature", signature);
        headers.put("Wechatpay-Timestamp", Long.toString(timestamp));
        headers.put("Wechatpay-Nonce", nonce);
        headers.put("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");
        return new Notification(body, headers);
    }
}
