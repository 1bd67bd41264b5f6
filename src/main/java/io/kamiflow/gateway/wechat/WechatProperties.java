package io.kamiflow.gateway.wechat;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * WeChat Pay API v3 with the WeChat Pay public key ("微信支付公钥", no platform-certificate download).
 * On when merchant id, app id, API v3 key, public key and its id are set; the merchant private key and its
 * certificate serial number are needed to call the API (checkout, refunds, queries).
 */
@ConfigurationProperties("kamiflow.payment.wechat")
public record WechatProperties(String mchId,
                               String appId,
                               String apiV3Key,
                               String publicKey,
                               String publicKeyId,
                               String privateKey,
                               String merchantSerialNumber,
                               @DefaultValue("https://api.mch.weixin.qq.com") String baseUrl,
                               String notifyUrl,
                               @DefaultValue("300") long toleranceSeconds) {

    public boolean enabled() {
        return set(mchId) && set(appId) && set(apiV3Key) && set(publicKey) && set(publicKeyId);
    }

    /** The settings this channel still needs to be on, by property name (never a value); empty when it is on. */
    public List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (mchId == null || mchId.isBlank()) {
            missing.add("kamiflow.payment.wechat.mch-id");
        }
        if (appId == null || appId.isBlank()) {
            missing.add("kamiflow.payment.wechat.app-id");
        }
        if (apiV3Key == null || apiV3Key.isBlank()) {
            missing.add("kamiflow.payment.wechat.api-v3-key");
        }
        if (publicKey == null || publicKey.isBlank()) {
            missing.add("kamiflow.payment.wechat.public-key");
        }
        if (publicKeyId == null || publicKeyId.isBlank()) {
            missing.add("kamiflow.payment.wechat.public-key-id");
        }
        return missing;
    }

    /** Signing API requests (checkout, refund, query) needs the merchant private key and its serial number. */
    boolean canCallApi() {
        return enabled() && set(privateKey) && set(merchantSerialNumber);
    }

    boolean canCheckout() {
        return canCallApi() && set(notifyUrl);
    }

    private static boolean set(String value) {
        return value != null && !value.isBlank();
    }

    @Override
    public String toString() {
        return "WechatProperties[mchId=" + mchId + ", appId=" + appId + ", publicKeyId=" + publicKeyId
                + ", baseUrl=" + baseUrl + "]";
    }
}
