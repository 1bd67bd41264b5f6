package io.kamiflow.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.kamiflow.KamiflowApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Another kamiflow node in this JVM, on the tests' database with the same crypto and gateway keys, so it can take
 * over the first node's orders. Its own engine name and application name keep it apart from the shared context in
 * Camunda's static registries, and it leaves out the Camunda webapps (static state of their own).
 */
public final class SecondNode {

    private SecondNode() {
    }

    /**
     * Starts the node (blocking until it is ready); {@code created} sees its context before the refresh begins.
     * @param overrides extra settings, which win over the test profile's
     */
    public static ConfigurableApplicationContext start(String name, Map<String, Object> overrides,
                                                       Consumer<ConfigurableApplicationContext> created) {
        return start(name, overrides, created, "test");
    }

    /**
     * The same with these profiles instead of the test profile, e.g. "prod" to run what production runs (the overrides
     * must then give what the prod profile requires: its guard refuses to start otherwise).
     */
    public static ConfigurableApplicationContext start(String name, Map<String, Object> overrides,
                                                       Consumer<ConfigurableApplicationContext> created, String... profiles) {
        Map<String, Object> properties = new LinkedHashMap<>(IntegrationTest.nodeProperties());
        properties.put("server.port", 0);
        properties.put("management.server.port", 0);
        properties.put("spring.application.name", "kamiflow-" + name);
        // not "default" (the shared context's engine in Camunda's static registry), and no '-' (the starter ignores such names)
        properties.put("camunda.bpm.process-engine-name", name.replaceAll("[^A-Za-z0-9]", ""));
        properties.put("camunda.bpm.webapp.enabled", false);
        properties.putAll(overrides);
        List<String> args = new ArrayList<>();
        properties.forEach((key, value) -> args.add("--" + key + "=" + value)); // arguments win over application-test.yml
        return new SpringApplicationBuilder(KamiflowApplication.class).profiles(profiles)
                .initializers(created::accept)
                .run(args.toArray(String[]::new));
    }
}
