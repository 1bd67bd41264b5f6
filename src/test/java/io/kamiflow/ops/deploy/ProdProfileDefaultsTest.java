package io.kamiflow.ops.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.kamiflow.gateway.sandbox.SandboxProperties;
import io.kamiflow.security.ProdProfileGuard;
import io.kamiflow.security.ratelimit.RateLimitProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;

/**
 * What the prod profile itself (application.yml under application-prod.yml, no deployment's settings) makes of
 * forwarded headers, exemptions and the sandbox: trust no proxy, exempt nobody, sandbox off.
 */
class ProdProfileDefaultsTest {

    final StandardEnvironment prod = KamiflowEnvironment.springEnvironment(Map.of("SPRING_PROFILES_ACTIVE", "prod"));

    @Test
    void prodTrustsNoProxyUntilOneIsNamed() {
        // blank: Tomcat's RemoteIpValve then believes X-Forwarded-For from no peer (its default trusts every private range)
        assertThat(prod.getProperty("server.tomcat.remoteip.internal-proxies")).isNotNull().isEmpty();
        assertThat(ProdProfileGuard.warnings(prod)).anyMatch(w -> w.startsWith("server.tomcat.remoteip.internal-proxies"));

        StandardEnvironment named = KamiflowEnvironment.springEnvironment(Map.of("SPRING_PROFILES_ACTIVE", "prod",
                "KAMIFLOW_TRUSTED_PROXIES", "10\\.1\\.2\\.3"));
        assertThat(named.getProperty("server.tomcat.remoteip.internal-proxies")).isEqualTo("10\\.1\\.2\\.3");
    }

    @Test
    void prodExemptsNobodyFromTheBuyerLimits() {
        assertThat(Binder.get(prod).bind("kamiflow.rate-limit", RateLimitProperties.class).get().getExemptAddresses())
                .isEmpty();
        StandardEnvironment dev = KamiflowEnvironment.springEnvironment(Map.of());
        assertThat(Binder.get(dev).bind("kamiflow.rate-limit", RateLimitProperties.class).get().getExemptAddresses())
                .as("the dev default still spares the operator's own tools").contains("127.0.0.0/8");
    }

    @Test
    void prodRunsNoSandboxUnlessOptedIn() {
        SandboxProperties sandbox = Binder.get(prod).bind("kamiflow.payment.sandbox", SandboxProperties.class).get();
        assertThat(sandbox.enabled()).isFalse();
        assertThat(sandbox.allowInProd()).isFalse();
        StandardEnvironment optedIn = KamiflowEnvironment.springEnvironment(Map.of("SPRING_PROFILES_ACTIVE", "prod",
                "KAMIFLOW_SANDBOX_SECRET", "staging-secret-0123456789", "KAMIFLOW_SANDBOX_ALLOW_IN_PROD", "true"));
        assertThat(Binder.get(optedIn).bind("kamiflow.payment.sandbox", SandboxProperties.class).get().allowInProd()).isTrue();
    }
}
