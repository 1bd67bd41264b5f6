package io.kamiflow.gateway.sandbox;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The built-in sandbox gateway: on when a secret is configured. */
@ConfigurationProperties("kamiflow.payment.sandbox")
public record SandboxProperties(String secret, @DefaultValue("300") long toleranceSeconds, boolean allowInProd) {

    public boolean enabled() {
        return secret != null && !secret.isBlank();
    }
}
