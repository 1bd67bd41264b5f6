package io.kamiflow.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

/**
 * Runs before any bean exists: under the prod profile, kamiflow refuses to start while any dev
 * default is in force, and says which ones; settings that are safe but easy to get wrong are named as warnings.
 */
public class ProdProfileGuard implements EnvironmentPostProcessor {

    static final Set<String> DEV_PASSWORDS = Set.of("demo", "admin", "password", "support", "changeme");
    static final String DEV_SANDBOX_SECRET = "dev-sandbox-secret";
    static final String TRUSTED_PROXIES = "server.tomcat.remoteip.internal-proxies";
    static final String SANDBOX_OPT_IN = "kamiflow.payment.sandbox.allow-in-prod";
    /** No proxy of the shop has one of these: a trusted-proxy pattern that matches one believes the internet's headers. */
    static final List<String> PUBLIC_ADDRESSES = List.of("8.8.8.8", "1.1.1.1", "9.9.9.9", "2001:4860:4860:0:0:0:0:8888",
            "2001:4860:4860::8888");

    private final Log log;

    public ProdProfileGuard() {
        this.log = LogFactory.getLog(ProdProfileGuard.class);
    }

    /** Spring Boot passes the log that is replayed once logging is set up. */
    public ProdProfileGuard(DeferredLogFactory logs) {
        this.log = logs.getLog(ProdProfileGuard.class);
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
        warnings(env).forEach(warning -> log.warn("prod profile: " + warning));
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
        String sandboxSecret = env.getProperty("kamiflow.payment.sandbox.secret", "");
        if (DEV_SANDBOX_SECRET.equals(sandboxSecret)) {
            problems.add("kamiflow.payment.sandbox.secret is the dev secret; leave it empty to disable the sandbox channel");
        } else if (!sandboxSecret.isBlank() && !sandboxOptedIn(env)) {
            problems.add("kamiflow.payment.sandbox.secret is set: the sandbox channel marks orders paid without money. Leave "
                    + "it empty (KAMIFLOW_SANDBOX_SECRET), or on a staging system say so with " + SANDBOX_OPT_IN + "=true "
                    + "(KAMIFLOW_SANDBOX_ALLOW_IN_PROD)");
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
        trustedProxiesProblem(env.getProperty(TRUSTED_PROXIES)).ifPresent(problems::add);
        return problems;
    }

    /** Safe settings worth a word at start: nothing refused, but easy to have set (or left) by mistake. */
    public static List<String> warnings(Environment env) {
        List<String> warnings = new ArrayList<>();
        if (env.getProperty(TRUSTED_PROXIES, "x").isBlank()) {
            warnings.add(TRUSTED_PROXIES + " is not set: the shop trusts X-Forwarded-For from no peer, so behind a proxy "
                    + "or load balancer every buyer has its address (one rate limit and reservation cap for all). Set "
                    + "KAMIFLOW_TRUSTED_PROXIES to a pattern of the proxies' addresses, e.g. 10\\.0\\.3\\.7");
        }
        List<String> exempt = Binder.get(env).bind("kamiflow.rate-limit.exempt-addresses", Bindable.listOf(String.class))
                .orElse(List.of()).stream().map(String::strip).filter(address -> !address.isEmpty()).toList();
        if (!exempt.isEmpty()) {
            warnings.add("kamiflow.rate-limit.exempt-addresses is " + exempt + ": clients from there skip the buyer limits "
                    + "and the reservation cap");
        }
        if (!env.getProperty("kamiflow.payment.sandbox.secret", "").isBlank() && sandboxOptedIn(env)) {
            warnings.add("SANDBOX CHANNEL IS ON IN PRODUCTION (" + SANDBOX_OPT_IN + "=true): whoever holds its secret marks "
                    + "orders paid without money. Meant for staging; every sandbox payment is logged as a warning");
        }
        return warnings;
    }

    private static boolean sandboxOptedIn(Environment env) {
        return env.getProperty(SANDBOX_OPT_IN, Boolean.class, false);
    }

    /** Unset (Tomcat's default trusts every private range and loopback), broken, or trusting public addresses. */
    private static Optional<String> trustedProxiesProblem(String proxies) {
        if (proxies == null) {
            return Optional.of(TRUSTED_PROXIES + " must name the proxies whose X-Forwarded-For is believed "
                    + "(KAMIFLOW_TRUSTED_PROXIES, empty for none): Tomcat's default trusts every private address and loopback");
        }
        if (proxies.isBlank()) {
            return Optional.empty();
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(proxies);
        } catch (PatternSyntaxException e) {
            return Optional.of(TRUSTED_PROXIES + " is not a valid regular expression: " + e.getDescription());
        }
        List<String> trusted = PUBLIC_ADDRESSES.stream().filter(address -> pattern.matcher(address).matches()).toList();
        return trusted.isEmpty() ? Optional.empty() : Optional.of(TRUSTED_PROXIES + " '" + proxies
                + "' trusts public addresses (" + String.join(", ", trusted) + "): name the proxies' own addresses only");
    }
}
