package io.kamiflow.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.Environment;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Profiles;

/**
 * Runs before any bean exists: under the prod profile, kamiflow refuses to start while any dev
 * default is in force, and says which ones.
 */
public class ProdProfileGuard implements EnvironmentPostProcessor {

    static final Set<String> DEV_PASSWORDS = Set.of("demo", "admin", "password", "support", "changeme");
    static final String DEV_SANDBOX_SECRET = "dev-sandbox-secret";

    public ProdProfileGuard() {
    }

    /** Spring Boot passes the log that is replayed once logging is set up. */
    public ProdProfileGuard(DeferredLogFactory logs) {
    }

    /** Settings that are safe but worth a word at start. */
    public static List<String> warnings(Environment env) {
        return List.of();
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (!env.acceptsProfiles(Profiles.of("prod"))) {
            return;
        }
        List<String> problems = problems(env);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("prod profile refuses dev defaults:\n - " + String.join("\n - ", problems));
        }
    }

    static List<String> problems(ConfigurableEnvironment env) {
        List<String> problems = new ArrayList<>();
        if (env.getProperty("kamiflow.dev.enabled", Boolean.class, false)) {
            problems.add("kamiflow.dev.enabled is true (dev mail sink, sample data, dev pay helper)");
        }
        String url = env.getProperty("spring.datasource.url", "");
        if (url.isBlank() || url.startsWith("jdbc:h2:")) {
            problems.add("spring.datasource.url must name the production PostgreSQL (KAMIFLOW_DB_URL), not H2");
        }
        String adminPassword = env.getProperty("camunda.bpm.admin-user.password", "");
        if (!env.getProperty("camunda.bpm.admin-user.id", "").isBlank()
                && (adminPassword.length() < 12 || DEV_PASSWORDS.contains(adminPassword.toLowerCase()))) {
            problems.add("camunda.bpm.admin-user.password is a dev default or shorter than 12 characters (KAMIFLOW_ADMIN_PASSWORD)");
        }
        if (DEV_SANDBOX_SECRET.equals(env.getProperty("kamiflow.payment.sandbox.secret"))) {
            problems.add("kamiflow.payment.sandbox.secret is the dev secret; leave it empty to disable the sandbox channel");
        }
        if (env.getProperty("kamiflow.crypto.fingerprint-key", "").isBlank()
                || env.getProperty("kamiflow.crypto.active-key-id", "").isBlank()) {
            problems.add("kamiflow.crypto.active-key-id, kamiflow.crypto.keys.<id> and kamiflow.crypto.fingerprint-key must be set");
        }
        if (env.getProperty("spring.mail.host", "").isBlank()) {
            problems.add("spring.mail.host must name the outgoing SMTP server (KAMIFLOW_MAIL_HOST)");
        }
        if (env.getProperty("kamiflow.storefront.base-url", "").isBlank()) {
            problems.add("kamiflow.storefront.base-url must be the shop's public address, e.g. https://shop.example.com "
                    + "(KAMIFLOW_STOREFRONT_BASEURL): key mails link to the order page under it");
        }
        return problems;
    }
}
