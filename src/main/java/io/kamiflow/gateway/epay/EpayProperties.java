package io.kamiflow.gateway.epay;

import java.util.ArrayList;
import java.util.List;

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

    /** The settings this channel still needs to be on, by property name (never a value); empty when it is on. */
    public List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (pid == null || pid.isBlank()) {
            missing.add("kamiflow.payment.epay.pid");
        }
        if (key == null || key.isBlank()) {
            missing.add("kamiflow.payment.epay.key");
        }
        return missing;
    }

    @Override
    public String toString() {
        return "EpayProperties[pid=" + pid + ", submitUrl=" + submitUrl + ", apiUrl=" + apiUrl + "]";
    }
}
