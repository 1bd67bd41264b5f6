package io.kamiflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kamiflow.KamiflowApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

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
                .withProperty("kamiflow.payment.sandbox.secret", ProdProfileGuard.DEV_SANDBOX_SECRET);
        assertThat(ProdProfileGuard.problems(env)).hasSize(7)
                .anyMatch(problem -> problem.startsWith("kamiflow.storefront.base-url"));
    }

    @Test
    void properProductionSettingsPass() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("kamiflow.dev.enabled", "false")
                .withProperty("spring.datasource.url", "jdbc:postgresql://db:5432/kamiflow")
                .withProperty("camunda.bpm.admin-user.id", "ops")
                .withProperty("camunda.bpm.admin-user.password", "a-long-generated-password")
                .withProperty("kamiflow.crypto.active-key-id", "2026a")
                .withProperty("kamiflow.crypto.fingerprint-key", "c29tZS1yYW5kb20tYnl0ZXMtZnJvbS1hLXZhdWx0LTMyYg==")
                .withProperty("spring.mail.host", "smtp.example.com")
                .withProperty("kamiflow.storefront.base-url", "https://shop.example.com");
        assertThat(ProdProfileGuard.problems(env)).isEmpty();
    }
}
