package io.kamiflow.gateway.sandbox;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The built-in sandbox gateway: on when a secret is configured. It marks orders paid without money, so under the prod
 * profile a secret needs {@code allow-in-prod} too (a staging system; ProdProfileGuard), and each payment is logged.
 * {@code query-url}: where compensation asks about a trade when the sandbox gateway's ledger lives outside our database
 * (the backup drill's driver); empty: the ledger table next to the orders.
 */
@ConfigurationProperties("kamiflow.payment.sandbox")
public record SandboxProperties(String secret, @DefaultValue("300") long toleranceSeconds, boolean allowInProd,
                                String queryUrl) {

    /** The sandbox gateway keeps its ledger outside our database and is asked over HTTP ({@link SandboxQueryClient}). */
    public boolean queriesRemotely() {
        return queryUrl != null && !queryUrl.isBlank();
    }

    public boolean enabled() {
        return secret != null && !secret.isBlank();
    }

    /** The settings this channel still needs to be on, by property name (never a value); empty when it is on. */
    public List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (secret == null || secret.isBlank()) {
            missing.add("kamiflow.payment.sandbox.secret");
        }
        return missing;
    }
}
