package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.kamiflow.support.Chromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chromium.HasCdp;

/**
 * The pictures of the processes in docs/images are drawn from bpmn/*.bpmn by bpmn-js's viewer (the test-scope webjar
 * org.webjars.npm:bpmn-js, loaded from the test classpath into a page in a temp folder: nothing is downloaded) in the
 * headless Chromium the browser tests use, so they cannot drift from the models: each test renders one model to SVG
 * and fails when the committed docs/images/{process}.svg differs. {@code -Dkamiflow.docs.refresh=true} writes the
 * SVG, and a PNG screenshot of it beside it, instead of comparing. Needs no database.
 */
class BpmnPictureTest {

    static final String REFRESH_PROPERTY = "kamiflow.docs.refresh";
    static final Path MODELS = Path.of("bpmn");
    static final Path IMAGES = Path.of("docs/images");
    /** Where a run that only compares leaves what it drew, to look at or diff. */
    static final Path RENDERED = Path.of("target/bpmn-pictures");
    private static final String BPMN_JS = "META-INF/resources/webjars/bpmn-js/8.0.0/dist/";
    private static final List<String> ASSETS = List.of("bpmn-viewer.production.min.js", "assets/diagram-js.css");
    /**
     * bpmn-js gives each renderer a random id and ends the id of every marker (arrow heads, the default-flow slash)
     * with it, e.g. {@code sequenceflow-end-white-black-3ylk8qcrnmsbjppu8p0sc2dbi}: the one thing in its SVG that
     * changes from run to run. Each such suffix is replaced by {@code r1}, {@code r2}, ... in order of appearance.
     */
    private static final Pattern MARKER_ID = Pattern.compile("<marker id=\"[^\"]*-([a-z0-9]{16,})\"");

    private static final String RENDER = """
            var xml = arguments[0], done = arguments[arguments.length - 1];
            var container = document.getElementById('canvas');
            var viewer = new BpmnJS({ container: container });
            viewer.importXML(xml).then(function (imported) {
              return viewer.saveSVG({ format: true }).then(function (saved) {
                var warnings = (imported.warnings || []).map(function (w) { return String(w.message || w); });
                viewer.destroy();
                done({ svg: saved.svg, warnings: warnings });
              });
            }).catch(function (e) {
              done({ error: String((e && (e.stack || e.message)) || e) });
            });
            """;

    private static Path page;
    private static WebDriver browser;

    @BeforeAll
    static void openTheViewer() throws IOException {
        page = Files.createTempDirectory("kamiflow-bpmn-js");
        for (String asset : ASSETS) {
            try (InputStream in = BpmnPictureTest.class.getClassLoader().getResourceAsStream(BPMN_JS + asset)) {
                assertThat(in).as("%s%s on the test classpath (org.webjars.npm:bpmn-js)", BPMN_JS, asset).isNotNull();
                Files.copy(in, page.resolve(Path.of(asset).getFileName()));
            }
        }
        Files.writeString(page.resolve("viewer.html"), """
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>bpmn-js</title>
                <link rel="stylesheet" href="diagram-js.css">
                <style>html, body, #canvas { margin: 0; width: 100%; height: 100%; }</style>
                <script src="bpmn-viewer.production.min.js"></script>
                </head><body><div id="canvas"></div></body></html>
                """, StandardCharsets.UTF_8);
        browser = Chromium.desktop();
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        browser.get(page.resolve("viewer.html").toUri().toString());
        assertThat(((JavascriptExecutor) browser).executeScript("return typeof BpmnJS")).as("bpmn-js loaded")
                .isEqualTo("function");
    }

