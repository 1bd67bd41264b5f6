package io.kamiflow.ops.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.security.ProdProfileGuard;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * What kamiflow would make of a deployment's environment variables, without starting it: the property names
 * Spring's relaxed binding derives from each variable, the names that exist (application*.yml, kamiflow's
 * {@code @ConfigurationProperties} classes, the configuration metadata Spring Boot and Camunda ship), and the
 * environment Spring Boot would build (variables over application-&lt;profile&gt;.yml over application.yml).
 */
final class KamiflowEnvironment {

    /** Spring maps VARIABLE_NAMES to property names only for a source of this name, as the real one is. */
    private static final String SYSTEM_ENVIRONMENT = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)[:}]");

    private final Set<ConfigurationPropertyName> known = new LinkedHashSet<>();
    /** Map-typed properties: any child name exists (kamiflow.crypto.keys.<id>, generic-properties.properties.*). */
    private final Set<ConfigurationPropertyName> knownMaps = new LinkedHashSet<>();

    KamiflowEnvironment() {
        for (String file : List.of("application.yml", "application-prod.yml", "application-json-logs.yml")) {
            for (PropertySource<?> source : yamlSources(file)) {
                for (String name : ((MapPropertySource) source).getPropertyNames()) {
                    known.add(ConfigurationPropertyName.adapt(name, '.'));
                }
            }
        }
        for (String resource : List.of("META-INF/spring-configuration-metadata.json",
                "META-INF/additional-spring-configuration-metadata.json")) {
            readMetadata(resource);
        }
        scanConfigurationProperties();
    }

    /**
     * The existing property the variable sets, asked the way the Binder asks: for each known name, whether
     * Spring's environment-variable mapping finds a value for it in a source holding only this variable (this
     * includes Spring's legacy form with underscores for dashes, KAMIFLOW_CRYPTO_ACTIVE_KEY_ID), or for a map
     * property whether the variable is one of its entries.
     */
    Optional<ConfigurationPropertyName> existingProperty(String variable) {
        ConfigurationPropertySource source = ConfigurationPropertySource.from(
                new SystemEnvironmentPropertySource(SYSTEM_ENVIRONMENT, Map.of(variable, "x")));
        for (ConfigurationPropertyName name : known) {
            if (source.getConfigurationProperty(name) != null) {
                return Optional.of(name);
            }
        }
        for (ConfigurationPropertyName map : knownMaps) {
            if (source.containsDescendantOf(map) == ConfigurationPropertyState.PRESENT) {
                return Optional.of(map);
            }
        }
        return Optional.empty();
    }

    /** The variables application.yml and application-&lt;profile&gt;.yml read as ${NAME} placeholders. */
    static Set<String> placeholders(Collection<String> profiles) {
        Set<String> names = new LinkedHashSet<>();
        List<String> files = new ArrayList<>(List.of("application.yml"));
        profiles.forEach(profile -> files.add("application-" + profile + ".yml"));
        for (String file : files) {
            ClassPathResource resource = new ClassPathResource(file);
            if (!resource.exists()) {
                throw new AssertionError("the profile's " + file + " does not exist");
            }
            try (InputStream in = resource.getInputStream()) {
                Matcher m = PLACEHOLDER.matcher(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                while (m.find()) {
                    names.add(m.group(1));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return names;
    }

    /** The profiles the variables activate (SPRING_PROFILES_ACTIVE, comma-separated). */
    static List<String> profiles(Map<String, String> variables) {
        String active = variables.getOrDefault("SPRING_PROFILES_ACTIVE", "");
        return Arrays.stream(active.split(",")).map(String::strip).filter(p -> !p.isEmpty()).toList();
    }

    /**
     * The environment Spring Boot would build from these variables alone (the machine running the test adds
     * nothing): variables first, then application-&lt;profile&gt;.yml, then application.yml, with relaxed binding
     * attached as SpringApplication attaches it.
     */
    static StandardEnvironment springEnvironment(Map<String, String> variables) {
        StandardEnvironment env = new StandardEnvironment();
        // the machine running the test adds nothing: its own variables and system properties are dropped
        env.getPropertySources().remove(SYSTEM_ENVIRONMENT);
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        env.getPropertySources().addFirst(new SystemEnvironmentPropertySource(SYSTEM_ENVIRONMENT, Map.copyOf(variables)));
        List<String> profiles = profiles(variables);
        for (int i = profiles.size() - 1; i >= 0; i--) {
            yamlSources("application-" + profiles.get(i) + ".yml").forEach(env.getPropertySources()::addLast);
        }
        yamlSources("application.yml").forEach(env.getPropertySources()::addLast);
        env.setActiveProfiles(profiles.toArray(String[]::new));
        ConfigurationPropertySources.attach(env);
        return env;
    }

    /** What an orchestrator's grace period must add to the node's shutdown budget: the JVM's exit after the context closed. */
    static final Duration JVM_EXIT = Duration.ofSeconds(10);

    /** kamiflow.shutdown.budget as a node with these variables reads it: how long its stop may take, SIGTERM to closed. */
    static Duration shutdownBudget(Map<String, String> variables) {
        return Binder.get(springEnvironment(variables)).bind("kamiflow.shutdown.budget", Duration.class)
                .orElseThrow(() -> new AssertionError("kamiflow.shutdown.budget is not set (application.yml)"));
    }

    /** Runs the prod guard as SpringApplication would at start; throws its refusal. */
    static void runProdGuard(StandardEnvironment env) {
        new ProdProfileGuard().postProcessEnvironment(env, new SpringApplication());
    }

    private static List<PropertySource<?>> yamlSources(String file) {
        ClassPathResource resource = new ClassPathResource(file);
        try {
            return new YamlPropertySourceLoader().load(file, resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readMetadata(String resource) {
        ObjectMapper json = new ObjectMapper();
        try {
            Enumeration<URL> urls = getClass().getClassLoader().getResources(resource);
            while (urls.hasMoreElements()) {
                JsonNode root = json.readTree(urls.nextElement());
                for (JsonNode property : root.path("properties")) {
                    ConfigurationPropertyName name = ConfigurationPropertyName.adapt(property.path("name").asText(), '.');
                    known.add(name);
                    if (property.path("type").asText().startsWith("java.util.Map")) {
                        knownMaps.add(name);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** kamiflow ships no configuration metadata, so its @ConfigurationProperties classes are read directly. */
    private void scanConfigurationProperties() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        Set<BeanDefinition> candidates = scanner.findCandidateComponents("io.kamiflow");
        if (candidates.isEmpty()) {
            throw new AssertionError("no @ConfigurationProperties classes found under io.kamiflow");
        }
        for (BeanDefinition candidate : candidates) {
            Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), getClass().getClassLoader());
            ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
            String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
            addProperties(prefix, type);
        }
    }

    private void addProperties(String prefix, Class<?> type) {
        for (Field field : type.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) || field.isSynthetic()) {
                continue;
            }
            String name = prefix + "." + kebab(field.getName());
            ConfigurationPropertyName property = ConfigurationPropertyName.adapt(name, '.');
            Class<?> fieldType = field.getType();
            if (Map.class.isAssignableFrom(fieldType)) {
                knownMaps.add(property);
            } else if (fieldType.getName().startsWith("io.kamiflow.") && !fieldType.isEnum()) {
                addProperties(name, fieldType); // nested group, e.g. kamiflow.rate-limit.checkout.capacity
            } else {
                known.add(property);
            }
        }
    }

    private static String kebab(String camel) {
        return camel.chars().mapToObj(c -> Character.isUpperCase(c) ? "-" + (char) Character.toLowerCase(c)
                : String.valueOf((char) c)).collect(Collectors.joining());
    }
}
