package io.kamiflow.gateway.epay;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * 易支付 (epay V1, MD5): on when merchant id and key are set. submit-url is the gateway's submit.php; api-url, when
 * set, is its api.php, which the compensation process asks about unpaid orders.
 */
@ConfigurationProperties("kamiflow.payment.epay")
public record EpayProperties(String pid, String key, String submitUrl, String notifyUrl, String returnUrl, String apiUrl) {

    public boolean enabled() {
        return pid != null && !pid.isBlank() && key != null && !key.isBlank();
    }

    @Override
    public String toString() {
        return "EpayProperties[pid=" + pid + ", submitUrl=" + submitUrl + ", apiUrl=" + apiUrl + "]";
    }
}
