package io.kamiflow.gateway.stripe;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Stripe: on when the webhook signing secret is set. The API key (and base, for tests) is needed only to
 * create Checkout Sessions.
 */
@ConfigurationProperties("kamiflow.payment.stripe")
public record StripeProperties(String webhookSecret,
                               String apiKey,
                               @DefaultValue("https://api.stripe.com") String apiBase,
                               String successUrl,
                               String cancelUrl,
                               @DefaultValue("300") long toleranceSeconds) {

    public boolean enabled() {
        return webhookSecret != null && !webhookSecret.isBlank();
    }

    /** The settings this channel still needs to be on, by property name (never a value); empty when it is on. */
    public List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (webhookSecret == null || webhookSecret.isBlank()) {
            missing.add("kamiflow.payment.stripe.webhook-secret");
        }
        return missing;
    }

    @Override
    public String toString() {
        return "StripeProperties[apiBase=" + apiBase + ", successUrl=" + successUrl + "]";
    }
}
