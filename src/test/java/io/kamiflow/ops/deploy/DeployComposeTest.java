package io.kamiflow.ops.deploy;

import static io.kamiflow.ops.deploy.DeployFiles.at;
import static io.kamiflow.ops.deploy.DeployFiles.list;
import static io.kamiflow.ops.deploy.DeployFiles.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

import com.sun.net.httpserver.HttpServer;
import io.kamiflow.inventory.CryptoProperties;
import io.kamiflow.security.ProdProfileGuard;
import io.kamiflow.security.ratelimit.RateLimitProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;

/**
 * docker-compose.yml, .env.example and the Dockerfile, checked without Docker: the file parses, the two nodes are
 * the same, every variable handed to kamiflow sets a property that exists, and the prod guard accepts the result.
 */
class DeployComposeTest {

    static final List<String> NODES = List.of("kamiflow-1", "kamiflow-2");

    final String composeText = DeployFiles.read("docker-compose.yml");
    final Map<String, Object> compose = DeployFiles.yaml(composeText);
    final Map<String, String> envExample = DeployFiles.envFile(DeployFiles.read(".env.example"));

    Map<String, Object> service(String name) {
        return map(at(compose, "services", name), "service " + name);
    }

    @Test
    void bothNodesHaveTheSameSettingsAndTheSecondWaitsForTheFirst() {
        Map<String, Object> first = new LinkedHashMap<>(service("kamiflow-1"));
        Map<String, Object> second = new LinkedHashMap<>(service("kamiflow-2"));
        Map<String, Object> firstDependsOn = map(first.remove("depends_on"), "kamiflow-1.depends_on");
        Map<String, Object> secondDependsOn = new LinkedHashMap<>(map(second.remove("depends_on"), "kamiflow-2.depends_on"));

        assertThat(second).isEqualTo(first);
        // kamiflow-2 starts once kamiflow-1 is healthy (ready), so only one node creates Camunda's schema
        assertThat(secondDependsOn.remove("kamiflow-1")).isEqualTo(Map.of("condition", "service_healthy"));
        assertThat(secondDependsOn).isEqualTo(firstDependsOn);
        assertThat(at(firstDependsOn, "postgres", "condition")).isEqualTo("service_healthy");
        assertThat(firstDependsOn).doesNotContainKey("kamiflow-2");
    }

    @Test
    void nodesRunTheProdProfileStopGracefullyAndPublishNoPort() {
        for (String node : NODES) {
            Map<String, Object> service = service(node);
            assertThat(environment(node)).containsEntry("SPRING_PROFILES_ACTIVE", "prod");
            // the node's whole stop fits its budget; docker waits that long and the JVM's exit before SIGKILL
            long budget = KamiflowEnvironment.shutdownBudget(environment(node)).plus(KamiflowEnvironment.JVM_EXIT).toSeconds();
            assertThat(DurationText.seconds((String) service.get("stop_grace_period")))
                    .as(node + ": stop_grace_period against kamiflow.shutdown.budget + the JVM's exit").isGreaterThanOrEqualTo(budget);
            assertThat(service).as(node + ": reached through the load balancer only").doesNotContainKey("ports");
            String healthcheck = String.join(" ", list(at(service, "healthcheck", "test"), "healthcheck").stream()
                    .map(String::valueOf).toList());
            assertThat(healthcheck).contains("/dev/tcp/127.0.0.1/8081", "/actuator/health/readiness", "\"$$code\" = 200");
        }
    }

