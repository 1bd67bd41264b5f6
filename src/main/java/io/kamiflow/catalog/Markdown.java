package io.kamiflow.catalog;

import java.util.ArrayList;
import java.util.List;

import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.DefaultUrlSanitizer;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * A merchant's Markdown (descriptions, usage notes) as HTML that is safe on the buyer's page and in the key mail:
 * any HTML in the text is escaped, not passed through, and a link or image whose address is not http, https or
 * mailto (javascript:, data:, vbscript: ...) loses its target, so no script reaches a page whoever typed the text.
 * Links open without a referrer and carry no endorsement (rel="nofollow noopener noreferrer").
 */
public final class Markdown {

    private static final Parser PARSER = Parser.builder().build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true)
            .urlSanitizer(new DefaultUrlSanitizer(List.of("http", "https", "mailto")))
            .attributeProviderFactory(context -> (node, tag, attributes) -> {
                if (node instanceof Link) {
                    attributes.put("rel", "nofollow noopener noreferrer");
                }
            })
            .build();

    private Markdown() {
    }

    /** @return the HTML, empty for no text */
    public static String html(String markdown) {
        if (markdown == null || markdown.isBlank()) {
            return "";
        }
        return RENDERER.render(PARSER.parse(markdown));
    }

    /**
     * The first paragraph as plain text for a catalogue card, cut at {@code max} characters (with "…"); null when the
     * text has no paragraph. Markup is dropped, not escaped: the page escapes the result as any text.
     */
    public static String summary(String markdown, int max) {
        if (markdown == null || markdown.isBlank()) {
            return null;
        }
        Node node = PARSER.parse(markdown).getFirstChild();
        while (node != null && !(node instanceof Paragraph)) {
            node = node.getNext();
        }
        if (node == null) {
            return null;
        }
        StringBuilder words = new StringBuilder();
        node.accept(new AbstractVisitor() { // a link's text without its address, code as written, breaks as spaces
            @Override
            public void visit(Text text) {
                words.append(text.getLiteral());
            }

            @Override
            public void visit(Code code) {
                words.append(code.getLiteral());
            }

            @Override
            public void visit(HtmlInline html) {
                words.append(html.getLiteral());
            }

            @Override
            public void visit(SoftLineBreak lineBreak) {
                words.append(' ');
            }

            @Override
            public void visit(HardLineBreak lineBreak) {
                words.append(' ');
            }
        });
        String text = words.toString().strip().replaceAll("\\s+", " ");
        if (text.codePointCount(0, text.length()) <= max) {
            return text.isEmpty() ? null : text;
        }
        return text.substring(0, text.offsetByCodePoints(0, max)).stripTrailing() + "…";
    }

    /**
     * The same HTML for a mail: an image becomes its description, as mail clients load no remote images (and a shop
     * that showed one would learn when the buyer read the mail).
     */
    public static String mailHtml(String markdown) {
        if (markdown == null || markdown.isBlank()) {
            return "";
        }
        Node document = PARSER.parse(markdown);
        List<Image> images = new ArrayList<>();
        document.accept(new AbstractVisitor() {
            @Override
            public void visit(Image image) {
                images.add(image);
            }
        });
        for (Image image : images) {
            StringBuilder alt = new StringBuilder();
            image.accept(new AbstractVisitor() {
                @Override
                public void visit(Text text) {
                    alt.append(text.getLiteral());
                }
            });
            image.insertBefore(new Text(alt.toString()));
            image.unlink();
        }
        return RENDERER.render(document);
    }
}
