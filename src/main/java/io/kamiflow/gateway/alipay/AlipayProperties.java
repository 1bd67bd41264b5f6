package io.kamiflow.gateway.alipay;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Alipay (open platform, RSA2). On when app id and Alipay's public key are set. The merchant's private key
 * is needed only to sign checkout requests; seller id, when set, must match every notice.
 */
@ConfigurationProperties("kamiflow.payment.alipay")
public record AlipayProperties(String appId,
                               String alipayPublicKey,
                               String sellerId,
                               String privateKey,
                               @DefaultValue("https://openapi.alipay.com/gateway.do") String gatewayUrl,
                               String notifyUrl,
                               String returnUrl) {

    public boolean enabled() {
        return appId != null && !appId.isBlank() && alipayPublicKey != null && !alipayPublicKey.isBlank();
    }

    /** The settings this channel still needs to be on, by property name (never a value); empty when it is on. */
    public List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (appId == null || appId.isBlank()) {
            missing.add("kamiflow.payment.alipay.app-id");
        }
        if (alipayPublicKey == null || alipayPublicKey.isBlank()) {
            missing.add("kamiflow.payment.alipay.alipay-public-key");
        }
        return missing;
    }

    @Override
    public String toString() {
        return "AlipayProperties[appId=" + appId + ", sellerId=" + sellerId + ", gatewayUrl=" + gatewayUrl + "]";
    }
}