    @Test
    void theNodeHealthcheckPassesOnReady200AndFailsOnA503ThatListsUpComponents() throws Exception {
        List<Object> test = list(at(service("kamiflow-1"), "healthcheck", "test"), "healthcheck.test");
        assertThat(test.subList(0, 3)).containsExactly("CMD", "bash", "-c");
        String script = DeployFiles.interpolate(String.valueOf(test.get(3)), name -> null);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int[] status = {200};
        server.createContext("/actuator/health/readiness", exchange -> {
            byte[] body = (status[0] == 200 ? "{\"status\":\"UP\"}"
                    : "{\"status\":\"DOWN\",\"components\":{\"db\":{\"status\":\"UP\"}}}").getBytes();
            exchange.sendResponseHeaders(status[0], body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String local = script.replace("/dev/tcp/127.0.0.1/8081", "/dev/tcp/127.0.0.1/" + server.getAddress().getPort());
            assertThat(local).isNotEqualTo(script);
            assertThat(runBash(local)).as("ready").isZero();
            status[0] = 503;
            assertThat(runBash(local)).as("not ready, though the body says UP for a component").isNotZero();
        } finally {
            server.stop(0);
        }
    }

    static int runBash(String script) throws Exception {
        Process process = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        process.getInputStream().transferTo(OutputStream.nullOutputStream());
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("healthcheck finished").isTrue();
        return process.exitValue();
    }

    @Test
    void theLoadBalancerIsThePublicPortAndPrometheusScrapesBothNodes() {
        Map<String, Object> lb = service("loadbalancer");
        assertThat(String.valueOf(lb.get("image"))).startsWith("haproxy:");
        assertThat(list(lb.get("ports"), "loadbalancer.ports")).containsExactly("8080:8080");
        assertThat(list(lb.get("volumes"), "loadbalancer.volumes"))
                .contains("./deploy/haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro");
        assertThat(service("mailpit")).isNotNull();
        assertThat(service("grafana")).isNotNull();

        Map<String, Object> prometheus = DeployFiles.yaml(DeployFiles.read("deploy/prometheus/prometheus.yml"));
        Map<String, Object> job = map(list(prometheus.get("scrape_configs"), "scrape_configs").get(0), "scrape job");
        assertThat(job).containsEntry("job_name", "kamiflow").containsEntry("metrics_path", "/actuator/prometheus");
        Map<String, Object> targets = map(list(job.get("static_configs"), "static_configs").get(0), "static_config");
        assertThat(list(targets.get("targets"), "targets")).containsExactlyInAnyOrder("kamiflow-1:8081", "kamiflow-2:8081");
    }

    @Test
    void everyComposeVariableIsDocumentedInEnvExampleAndNoSecretIsShipped() {
        Set<String> used = new LinkedHashSet<>();
        Matcher m = DeployFiles.COMPOSE_VARIABLE.matcher(composeText.replace("$$", ""));
        while (m.find()) {
            used.add(m.group(1));
        }
        assertThat(used).isNotEmpty();
        assertThat(envExample.keySet()).as(".env.example documents every variable compose reads").containsAll(used);
        assertThat(used).as("no stale variable in .env.example").containsAll(envExample.keySet());
        // bare $VAR is interpolated too but easy to miss; this project writes ${VAR} (and $$ for a literal $)
        assertThat(composeText.replace("$$", "")).doesNotContainPattern("\\$[A-Za-z_]");

        for (String required : requiredVariables()) {
            assertThat(envExample.get(required)).as(required + " is required and has no value in .env.example").isEmpty();
        }
        assertThat(DeployFiles.read(".gitignore").lines()).contains(".env");

        // each group of variables carries a comment that says what it is
        List<String> lines = DeployFiles.read(".env.example").lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("[A-Z_]+=.*")) {
                int j = i - 1;
                while (j >= 0 && lines.get(j).matches("[A-Z_]+=.*")) {
                    j--;
                }
                assertThat(j >= 0 && lines.get(j).startsWith("#")).as("comment above " + lines.get(i)).isTrue();
            }
        }
    }

    @Test
    void everyVariableHandedToKamiflowSetsAPropertyThatExists() {
        KamiflowEnvironment properties = new KamiflowEnvironment();
        Map<String, String> env = environment("kamiflow-1");
        List<String> unknown = unknownVariables(properties, env);
        assertThat(unknown).as("variables that set no property kamiflow reads").isEmpty();
    }

