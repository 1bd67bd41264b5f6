package io.kamiflow.gateway.alipay;

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

    @Override
    public String toString() {
        return "AlipayProperties[appId=" + appId + ", sellerId=" + sellerId + ", gatewayUrl=" + gatewayUrl + "]";
    }
}
