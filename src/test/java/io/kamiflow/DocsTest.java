package io.kamiflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The README is the newcomer's page and docs/ the shelf behind it: every relative link in the repository's markdown
 * resolves (the file or folder exists inside the repository and, for a {@code #anchor} into a markdown file, that file
 * has a heading with that GitHub slug), the README stays under 300 lines, and every page of docs/ says right under its
 * title, in one line starting {@code For:}, whom it is for and is on the README's map. Plain JUnit: no Spring, no
 * database. Links are found with regular expressions outside fenced code blocks and inline code; absolute URLs (a
 * scheme such as http:, https:, mailto:) are not followed, and anchors into files other than markdown are not checked.
 */
class DocsTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().normalize();
    private static final Path README = ROOT.resolve("README.md");
    private static final Path DOCS = ROOT.resolve("docs");
    private static final int README_MAX_LINES = 300;

    /** The target of an inline link or image: {@code ](target)}, {@code ](target "title")} or {@code ](<target>)}. */
    private static final Pattern INLINE = Pattern.compile(
            "\\]\\(\\s*(?:<([^>]*)>|([^)\\s]+))(?:\\s+(?:\"[^\"]*\"|'[^']*'|\\([^)]*\\)))?\\s*\\)");
    /** A reference definition: {@code [label]: target}. */
    private static final Pattern REFERENCE = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*<?([^>\\s]+)>?");
    /** {@code src} and {@code href} of inline HTML. */
    private static final Pattern HTML = Pattern.compile("\\b(?:src|href)\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern ATX = Pattern.compile("^ {0,3}#{1,6}(?:\\s+(.*?))?(?:\\s+#+)?\\s*$");
    private static final Pattern SETEXT = Pattern.compile("^ {0,3}(?:=+|-+)\\s*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
    private static final Pattern INLINE_CODE = Pattern.compile("(`+)(?!`).*?(?<!`)\\1(?!`)");
    private static final Pattern SCHEME = Pattern.compile("^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)");

    private final Map<Path, Set<String>> anchorCache = new HashMap<>();

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<Path> pages = markdownFiles();
        assertThat(pages).contains(README);
        List<String> dead = new ArrayList<>();
        for (Path page : pages) {
            List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
            boolean[] prose = proseLines(lines);
            for (int i = 0; i < lines.size(); i++) {
                if (!prose[i]) {
                    continue;
                }
                for (String target : targets(lines.get(i))) {
                    String problem = problem(page, target);
                    if (problem != null) {
                        dead.add(ROOT.relativize(page) + ":" + (i + 1) + ": (" + target + ") " + problem);
                    }
                }
            }
        }
        assertThat(dead).as("dead relative links in the markdown (fix the link, or the heading it points to)")
                .isEmpty();
    }

    @Test
    void theReadmeStaysTheNewcomersPage() throws IOException {
        List<String> lines = Files.readAllLines(README, StandardCharsets.UTF_8);
        assertThat(lines.size()).as("README.md has %d lines; move details into a page under docs/", lines.size())
                .isLessThan(README_MAX_LINES);
    }

    @Test
    void everyDocsPageSaysWhomItIsForAndIsOnTheMap() throws IOException {
        List<Path> pages;
        try (Stream<Path> files = Files.list(DOCS)) {
            pages = files.filter(f -> f.toString().endsWith(".md")).sorted().toList();
        }
        assertThat(pages).as("pages in docs/").isNotEmpty();
        List<String> readmeTargets = new ArrayList<>();
        List<String> readme = Files.readAllLines(README, StandardCharsets.UTF_8);
        boolean[] prose = proseLines(readme);
        for (int i = 0; i < readme.size(); i++) {
            if (prose[i]) {
                readmeTargets.addAll(targets(readme.get(i)));
            }
        }
        for (Path page : pages) {
            List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
            List<Integer> filled = new ArrayList<>();
            for (int i = 0; i < lines.size() && filled.size() < 2; i++) {
                if (!lines.get(i).isBlank()) {
                    filled.add(i);
                }
            }
            String name = ROOT.relativize(page).toString().replace('\\', '/');
            assertThat(filled).as("%s: a title and a line under it", name).hasSize(2);
            assertThat(lines.get(filled.get(0))).as("%s: its first line is its title", name).startsWith("# ");
            int forLine = filled.get(1);
            assertThat(lines.get(forLine)).as("%s: the first line after its title says whom the page is for", name)
                    .startsWith("For: ");
            assertThat(forLine + 1 == lines.size() || lines.get(forLine + 1).isBlank())
                    .as("%s: whom the page is for fits on one line (%s)", name, lines.get(forLine)).isTrue();
            assertThat(readmeTargets).as("%s is on the README's map of docs/", name)
                    .anyMatch(t -> t.equals(name) || t.startsWith(name + "#"));
        }
    }

    /** GitHub's anchor for a heading: lower case, punctuation other than '-' and '_' dropped, each space a '-'. */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replaceAll("<[^>]+>", "");
        text = text.strip().toLowerCase(Locale.ROOT);
        StringBuilder slug = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (c == ' ') {
                slug.append('-');
            } else if (Character.isLetterOrDigit(c) || c == '-' || c == '_'
                    || Character.getType(c) == Character.NON_SPACING_MARK
                    || Character.getType(c) == Character.COMBINING_SPACING_MARK) {
                slug.appendCodePoint(c);
            }
        });
        return slug.toString();
    }

    @Test
    void slugsAreGitHubs() {
        assertThat(slug("Orders view (Cockpit)")).isEqualTo("orders-view-cockpit");
        assertThat(slug("易支付 (epay V1, MD5)")).isEqualTo("易支付-epay-v1-md5");
        assertThat(slug("The `docs/` shelf")).isEqualTo("the-docs-shelf");
        assertThat(slug("Drills (failures under load, two nodes)")).isEqualTo("drills-failures-under-load-two-nodes");
        assertThat(slug("key_mail_queue & *leases*")).isEqualTo("key_mail_queue--leases");
        assertThat(slug("See [Production](configuration.md#production)")).isEqualTo("see-production");
    }

    /** What is wrong with a link from {@code page} to {@code target}, or null when it resolves. */
    private String problem(Path page, String target) throws IOException {
        if (SCHEME.matcher(target).find()) {
            return null;
        }
        int hash = target.indexOf('#');
        String path = URLDecoder.decode(hash < 0 ? target : target.substring(0, hash), StandardCharsets.UTF_8);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path file;
        if (path.isEmpty()) {
            file = page;
        } else if (path.startsWith("/")) {
            file = ROOT.resolve(path.substring(1)).normalize();
        } else {
            file = page.getParent().resolve(path).normalize();
        }
        if (!file.startsWith(ROOT)) {
            return "points outside the repository";
        }
        if (!Files.exists(file)) {
            return "no such file: " + ROOT.relativize(file);
        }
        if (anchor == null || !file.toString().endsWith(".md")) {
            return null;
        }
        if (anchor.isEmpty()) {
            return "empty anchor";
        }
        Set<String> anchors = anchorCache.get(file);
        if (anchors == null) {
            anchors = anchors(file);
            anchorCache.put(file, anchors);
        }
        String wanted = URLDecoder.decode(anchor, StandardCharsets.UTF_8);
        return anchors.contains(wanted) ? null
                : "no heading with the anchor #" + wanted + " in " + ROOT.relativize(file);
    }

    /** The anchors GitHub gives a markdown file's headings (repeats get -1, -2, ...), and explicit HTML anchors. */
    private static Set<String> anchors(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        boolean[] prose = proseLines(lines);
        Map<String, Integer> seen = new HashMap<>();
        Set<String> anchors = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!prose[i]) {
                continue;
            }
            String line = lines.get(i);
            String heading = null;
            Matcher atx = ATX.matcher(line);
            if (atx.matches()) {
                heading = atx.group(1) == null ? "" : atx.group(1);
            } else if (i > 0 && prose[i - 1] && SETEXT.matcher(line).matches() && !lines.get(i - 1).isBlank()
                    && !ATX.matcher(lines.get(i - 1)).matches() && !lines.get(i - 1).trim().startsWith("|")) {
                heading = lines.get(i - 1);
            }
            if (heading != null) {
                String slug = slug(heading);
                int count = seen.merge(slug, 1, Integer::sum);
                anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
            }
            Matcher html = HTML_ANCHOR.matcher(line);
            while (html.find()) {
                anchors.add(html.group(1));
            }
        }
        return anchors;
    }

    /** The link targets on one line of prose (inline code removed first). */
    private static List<String> targets(String line) {
        String text = INLINE_CODE.matcher(line).replaceAll("");
        List<String> targets = new ArrayList<>();
        Matcher inline = INLINE.matcher(text);
        while (inline.find()) {
            targets.add(inline.group(1) != null ? inline.group(1) : inline.group(2));
        }
        Matcher reference = REFERENCE.matcher(text);
        if (reference.find()) {
            targets.add(reference.group(1));
        }
        Matcher html = HTML.matcher(text);
        while (html.find()) {
            targets.add(html.group(1));
        }
        return targets;
    }

    /** Which lines are prose, i.e. not inside (or opening or closing) a fenced code block. */
    private static boolean[] proseLines(List<String> lines) {
        boolean[] prose = new boolean[lines.size()];
        String fence = null;
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = FENCE.matcher(lines.get(i));
            if (fence == null) {
                if (m.find()) {
                    fence = m.group(1);
                } else {
                    prose[i] = true;
                }
            } else if (m.find() && m.group(1).charAt(0) == fence.charAt(0) && m.group(1).length() >= fence.length()
                    && lines.get(i).trim().length() == m.group(1).length()) {
                fence = null;
            }
        }
        return prose;
    }

    /** README.md and every markdown file of the repository outside build output and hidden folders. */
    private static List<Path> markdownFiles() throws IOException {
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(ROOT, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                boolean skip = name.startsWith(".") || name.equals("target") || name.equals("node_modules");
                return !dir.equals(ROOT) && skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && file.getFileName().toString().endsWith(".md")) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        found.sort(null);
        return found;
    }
}