    @Test
    void relaxedBindingCatchesAMisspelledVariable() {
        // what the check above exists for: a variable nobody reads is silently ignored, and the node starts
        // without the setting (or, for a secret, the guard's message points at a variable that looks set)
        KamiflowEnvironment properties = new KamiflowEnvironment();
        assertThat(unknownVariables(properties, Map.of("KAMIFLOW_CRYPTO_ACTIVEKEY", "k1", "KAMIFLOW_DB_URI", "x",
                "KAMIFLOW_CRYPTO_FINGERPRINT_KEY", "x", "SPRING_PROFILE_ACTIVE", "prod")))
                .containsExactlyInAnyOrder("KAMIFLOW_CRYPTO_ACTIVEKEY", "KAMIFLOW_DB_URI", "SPRING_PROFILE_ACTIVE");
        // Spring also reads dashes written as underscores (its legacy form), so this one is fine
        assertThat(properties.existingProperty("KAMIFLOW_CRYPTO_ACTIVE_KEY_ID")).isPresent();
        assertThat(properties.existingProperty("KAMIFLOW_CRYPTO_ACTIVEKEYID")).isPresent();
        assertThat(properties.existingProperty("KAMIFLOW_CRYPTO_KEYS_K1")).isPresent();
        assertThat(properties.existingProperty("MANAGEMENT_SERVER_PORT")).isPresent();
    }

    @Test
    void theProdGuardAcceptsTheNodesEnvironmentWithTheSecretsFilledIn() {
        Map<String, String> env = environment("kamiflow-1");
        StandardEnvironment spring = KamiflowEnvironment.springEnvironment(env);
        assertThat(spring.getActiveProfiles()).contains("prod"); // else the guard checks nothing

        KamiflowEnvironment.runProdGuard(spring);

        assertThat(spring.getProperty("spring.datasource.url")).isEqualTo("jdbc:postgresql://postgres:5432/kamiflow");
        assertThat(spring.getProperty("spring.datasource.password")).isEqualTo(env.get("KAMIFLOW_DB_PASSWORD"));
        assertThat(spring.getProperty("spring.mail.host")).isEqualTo("mailpit");
        assertThat(spring.getProperty("spring.mail.port")).isEqualTo("1025");
        assertThat(spring.getProperty("kamiflow.payment.sandbox.secret")).isEmpty();
        CryptoProperties crypto = Binder.get(spring).bind("kamiflow.crypto", CryptoProperties.class).get();
        assertThat(crypto.isConfigured()).as("active key k1 bound from KAMIFLOW_CRYPTO_KEYS_K1").isTrue();
        assertThat(Base64.getDecoder().decode(crypto.keys().get(crypto.activeKeyId()))).hasSize(32);
    }

    @Test
    void envExampleCopiedUnchangedDoesNotStart() {
        assertThatThrownBy(() -> environment("kamiflow-1", envExample))
                .hasMessageContaining("compose refuses to start");
        // and were the required values blank in the node's environment, the prod guard would refuse them
        Map<String, String> blank = new HashMap<>(environment("kamiflow-1"));
        blank.replaceAll((name, value) -> requiredVariablesOfNode().contains(name) ? "" : value);
        assertThatThrownBy(() -> KamiflowEnvironment.runProdGuard(KamiflowEnvironment.springEnvironment(blank)))
                .hasMessageContaining("prod profile refuses dev defaults");
    }

    /**
     * The nodes believe X-Forwarded-For from the load balancer only (a fixed address on compose's network, whose subnet
     * is pinned), not from any other container nor loopback, and nobody skips the buyer limits: a container that reached
     * a node directly could otherwise name itself 127.0.0.1 and skip every limit.
     */
    @Test
    void theNodesTrustForwardedHeadersFromTheLoadBalancerOnlyAndExemptNobody() {
        String subnet = (String) at(map(list(at(compose, "networks", "default", "ipam", "config"), "ipam.config").get(0),
                "ipam config"), "subnet");
        assertThat(subnet).as("the network's pinned subnet").matches("\\d+\\.\\d+\\.\\d+\\.0/24");
        String balancer = (String) at(service("loadbalancer"), "networks", "default", "ipv4_address");
        String prefix = subnet.substring(0, subnet.lastIndexOf('.') + 1);
        assertThat(balancer).startsWith(prefix);
        for (String name : map(compose.get("services"), "services").keySet()) {
            Object networks = service(name).get("networks");
            assertThat(networks == null || map(networks, name + ".networks").keySet().equals(java.util.Set.of("default")))
                    .as(name + " is on the one network").isTrue();
        }

        StandardEnvironment spring = KamiflowEnvironment.springEnvironment(environment("kamiflow-1"));
        String proxies = spring.getProperty("server.tomcat.remoteip.internal-proxies");
        assertThat(proxies).as("server.tomcat.remoteip.internal-proxies").isNotBlank();
        java.util.regex.Pattern trusted = java.util.regex.Pattern.compile(proxies);
        assertThat(trusted.matcher(balancer).matches()).as(proxies + " trusts the load balancer").isTrue();
        for (int host = 0; host < 256; host++) {
            String other = prefix + host;
            assertThat(trusted.matcher(other).matches()).as(other).isEqualTo(other.equals(balancer));
        }
        assertThat(trusted.matcher("127.0.0.1").matches()).isFalse();
        assertThat(Binder.get(spring).bind("kamiflow.rate-limit", RateLimitProperties.class).get().getExemptAddresses())
                .as("addresses that skip the buyer limits").isEmpty();
        assertThat(ProdProfileGuard.warnings(spring)).isEmpty();
    }

