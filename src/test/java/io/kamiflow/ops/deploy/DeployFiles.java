package io.kamiflow.ops.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** Reads the deployment files from the repository (Maven runs tests in the project directory). */
final class DeployFiles {

    /** Compose's interpolation forms this project uses: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}. */
    static final Pattern COMPOSE_VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

    private DeployFiles() {
    }

    static Path path(String relative) {
        Path path = Path.of(relative);
        if (!Files.exists(path)) {
            throw new IllegalStateException(relative + " not found under " + Path.of("").toAbsolutePath());
        }
        return path;
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One YAML document as maps and lists; merge keys (<<: *anchor) are resolved as compose resolves them. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(String text) {
        return (Map<String, Object>) new Yaml(new LoaderOptions()).load(text);
    }

    /** Every document of a multi-document YAML file (Kubernetes manifests), empty documents left out. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> yamlDocuments(String text) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml(new LoaderOptions()).loadAll(text)) {
            if (document != null) {
                documents.add((Map<String, Object>) document);
            }
        }
        return documents;
    }

    /** KEY=value lines of an env file (.env.example), comments and blank lines skipped, in file order. */
    static Map<String, String> envFile(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int eq = trimmed.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not KEY=value: " + line);
            }
            values.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
        }
        return values;
    }

    /**
     * Interpolates a compose value as docker compose does for the forms above; {@code $$} is a literal {@code $}.
     * A required variable (:? or ?) that is missing (:? also: empty) fails, as compose refuses to start.
     */
    static String interpolate(String value, Function<String, String> variables) {
        String escaped = value.replace("$$", "\u0000");
        Matcher m = COMPOSE_VARIABLE.matcher(escaped);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String operator = m.group(2);
            String argument = m.group(3);
            String current = variables.apply(name);
            boolean emptyCounts = operator != null && operator.startsWith(":");
            boolean missing = current == null || (emptyCounts && current.isEmpty());
            String replacement;
            if (operator == null) {
                replacement = current == null ? "" : current;
            } else if (operator.endsWith("-")) {
                replacement = missing ? argument : current;
            } else {
                if (missing) {
                    throw new IllegalStateException("compose refuses to start: " + name + ": " + argument);
                }
                replacement = current;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString().replace("\u0000", "$");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, String what) {
        if (!(node instanceof Map)) {
            throw new AssertionError(what + " is not a mapping: " + node);
        }
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node, String what) {
        if (!(node instanceof List)) {
            throw new AssertionError(what + " is not a list: " + node);
        }
        return (List<Object>) node;
    }

    /** Follows a path of keys through nested mappings; fails naming the missing step. */
    static Object at(Map<String, Object> root, String... keys) {
        Object node = root;
        StringBuilder path = new StringBuilder();
        for (String key : keys) {
            Map<String, Object> current = map(node, path.isEmpty() ? "document" : path.toString());
            path.append(path.isEmpty() ? "" : ".").append(key);
            if (!current.containsKey(key)) {
                throw new AssertionError("missing " + path);
            }
            node = current.get(key);
        }
        return node;
    }
}
