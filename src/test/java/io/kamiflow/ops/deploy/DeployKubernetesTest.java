package io.kamiflow.ops.deploy;

import static io.kamiflow.ops.deploy.DeployFiles.at;
import static io.kamiflow.ops.deploy.DeployFiles.list;
import static io.kamiflow.ops.deploy.DeployFiles.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.core.env.StandardEnvironment;

/** deploy/k8s/: every manifest parses and carries what a safe rollout and failover need. */
class DeployKubernetesTest {

    static final String DIR = "deploy/k8s";
    /** Names that hold secrets; KAMIFLOW_CRYPTO_ACTIVEKEYID is an id, not a key. */
    static final String SECRET_NAME = ".*(PASSWORD|SECRET|_KEYS_|FINGERPRINTKEY|TOKEN).*";

    final Map<String, List<Map<String, Object>>> files = manifests();

    static Map<String, List<Map<String, Object>>> manifests() {
        Map<String, List<Map<String, Object>>> files = new LinkedHashMap<>();
        try (Stream<Path> paths = Files.list(DeployFiles.path(DIR))) {
            for (Path path : paths.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                files.put(path.getFileName().toString(), DeployFiles.yamlDocuments(Files.readString(path)));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return files;
    }

    Map<String, Object> only(String kind) {
        List<Map<String, Object>> found = files.values().stream().flatMap(List::stream)
                .filter(doc -> kind.equals(doc.get("kind"))).toList();
        assertThat(found).as("exactly one " + kind).hasSize(1);
        return found.get(0);
    }

    Map<String, Object> pod() {
        return map(at(only("Deployment"), "spec", "template", "spec"), "pod spec");
    }

    Map<String, Object> container() {
        List<Object> containers = list(pod().get("containers"), "containers");
        assertThat(containers).hasSize(1);
        return map(containers.get(0), "container");
    }

    /** containerPort of a named port, or the number itself. */
    int port(Object nameOrNumber) {
        if (nameOrNumber instanceof Integer number) {
            return number;
        }
        for (Object port : list(container().get("ports"), "ports")) {
            if (nameOrNumber.equals(map(port, "port").get("name"))) {
                return (Integer) map(port, "port").get("containerPort");
            }
        }
        throw new AssertionError("no container port named " + nameOrNumber);
    }

    @Test
    void kustomizationListsEveryManifestButTheSecretExample() {
        Map<String, Object> kustomization = files.get("kustomization.yaml").get(0);
        List<Object> resources = list(kustomization.get("resources"), "resources");
        List<String> expected = new ArrayList<>(files.keySet());
        expected.removeAll(List.of("kustomization.yaml", "secret.example.yaml"));
        assertThat(resources).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(files.keySet()).contains("secret.example.yaml");
        for (List<Map<String, Object>> documents : files.values()) {
            assertThat(documents).isNotEmpty();
        }
    }

    @Test
    void theFirstStartOverlayRunsOnePodWithoutAutoscaler() {
        Map<String, Object> overlay = DeployFiles.yaml(DeployFiles.read("deploy/k8s-first-start/kustomization.yaml"));
        assertThat(list(overlay.get("resources"), "resources")).containsExactly("../k8s");
        String patches = String.valueOf(overlay.get("patches"));
        assertThat(patches).contains("path: /spec/replicas", "value: 1", "$patch: delete", "kind: HorizontalPodAutoscaler");
    }

    @Test
    void threeReplicasProbedOnTheActuatorHealthGroupsAtTheManagementPort() {
        assertThat(at(only("Deployment"), "spec", "replicas")).isEqualTo(3);
        Map<String, Object> container = container();
        assertThat(port("http")).isEqualTo(8080);
        assertThat(port("management")).isEqualTo(8081);
        Map<String, String> expected = Map.of("readinessProbe", "/actuator/health/readiness",
                "livenessProbe", "/actuator/health/liveness", "startupProbe", "/actuator/health/liveness");
        expected.forEach((probe, path) -> {
            Map<String, Object> httpGet = map(at(container, probe, "httpGet"), probe);
            assertThat(httpGet.get("path")).as(probe).isEqualTo(path);
            assertThat(port(httpGet.get("port"))).as(probe + " port").isEqualTo(8081);
        });
        Map<String, Object> resources = map(container.get("resources"), "resources");
        assertThat(map(resources.get("requests"), "requests")).containsKeys("cpu", "memory");
        assertThat(map(resources.get("limits"), "limits")).containsKey("memory");
    }

    @Test
    void podsOutliveTheAppsShutdownPhaseAfterPreStop() {
        List<Object> command = list(at(container(), "lifecycle", "preStop", "exec", "command"), "preStop");
        assertThat(command).hasSize(2).first().isEqualTo("sleep");
        int preStop = Integer.parseInt(String.valueOf(command.get(1)));
        assertThat(preStop).isPositive();
        int grace = (Integer) pod().get("terminationGracePeriodSeconds");
        // SIGTERM comes after preStop; the node's whole stop fits its budget, then the JVM exits
        long budget = KamiflowEnvironment.shutdownBudget(podEnvironment(true)).plus(KamiflowEnvironment.JVM_EXIT).toSeconds();
        assertThat(grace).as("terminationGracePeriodSeconds against preStop + kamiflow.shutdown.budget + the JVM's exit")
                .isGreaterThanOrEqualTo((int) (preStop + budget));
    }

    @Test
    void theReadmeStatesTheManifestsGracePeriod() {
        int grace = (Integer) pod().get("terminationGracePeriodSeconds");
        String readme = DeployFiles.read(DIR + "/README.md");
        Matcher stated = Pattern.compile("(?:terminationGracePeriodSeconds: |grace period )(\\d+)").matcher(readme);
        List<Integer> values = new ArrayList<>();
        while (stated.find()) {
            values.add(Integer.parseInt(stated.group(1)));
        }
        assertThat(values).as("grace periods deploy/k8s/README.md states").isNotEmpty().containsOnly(grace);
    }

    @Test
    void theImageRunsAsTheNonRootUserTheDockerfileDeclares() {
        Map<String, Object> security = map(pod().get("securityContext"), "pod securityContext");
        assertThat(security).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 10001);
        assertThat(DeployFiles.read("Dockerfile")).contains("USER 10001:10001");
        Map<String, Object> containerSecurity = map(container().get("securityContext"), "container securityContext");
        assertThat(containerSecurity).containsEntry("allowPrivilegeEscalation", false);
        assertThat(containerSecurity.get("runAsUser")).as("not overridden to root").isIn(null, 10001);
    }

    @Test
    void disruptionBudgetAndAutoscalerFitTheDeployment() {
        Map<String, Object> labels = map(at(only("Deployment"), "spec", "template", "metadata", "labels"), "pod labels");
        int replicas = (Integer) at(only("Deployment"), "spec", "replicas");

        Map<String, Object> pdb = only("PodDisruptionBudget");
        assertThat(at(pdb, "apiVersion")).isEqualTo("policy/v1");
        int minAvailable = (Integer) at(pdb, "spec", "minAvailable");
        assertThat(minAvailable).isGreaterThanOrEqualTo(2).isLessThan(replicas); // a drain can proceed, one pod at a time
        assertThat(labels).containsAllEntriesOf(map(at(pdb, "spec", "selector", "matchLabels"), "pdb selector"));

        Map<String, Object> hpa = only("HorizontalPodAutoscaler");
        assertThat(at(hpa, "apiVersion")).isEqualTo("autoscaling/v2");
        assertThat(map(at(hpa, "spec", "scaleTargetRef"), "scaleTargetRef"))
                .containsEntry("kind", "Deployment").containsEntry("name", at(only("Deployment"), "metadata", "name"));
        assertThat((Integer) at(hpa, "spec", "minReplicas")).isEqualTo(replicas);
        assertThat((Integer) at(hpa, "spec", "maxReplicas")).isGreaterThan(replicas);
        Map<String, Object> cpu = map(list(at(hpa, "spec", "metrics"), "metrics").get(0), "metric");
        assertThat(at(cpu, "resource", "name")).isEqualTo("cpu");
        assertThat(at(cpu, "resource", "target", "type")).isEqualTo("Utilization");

        Map<String, Object> service = only("Service");
        assertThat(labels).containsAllEntriesOf(map(at(service, "spec", "selector"), "service selector"));
        for (Object port : list(at(service, "spec", "ports"), "service ports")) {
            assertThat(port(map(port, "port").get("targetPort"))).as("only the shop's port").isEqualTo(8080);
        }
    }

    @Test
    void theDocumentedBacklogMetricIsOneKamiflowExports() throws IOException {
        String hpa = DeployFiles.read(DIR + "/hpa.yaml");
        assertThat(hpa).contains("name: kamiflow_camunda_jobs_due");
        // Micrometer's Prometheus name of the gauge kamiflow.camunda.jobs.due (no unit, no _total)
        String gauges = Files.readString(DeployFiles.path("src/main/java/io/kamiflow/ops/metrics/ShopGauges.java"));
        assertThat(gauges).contains("Gauge.builder(\"kamiflow.camunda.jobs.due\"");
    }

    @Test
    void secretsAreReferencedNeverInlined() {
        Map<String, Object> container = container();
        for (Object entry : list(container.getOrDefault("env", List.of()), "env")) {
            Map<String, Object> env = map(entry, "env entry");
            if (String.valueOf(env.get("name")).matches(SECRET_NAME)) {
                assertThat(env).as(env.get("name") + " from a Secret").doesNotContainKey("value");
                assertThat(at(env, "valueFrom")).isNotNull();
            }
        }
        assertThat(map(only("ConfigMap").get("data"), "configmap data").keySet()).noneMatch(key -> key.matches(SECRET_NAME));

        Map<String, Object> secret = only("Secret");
        String secretName = (String) at(secret, "metadata", "name");
        assertThat(list(container.get("envFrom"), "envFrom")).contains(Map.of("secretRef", Map.of("name", secretName)));
        assertThat(map(secret.get("stringData"), "stringData").values()).as("example values are empty").allMatch(""::equals);
        assertThat(secret).doesNotContainKey("data");
        for (String file : files.keySet()) {
            if (!file.equals("secret.example.yaml")) {
                assertThat(files.get(file)).as(file).noneMatch(doc -> "Secret".equals(doc.get("kind")));
            }
        }
    }

    @Test
    void thePodsEnvironmentSetsExistingPropertiesAndPassesTheProdGuard() {
        Map<String, String> env = podEnvironment(true);
        assertThat(DeployComposeTest.unknownVariables(new KamiflowEnvironment(), env)).isEmpty();
        StandardEnvironment spring = KamiflowEnvironment.springEnvironment(env);
        assertThat(spring.getActiveProfiles()).contains("prod");
        KamiflowEnvironment.runProdGuard(spring);
        assertThat(spring.getProperty("spring.datasource.url")).startsWith("jdbc:postgresql://");

        // the example Secret applied unchanged: the prod profile refuses to start
        assertThatThrownBy(() -> KamiflowEnvironment.runProdGuard(KamiflowEnvironment.springEnvironment(podEnvironment(false))))
                .hasMessageContaining("prod profile refuses dev defaults");
    }

    /**
     * The pods name the proxies whose X-Forwarded-For they believe (the ingress controller's pods) instead of Tomcat's
     * default, which trusts every private address: behind an L4 balancer on a private address a buyer could name itself
     * 127.0.0.1. The example pattern trusts neither loopback nor public addresses, and nobody skips the buyer limits.
     */
    @Test
    void thePodsNameTheirTrustedProxiesAndExemptNobody() {
        StandardEnvironment spring = KamiflowEnvironment.springEnvironment(podEnvironment(true));
        String proxies = spring.getProperty("server.tomcat.remoteip.internal-proxies");
        assertThat(proxies).as("KAMIFLOW_TRUSTED_PROXIES in the ConfigMap").isNotBlank();
        java.util.regex.Pattern trusted = java.util.regex.Pattern.compile(proxies);
        for (String address : List.of("127.0.0.1", "8.8.8.8", "192.168.1.1", "172.16.0.1", "::1")) {
            assertThat(trusted.matcher(address).matches()).as(proxies + " trusts " + address).isFalse();
        }
        assertThat(trusted.matcher("10.244.3.17").matches()).as("the example pod network 10.244.0.0/16").isTrue();
        assertThat(org.springframework.boot.context.properties.bind.Binder.get(spring)
                .bind("kamiflow.rate-limit", io.kamiflow.security.ratelimit.RateLimitProperties.class).get()
                .getExemptAddresses()).isEmpty();
        assertThat(io.kamiflow.security.ProdProfileGuard.warnings(spring)).isEmpty();
        assertThat(DeployFiles.read(DIR + "/README.md")).contains("KAMIFLOW_TRUSTED_PROXIES");
    }

    /** ConfigMap data plus the example Secret's keys (envFrom), secrets filled with fresh values or left as shipped. */
    Map<String, String> podEnvironment(boolean fillSecrets) {
        Map<String, String> env = new LinkedHashMap<>();
        map(only("ConfigMap").get("data"), "data").forEach((k, v) -> env.put(k, String.valueOf(v)));
        map(only("Secret").get("stringData"), "stringData").forEach((k, v) -> {
            String value = String.valueOf(v);
            if (fillSecrets && !k.equals("KAMIFLOW_SANDBOX_SECRET") && !k.startsWith("KAMIFLOW_MAIL_")) {
                byte[] secret = new byte[32];
                new SecureRandom().nextBytes(secret);
                value = Base64.getEncoder().encodeToString(secret);
            }
            env.put(k, value);
        });
        return env;
    }
}
