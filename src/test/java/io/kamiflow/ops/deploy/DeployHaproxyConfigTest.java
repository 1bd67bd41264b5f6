package io.kamiflow.ops.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * deploy/haproxy/haproxy.cfg routes to what docker-compose.yml runs. Its syntax is haproxy's to judge
 * ({@code haproxy -c} in .ci/run); this checks the meaning: both nodes' 8080 behind readiness checks on 8081,
 * X-Forwarded-For replaced, sticky sessions, names resolved at run time.
 */
class DeployHaproxyConfigTest {

    /** Sections by header ("frontend shop"), each a list of its directives with comments stripped. */
    static Map<String, List<String>> sections(String config) {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        List<String> current = null;
        for (String raw : config.lines().toList()) {
            String line = raw.replaceAll("\\s+#.*$", "").replaceAll("^#.*$", "");
            if (line.isBlank()) {
                continue;
            }
            if (!Character.isWhitespace(line.charAt(0))) {
                current = new ArrayList<>();
                sections.put(line.strip().replaceAll("\\s+", " "), current);
            } else {
                if (current == null) {
                    throw new AssertionError("directive outside a section: " + raw);
                }
                current.add(line.strip().replaceAll("\\s+", " "));
            }
        }
        return sections;
    }

    final Map<String, List<String>> config = sections(DeployFiles.read("deploy/haproxy/haproxy.cfg"));

    List<String> section(String header) {
        assertThat(config).as("section " + header).containsKey(header);
        return config.get(header);
    }

    @Test
    void thePublicPortReplacesForwardedHeadersInsteadOfAppending() {
        List<String> frontend = section("frontend shop");
        assertThat(frontend).contains("bind :8080", "default_backend kamiflow");
        // set-header drops whatever X-Forwarded-For the client sent; option forwardfor would append after it,
        // and kamiflow (which trusts this proxy) would take the client's made-up address.
        assertThat(frontend).contains("http-request set-header X-Forwarded-For %[src]");
        assertThat(frontend).contains("http-request set-header X-Forwarded-Proto %[ssl_fc,iif(https,http)]");
        assertThat(allDirectives()).noneMatch(line -> line.startsWith("option forwardfor"));
        assertThat(allDirectives()).noneMatch(line -> line.matches("http-request add-header X-Forwarded-For.*"));
    }

    @Test
    void theBackendIsBothNodesShopPortCheckedOnReadinessAtTheManagementPort() {
        List<String> backend = section("backend kamiflow");
        assertThat(backend).contains("option httpchk", "http-check expect status 200");
        assertThat(backend).anyMatch(line -> line.startsWith("http-check send ") && line.contains(" uri /actuator/health/readiness"));

        Map<String, List<String>> servers = servers(backend);
        assertThat(servers.keySet()).containsExactlyInAnyOrderElementsOf(DeployComposeTest.NODES);
        for (Map.Entry<String, List<String>> server : servers.entrySet()) {
            List<String> options = server.getValue();
            assertThat(options.get(0)).as(server.getKey()).isEqualTo(server.getKey() + ":8080");
            assertThat(options).as(server.getKey() + " health-checked").contains("check");
            assertThat(String.join(" ", options)).as(server.getKey() + " checks the management port").contains("port 8081");
            // resolved when the proxy runs (docker DNS), not when the config is loaded or checked
            assertThat(String.join(" ", options)).as(server.getKey()).containsAnyOf("init-addr last,libc,none", "init-addr none");
            String resolvers = value(options, "resolvers");
            assertThat(resolvers).as(server.getKey() + " resolvers").isNotNull();
            assertThat(config).containsKey("resolvers " + resolvers);
        }
    }

    @Test
    void browsersStayOnOneNodeAndMoveWhenItIsDown() {
        List<String> backend = section("backend kamiflow");
        assertThat(backend).anyMatch(line -> line.startsWith("cookie ") && line.contains(" insert") && line.contains(" indirect"));
        Map<String, List<String>> servers = servers(backend);
        List<String> cookies = servers.values().stream().map(options -> value(options, "cookie")).toList();
        assertThat(cookies).doesNotContainNull().doesNotHaveDuplicates();
        assertThat(section("defaults")).contains("option redispatch 1");
    }

    List<String> allDirectives() {
        return config.values().stream().flatMap(List::stream).toList();
    }

    /** server name -> [address, options...], each with the backend's default-server options appended. */
    static Map<String, List<String>> servers(List<String> backend) {
        List<String> defaults = backend.stream().filter(line -> line.startsWith("default-server "))
                .flatMap(line -> Arrays.stream(line.substring("default-server ".length()).split(" ")))
                .collect(Collectors.toList());
        Map<String, List<String>> servers = new LinkedHashMap<>();
        for (String line : backend) {
            if (line.startsWith("server ")) {
                String[] words = line.split(" ");
                List<String> options = new ArrayList<>(Arrays.asList(words).subList(2, words.length));
                options.addAll(defaults);
                servers.put(words[1], options);
            }
        }
        return servers;
    }

    static String value(List<String> options, String keyword) {
        int i = options.indexOf(keyword);
        return i >= 0 && i + 1 < options.size() ? options.get(i + 1) : null;
    }
}
