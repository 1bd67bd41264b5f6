package io.kamiflow.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every integration test runs in the one Spring context of {@link IntegrationTest}. An annotation that changes its
 * configuration makes Spring start and cache a second context with a second engine named "default" on the same
 * database: Camunda's static registry then hands engine REST requests to that engine while the first context's
 * guards look at their own (support's allowlist waved through, two job executors racing; seen in CI after a
 * {@code @TestPropertySource}). Settings a test needs differently are set at run time on the shared beans, and another
 * node is {@link SecondNode}, with an engine name of its own.
 */
class OneContextTest {

    private static final Pattern CONTEXT_CHANGING = Pattern.compile(
            "@(TestPropertySource|DynamicPropertySource|DirtiesContext|MockBean|MockitoBean|SpyBean|MockitoSpyBean|SpringBootTest"
                    + "|ContextConfiguration|Import|ActiveProfiles)\\b");

    @Test
    void noTestChangesTheSharedContextsConfiguration() throws IOException {
        List<String> found;
        try (Stream<Path> sources = Files.walk(Path.of("src/test/java"))) {
            found = sources.filter(path -> path.toString().endsWith(".java"))
                    .filter(path -> !path.endsWith(Path.of("support", "IntegrationTest.java")))
                    .filter(path -> !path.endsWith(Path.of("support", "OneContextTest.java")))
                    .flatMap(path -> {
                        try {
                            return Files.readAllLines(path, StandardCharsets.UTF_8).stream()
                                    .filter(line -> CONTEXT_CHANGING.matcher(line).find())
                                    .map(line -> path + ": " + line.strip());
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }).toList();
        }
        assertThat(found).as("annotations that start a second Spring context").isEmpty();
    }

    @Test
    void theCheckSeesWhatItLooksFor() {
        assertThat(CONTEXT_CHANGING.matcher("@TestPropertySource(properties = \"a=b\")").find()).isTrue();
        assertThat(CONTEXT_CHANGING.matcher("@MockBean Clock clock;").find()).isTrue();
        assertThat(CONTEXT_CHANGING.matcher("// a @Test with nothing else").find()).isFalse();
    }
}
