package io.kamiflow.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A merchant's Markdown renders as formatting, never as markup or a script of its own. */
class MarkdownTest {

    @Test
    void formattingRenders() {
        assertThat(Markdown.html("**Region:** global\n\n- one\n- two\n\n[Help](https://example.com/help)"))
                .contains("<strong>Region:</strong>", "<li>one</li>",
                        "<a rel=\"nofollow noopener noreferrer\" href=\"https://example.com/help\">Help</a>");
        assertThat(Markdown.html(null)).isEmpty();
        assertThat(Markdown.html("  ")).isEmpty();
    }

    @Test
    void aCardsSummaryIsTheFirstParagraphAsTextCutAtItsLimit() {
        assertThat(Markdown.summary("# Title\n\n**Instant** delivery,\nany [region](https://x.example).\n\nMore.", 90))
                .isEqualTo("Instant delivery, any region.");
        assertThat(Markdown.summary("即时发货：" + "宝".repeat(20), 10)).isEqualTo("即时发货：宝宝宝宝宝…");
        assertThat(Markdown.summary("Hello <script>alert(1)</script>", 90)).isEqualTo("Hello <script>alert(1)</script>");
        assertThat(Markdown.summary("- only\n- a list", 90)).isNull();
        assertThat(Markdown.summary(null, 90)).isNull();
        assertThat(Markdown.summary(" ", 90)).isNull();
    }

    @Test
    void htmlScriptsHandlersAndScriptLinksRenderHarmless() {
        String html = Markdown.html("""
                Hello <script>alert(1)</script>

                <img src=x onerror="alert(2)">

                <div onclick="alert(3)">x</div>

                [click](javascript:alert(4)) [data](data:text/html;base64,PHNjcmlwdD4=) ![i](javascript:alert(5))
                <a href="javascript:alert(6)">raw</a>
                """);

        assertThat(html).doesNotContain("<script", "<img src=x", "<div", "<a href=\"javascript", "href=\"data:",
                "src=\"javascript");
        assertThat(html).contains("&lt;script&gt;", "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;");
        assertThat(html).contains("href=\"\">click</a>", "href=\"\">data</a>", "<img src=\"\" alt=\"i\" />");
        // every tag left is one of Markdown's own, none with an event handler or style
        assertThat(html).doesNotContainPattern("<[a-z]+[^>]*\\son[a-z]+=").doesNotContainPattern("<[a-z]+[^>]*\\sstyle=");
    }
}
