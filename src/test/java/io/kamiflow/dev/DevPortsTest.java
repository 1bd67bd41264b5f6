package io.kamiflow.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** A second kamiflow on the embedded default: taken dev ports move, a taken shop port is refused in one sentence. */
class DevPortsTest {

    private final DevPorts ports = new DevPorts(new DeferredLogs());

    @Test
    void aTakenMailSinkOrManagementPortMovesToAFreeOne() throws Exception {
        try (ServerSocket mail = new ServerSocket(); ServerSocket management = new ServerSocket()) {
            mail.bind(new InetSocketAddress(0));
            management.bind(new InetSocketAddress(0));
            StandardEnvironment env = env(Map.of("kamiflow.dev.enabled", "true", "server.port", "0",
                    "spring.mail.port", mail.getLocalPort(), "management.server.port", management.getLocalPort()));

            ports.postProcessEnvironment(env, new SpringApplication());

            int movedMail = env.getProperty("spring.mail.port", Integer.class);
            int movedManagement = env.getProperty("management.server.port", Integer.class);
            assertThat(movedMail).isNotEqualTo(mail.getLocalPort()).isPositive();
            assertThat(movedManagement).isNotEqualTo(management.getLocalPort()).isPositive();
            assertThat(DevPorts.free(movedMail)).isTrue();
        }
    }

    @Test
    void freePortsStayAsConfigured() throws Exception {
        int free;
        try (ServerSocket probe = new ServerSocket(0)) {
            free = probe.getLocalPort();
        }
        StandardEnvironment env = env(Map.of("kamiflow.dev.enabled", "true", "server.port", "0",
                "spring.mail.port", free, "management.server.port", free));

        ports.postProcessEnvironment(env, new SpringApplication());

        assertThat(env.getProperty("spring.mail.port", Integer.class)).isEqualTo(free);
        assertThat(env.getPropertySources().contains(DevPorts.SOURCE)).isFalse();
    }

    @Test
    void aTakenShopPortStopsTheStartNamingTheProperty() throws Exception {
        try (ServerSocket shop = new ServerSocket()) {
            shop.bind(new InetSocketAddress(0));
            StandardEnvironment env = env(Map.of("kamiflow.dev.enabled", "true", "server.port", shop.getLocalPort()));

            assertThatThrownBy(() -> ports.postProcessEnvironment(env, new SpringApplication()))
                    .isInstanceOfSatisfying(DevPorts.PortTakenException.class, taken -> {
                        FailureAnalysis analysis = new PortTakenFailureAnalyzer().analyze(taken);
                        assertThat(analysis.getDescription()).isEqualTo("port " + shop.getLocalPort()
                                + " (server.port) is taken, probably by another kamiflow or another program");
                        assertThat(analysis.getAction()).startsWith("start this one on another port with --server.port=");
                    });
        }
    }

    @Test
    void productionAndTestsAreLeftAlone() throws Exception {
        try (ServerSocket mail = new ServerSocket()) {
            mail.bind(new InetSocketAddress(0));
            StandardEnvironment off = env(Map.of("kamiflow.dev.enabled", "false", "spring.mail.port", mail.getLocalPort()));
            ports.postProcessEnvironment(off, new SpringApplication());
            assertThat(off.getProperty("spring.mail.port", Integer.class)).isEqualTo(mail.getLocalPort());
        }
    }

    private static StandardEnvironment env(Map<String, Object> properties) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return env;
    }
}
