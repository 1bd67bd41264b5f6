package io.kamiflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kamiflow.KamiflowApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

@ExtendWith(OutputCaptureExtension.class)
class ProdProfileGuardTest {

    @Test
    void prodProfileRefusesToStartOnTheDevDefaults() {
        SpringApplication app = new SpringApplication(KamiflowApplication.class);
        app.setAdditionalProfiles("prod");
        assertThatThrownBy(() -> app.run("--kamiflow.dev.enabled=true", "--spring.main.web-application-type=none"))
                .hasMessageContaining("prod profile refuses dev defaults")
                .hasMessageContaining("kamiflow.dev.enabled")
                .hasMessageContaining("H2")
                .hasMessageContaining("kamiflow.crypto");
    }

    @Test
    void everyDevDefaultIsNamed() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("kamiflow.dev.enabled", "true")
                .withProperty("spring.datasource.url", "jdbc:h2:mem:x")
                .withProperty("camunda.bpm.admin-user.id", "demo")
                .withProperty("camunda.bpm.admin-user.password", "demo")
                .withProperty("kamiflow.payment.sandbox.secret", ProdProfileGuard.DEV_SANDBOX_SECRET)
                .withProperty("server.tomcat.remoteip.internal-proxies", "");
        assertThat(ProdProfileGuard.problems(env)).hasSize(7)
                .anyMatch(problem -> problem.startsWith("kamiflow.storefront.base-url"));
    }

    @Test
    void properProductionSettingsPass() {
        MockEnvironment env = production();
        assertThat(ProdProfileGuard.problems(env)).isEmpty();
        assertThat(ProdProfileGuard.warnings(env)).isEmpty();
    }

    /** The sandbox marks orders paid without money: in prod only with an opt-in meant for staging. */
    @Test
    void theSandboxChannelNeedsAnExplicitOptInInProd() {
        MockEnvironment env = production().withProperty("kamiflow.payment.sandbox.secret", "a-staging-secret-from-a-vault");
        assertThat(ProdProfileGuard.problems(env)).singleElement().asString()
                .startsWith("kamiflow.payment.sandbox.secret is set")
                .contains("without money", "kamiflow.payment.sandbox.allow-in-prod=true");

        env.withProperty("kamiflow.payment.sandbox.allow-in-prod", "false");
        assertThat(ProdProfileGuard.problems(env)).hasSize(1);
        env.withProperty("kamiflow.payment.sandbox.allow-in-prod", "true");
        assertThat(ProdProfileGuard.problems(env)).isEmpty();
        assertThat(ProdProfileGuard.warnings(env)).singleElement().asString().contains("SANDBOX CHANNEL IS ON", "without money");
    }

    @Test
    void theOptedInSandboxIsLoggedLoudlyAtStart(CapturedOutput output) {
        MockEnvironment env = production().withProperty("kamiflow.payment.sandbox.secret", "a-staging-secret-from-a-vault")
                .withProperty("kamiflow.payment.sandbox.allow-in-prod", "true");
        env.setActiveProfiles("prod");
        DeferredLogs logs = new DeferredLogs();
        new ProdProfileGuard(logs).postProcessEnvironment(env, new SpringApplication());
        logs.switchOverAll();
        assertThat(output).containsPattern("WARN .*SANDBOX CHANNEL IS ON IN PRODUCTION");
    }

    /** Unset, nobody's X-Forwarded-For is believed (safe, but every buyer behind a proxy shares its address): said at start. */
    @Test
    void prodWithoutNamedProxiesTrustsNoneAndSaysSo(CapturedOutput output) {
        MockEnvironment env = production().withProperty("server.tomcat.remoteip.internal-proxies", "");
        assertThat(ProdProfileGuard.problems(env)).isEmpty();
        assertThat(ProdProfileGuard.warnings(env)).singleElement().asString()
                .startsWith("server.tomcat.remoteip.internal-proxies is not set")
                .contains("trusts X-Forwarded-For from no peer", "KAMIFLOW_TRUSTED_PROXIES");
        env.setActiveProfiles("prod");
        DeferredLogs logs = new DeferredLogs();
        new ProdProfileGuard(logs).postProcessEnvironment(env, new SpringApplication());
        logs.switchOverAll();
        assertThat(output).containsPattern("WARN .*server.tomcat.remoteip.internal-proxies is not set");
    }

    /** Tomcat's own default (every private range and loopback) is what let a buyer name itself 127.0.0.1. */
    @Test
    void prodRefusesTomcatsDefaultProxiesAndAnyPatternThatTrustsPublicAddresses() {
        MockEnvironment withoutTheSetting = productionWithoutProxies(); // Tomcat's default applies
        assertThat(ProdProfileGuard.problems(withoutTheSetting)).singleElement().asString()
                .startsWith("server.tomcat.remoteip.internal-proxies must name the proxies");
        for (String pattern : new String[] {".*", "\\d+\\.\\d+\\.\\d+\\.\\d+", "8\\.8\\.8\\.8|10\\.0\\.0\\.1", ".+:.+"}) {
            MockEnvironment broad = production().withProperty("server.tomcat.remoteip.internal-proxies", pattern);
            assertThat(ProdProfileGuard.problems(broad)).as(pattern).singleElement().asString()
                    .contains("trusts public addresses");
        }
        assertThat(ProdProfileGuard.problems(production().withProperty("server.tomcat.remoteip.internal-proxies", "[")))
                .singleElement().asString().contains("not a valid regular expression");
    }

    /** In prod nobody skips the buyer limits by default; an exemption is the operator's choice, and said at start. */
    @Test
    void prodExemptionsFromTheBuyerLimitsAreNamedAtStart() {
        MockEnvironment env = production().withProperty("kamiflow.rate-limit.exempt-addresses", "192.0.2.10/32");
        assertThat(ProdProfileGuard.problems(env)).isEmpty();
        assertThat(ProdProfileGuard.warnings(env)).singleElement().asString()
                .contains("kamiflow.rate-limit.exempt-addresses", "192.0.2.10/32", "skip the buyer limits");
    }

    static MockEnvironment production() {
        return productionWithoutProxies().withProperty("server.tomcat.remoteip.internal-proxies", "10\\.0\\.3\\.7");
    }

    static MockEnvironment productionWithoutProxies() {
        return new MockEnvironment()
                .withProperty("kamiflow.dev.enabled", "false")
                .withProperty("spring.datasource.url", "jdbc:postgresql://db:5432/kamiflow")
                .withProperty("camunda.bpm.admin-user.id", "ops")
                .withProperty("camunda.bpm.admin-user.password", "a-long-generated-password")
                .withProperty("kamiflow.crypto.active-key-id", "2026a")
                .withProperty("kamiflow.crypto.fingerprint-key", "c29tZS1yYW5kb20tYnl0ZXMtZnJvbS1hLXZhdWx0LTMyYg==")
                .withProperty("spring.mail.host", "smtp.example.com")
                .withProperty("kamiflow.storefront.base-url", "https://shop.example.com")
                .withProperty("kamiflow.rate-limit.exempt-addresses", "");
    }
}