    @AfterAll
    static void closeTheViewer() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (page != null) {
            try (Stream<Path> files = Files.walk(page)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** Every model in bpmn/, so a new one cannot go without its picture. */
    static List<String> models() throws IOException {
        try (Stream<Path> files = Files.list(MODELS)) {
            List<String> names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".bpmn"))
                    .map(n -> n.substring(0, n.length() - ".bpmn".length())).sorted().toList();
            assertThat(names).as("models in %s", MODELS).contains("order-fulfillment");
            return names;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void thePictureIsDrawnFromTheModel(String process) throws IOException {
        String svg = render(Files.readString(MODELS.resolve(process + ".bpmn"), StandardCharsets.UTF_8));
        Path committed = IMAGES.resolve(process + ".svg");
        if (Boolean.getBoolean(REFRESH_PROPERTY)) {
            Files.createDirectories(IMAGES);
            Files.writeString(committed, svg, StandardCharsets.UTF_8);
            Files.write(IMAGES.resolve(process + ".png"), screenshot(committed));
            return;
        }
        Files.createDirectories(RENDERED);
        Path rendered = RENDERED.resolve(process + ".svg");
        Files.writeString(rendered, svg, StandardCharsets.UTF_8);
        String refresh = "the picture " + committed + " no longer matches " + MODELS.resolve(process + ".bpmn")
                + " (as drawn now: " + rendered + "). Refresh the pictures with: ./mvnw test -Dtest=BpmnPictureTest"
                + " -D" + REFRESH_PROPERTY + "=true, look at them, and commit docs/images";
        assertThat(committed).as(refresh).exists();
        String was = Files.readString(committed, StandardCharsets.UTF_8).replace("\r\n", "\n");
        assertThat(was.equals(svg)).as("%s; first difference: %s", refresh, firstDifference(was, svg)).isTrue();
    }

    /** Where two long one-line SVGs part, with a little of each (the whole of them would drown the message). */
    static String firstDifference(String was, String now) {
        int at = 0;
        while (at < was.length() && at < now.length() && was.charAt(at) == now.charAt(at)) {
            at++;
        }
        int from = Math.max(0, at - 40);
        return "at character " + at + ", committed \"..." + was.substring(from, Math.min(was.length(), at + 60))
                + "...\", drawn now \"..." + now.substring(from, Math.min(now.length(), at + 60)) + "...\"";
    }

    /** The model as bpmn-js's viewer saves it, its random marker ids numbered, ending with a newline. */
    @SuppressWarnings("unchecked")
    private static String render(String xml) {
        Map<String, Object> result =
                (Map<String, Object>) ((JavascriptExecutor) browser).executeAsyncScript(RENDER, xml);
        assertThat(result.get("error")).as("bpmn-js could not draw the model").isNull();
        assertThat((List<String>) result.get("warnings")).as("bpmn-js's warnings on importing the model").isEmpty();
        return normalise((String) result.get("svg"));
    }

    static String normalise(String svg) {
        Map<String, String> names = new LinkedHashMap<>();
        Matcher marker = MARKER_ID.matcher(svg);
        while (marker.find()) {
            names.computeIfAbsent(marker.group(1), random -> "r" + (names.size() + 1));
        }
        String text = svg;
        for (Map.Entry<String, String> name : names.entrySet()) {
            text = text.replace("-" + name.getKey(), "-" + name.getValue());
        }
        return text.replace("\r\n", "\n").strip() + "\n";
    }

    /** The SVG as Chromium shows it, white background, at twice its size (a PNG for viewers without SVG). */
    @SuppressWarnings("unchecked")
    private static byte[] screenshot(Path svg) {
        try {
            Path copy = page.resolve("picture.svg");
            Files.copy(svg, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(page.resolve("picture.html"), """
                    <!DOCTYPE html>
                    <html><head><meta charset="utf-8"><style>html, body { margin: 0; background: #fff; }
                    img { display: block; }</style></head><body><img id="picture" src="picture.svg"></body></html>
                    """, StandardCharsets.UTF_8);
            browser.get(page.resolve("picture.html").toUri().toString());
            Map<String, Object> size = (Map<String, Object>) ((JavascriptExecutor) browser).executeAsyncScript("""
                    var done = arguments[arguments.length - 1], img = document.getElementById('picture');
                    function measure() { done({ width: img.naturalWidth, height: img.naturalHeight }); }
                    if (img.complete) { measure(); } else { img.onload = measure; }
                    """);
            Map<String, Object> shot = ((HasCdp) browser).executeCdpCommand("Page.captureScreenshot", Map.of(
                    "format", "png", "captureBeyondViewport", true, "clip", Map.of("x", 0, "y", 0,
                            "width", size.get("width"), "height", size.get("height"), "scale", 2)));
            browser.get(page.resolve("viewer.html").toUri().toString());
            return Base64.getDecoder().decode((String) shot.get("data"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
