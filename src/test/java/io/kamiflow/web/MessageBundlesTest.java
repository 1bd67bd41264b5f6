package io.kamiflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every text people read comes from the two bundles, and pieces of work append their blocks to both: a key in one
 * language only shows the other language's text (or the raw key) to half the buyers, a key written twice silently
 * keeps the later text, and a template naming a key nobody wrote prints {@code ??key_en??}.
 */
class MessageBundlesTest {

    private static final Path RESOURCES = Path.of("src/main/resources");
    /** Names of processes, tasks and activities: English reads the BPMN diagram's own (OrderTimeline), Chinese needs these. */
    private static final Pattern ENGLISH_FROM_THE_DIAGRAM = Pattern.compile("mails\\.tl\\.(processName|taskName|activityName)\\..+");
    private static final Pattern KEY_LINE = Pattern.compile("^([A-Za-z0-9_.\\-]+)\\s*[=:]");
    /** {@code #{some.key}} or {@code #{some.key(args)}}: keys written out whole in a template. */
    private static final Pattern TEMPLATE_KEY = Pattern.compile("#\\{([A-Za-z0-9_.]+)[}(]");

    @Test
    void bothLanguagesHaveTheSameKeys() {
        Set<String> en = load("messages.properties").stringPropertyNames();
        Set<String> zh = load("messages_zh_CN.properties").stringPropertyNames();
        assertThat(difference(en, zh)).as("keys only in messages.properties").isEmpty();
        Set<String> zhOnly = difference(zh, en);
        zhOnly.removeIf(key -> ENGLISH_FROM_THE_DIAGRAM.matcher(key).matches());
        assertThat(zhOnly).as("keys only in messages_zh_CN.properties").isEmpty();
    }

    @Test
    void noKeyIsWrittenTwiceInABundle() throws IOException {
        for (String bundle : List.of("messages.properties", "messages_zh_CN.properties")) {
            Set<String> seen = new TreeSet<>();
            List<String> twice = new ArrayList<>();
            for (String line : Files.readAllLines(RESOURCES.resolve(bundle), StandardCharsets.UTF_8)) {
                Matcher key = KEY_LINE.matcher(line);
                if (key.find() && !seen.add(key.group(1))) {
                    twice.add(key.group(1));
                }
            }
            assertThat(twice).as("keys written twice in " + bundle).isEmpty();
        }
    }

    @Test
    void everyKeyATemplateNamesExists() throws IOException {
        Set<String> keys = load("messages.properties").stringPropertyNames();
        Set<String> missing = new TreeSet<>();
        try (Stream<Path> templates = Files.walk(RESOURCES.resolve("templates"))) {
            for (Path template : templates.filter(Files::isRegularFile).toList()) {
                Matcher key = TEMPLATE_KEY.matcher(Files.readString(template, StandardCharsets.UTF_8));
                while (key.find()) {
                    if (!keys.contains(key.group(1))) {
                        missing.add(RESOURCES.resolve("templates").relativize(template) + ": " + key.group(1));
                    }
                }
            }
        }
        assertThat(missing).as("message keys named in templates but in no bundle").isEmpty();
    }

    private static Properties load(String bundle) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(RESOURCES.resolve(bundle))) {
            properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> only = new TreeSet<>(a);
        only.removeAll(b);
        return only;
    }
}