    @Test
    void theImageRunsAsAFixedNonRootUser() {
        List<String> lines = DeployFiles.read("Dockerfile").lines().map(String::strip).toList();
        List<String> users = lines.stream().filter(line -> line.startsWith("USER ")).toList();
        assertThat(users).as("the runtime stage's USER").isNotEmpty();
        assertThat(users.get(users.size() - 1)).isEqualTo("USER 10001:10001");
        int lastFrom = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("FROM ")) {
                lastFrom = i;
            }
        }
        assertThat(lines.indexOf(users.get(users.size() - 1))).as("USER in the final stage").isGreaterThan(lastFrom);
    }

    static List<String> unknownVariables(KamiflowEnvironment properties, Map<String, String> env) {
        Set<String> placeholders = KamiflowEnvironment.placeholders(KamiflowEnvironment.profiles(env));
        List<String> unknown = new ArrayList<>();
        for (String variable : env.keySet()) {
            if (!placeholders.contains(variable) && properties.existingProperty(variable).isEmpty()) {
                unknown.add(variable);
            }
        }
        return unknown;
    }

    /** Variables compose requires (${VAR:?...}) anywhere in the file. */
    Set<String> requiredVariables() {
        Set<String> required = new LinkedHashSet<>();
        Matcher m = DeployFiles.COMPOSE_VARIABLE.matcher(composeText);
        while (m.find()) {
            if (m.group(2) != null && m.group(2).endsWith("?")) {
                required.add(m.group(1));
            }
        }
        return required;
    }

    /** The node's own variable names whose value comes from a required compose variable. */
    Set<String> requiredVariablesOfNode() {
        Set<String> names = new LinkedHashSet<>();
        Map<String, Object> raw = map(service("kamiflow-1").get("environment"), "environment");
        raw.forEach((name, value) -> {
            Matcher m = DeployFiles.COMPOSE_VARIABLE.matcher(String.valueOf(value));
            if (m.find() && m.group(2) != null && m.group(2).endsWith("?")) {
                names.add(name);
            }
        });
        return names;
    }

    /** The node's environment as compose would hand it over, the required secrets filled with fresh values. */
    Map<String, String> environment(String node) {
        Map<String, String> dotEnv = new HashMap<>();
        for (String required : requiredVariables()) {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            dotEnv.put(required, Base64.getEncoder().encodeToString(secret));
        }
        return environment(node, dotEnv);
    }

    Map<String, String> environment(String node, Map<String, String> dotEnv) {
        Map<String, Object> raw = map(service(node).get("environment"), node + ".environment");
        Map<String, String> env = new LinkedHashMap<>();
        raw.forEach((name, value) -> env.put(name, DeployFiles.interpolate(String.valueOf(value), dotEnv::get)));
        return env;
    }

    /** Compose durations as this project writes them: 45s, 1m30s. */
    static final class DurationText {
        static long seconds(String text) {
            assertThat(text).as("duration").isNotNull().matches("(\\d+m)?(\\d+s)?");
            long total = 0;
            Matcher m = java.util.regex.Pattern.compile("(\\d+)([ms])").matcher(text);
            while (m.find()) {
                total += Long.parseLong(m.group(1)) * (m.group(2).equals("m") ? 60 : 1);
            }
            return total;
        }
    }
}
