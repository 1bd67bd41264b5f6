package io.kamiflow.gateway.stripe;

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

    @Override
    public String toString() {
        return "StripeProperties[apiBase=" + apiBase + ", successUrl=" + successUrl + "]";
    }
}
