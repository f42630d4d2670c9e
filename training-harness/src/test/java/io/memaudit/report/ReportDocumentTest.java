package io.memaudit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportDocumentTest {

    private static ReportDocument sample() {
        return new ReportDocument("memaudit compare")
                .heading("Arms")
                .paragraph("Markers ___ were rewritten with every strategy.")
                .table(List.of("arm", "markers", "dmem"), List.of(
                        List.of("original", "1,536", "0.412"),
                        List.of("a|b <script>alert(1)</script>", "12", "n/a")))
                .image("plots/dmem per arm.png", "dmem per arm")
                .bullets(List.of("seed 20250207", "model tiny-init"))
                .code("./memaudit compare --seed 20250207");
    }

    @Test
    void markdownIsAGithubDocumentWithNumericColumnsRightAligned() {
        assertEquals("""
                # memaudit compare

                ## Arms

                Markers \\_\\_\\_ were rewritten with every strategy.

                | arm | markers | dmem |
                | --- | ---: | ---: |
                | original | 1,536 | 0.412 |
                | a\\|b \\<script\\>alert(1)\\</script\\> | 12 | n/a |

                ![dmem per arm](plots/dmem%20per%20arm.png)

                *dmem per arm*

                - seed 20250207
                - model tiny-init

                ```
                ./memaudit compare --seed 20250207
                ```
                """, sample().toMarkdown());
    }

    @Test
    void htmlEscapesAllTextAndRightAlignsNumbers() {
        final String html = sample().toHtml();
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertFalse(html.contains("<script>"), "a <script> in a cell must be escaped");
        assertTrue(html.contains("<td>a|b &lt;script&gt;alert(1)&lt;/script&gt;</td>"));
        assertTrue(html.contains("<th class=\"num\">markers</th>"));
        assertTrue(html.contains("<td class=\"num\">1,536</td>"));
        assertTrue(html.contains("<td class=\"num\">n/a</td>"));
        assertTrue(html.contains("<th>arm</th>"), "text columns stay left-aligned");
        assertTrue(html.contains("<img src=\"plots/dmem%20per%20arm.png\" alt=\"dmem per arm\" />"));
        assertTrue(html.contains("<p><em>dmem per arm</em></p>"), "the caption under the image");
        assertTrue(html.contains("<li>seed 20250207</li>"));
        assertTrue(html.contains("<pre><code>./memaudit compare --seed 20250207\n</code></pre>"));
        assertTrue(html.contains("<title>memaudit compare</title>"));
    }

    /** Report text that is markup in Markdown or HTML: de-identification markers, pipes, tags, entities, code, links. */
    private static final List<String> TRICKY = List.of(
            "Markers ___ and __bold__ and _em_ and *em* stay text",
            "a|b <script>alert(1)</script> & &amp; &#60; \"quoted\" 'single'",
            "`code` and ``two`` and ``` three, \\ backslash \\",
            "[link](javascript:alert(1)) ![image](x.png) <http://example.org> <!-- comment -->",
            "~~not struck~~ ___ |pipe| at the end |",
            "+ plus first", "> not a quote", "1) not a list", "--- not a rule", "=== not a setext underline");

    @Test
    void markupInTextRendersLiterallyInEveryKindOfBlock() {
        final ReportDocument document = new ReportDocument("title ___ <b>&</b> | `x`");
        for (final String text : TRICKY) {
            document.heading(text).paragraph(text).bullets(List.of(text)).table(List.of(text, "h"), List.of(List.of(text, "x")));
        }
        final String html = document.toHtml();
        assertTrue(html.contains("<title>title ___ &lt;b&gt;&amp;&lt;/b&gt; | `x`</title>"));
        assertTrue(html.contains("<h1>title ___ &lt;b&gt;&amp;&lt;/b&gt; | `x`</h1>"));
        for (final String text : TRICKY) {
            final String escaped = htmlText(text);
            assertTrue(html.contains("<h2>" + escaped + "</h2>"), "heading " + text);
            assertTrue(html.contains("<p>" + escaped + "</p>"), "paragraph " + text);
            assertTrue(html.contains("<li>" + escaped + "</li>"), "list item " + text);
            assertTrue(html.contains("<th>" + escaped + "</th>"), "header cell " + text);
            assertTrue(html.contains("<td>" + escaped + "</td>"), "cell " + text);
        }
        for (final String markup : List.of("<em>", "<strong>", "<del>", "<a ", "<code>", "<blockquote>", "<ol", "<hr",
                "<script", "<!--", "<b>")) {
            assertFalse(html.contains(markup), "no " + markup + " from report text");
        }
    }

    @Test
    void tableCellsKeepPipesAndMarkersWithoutBreakingTheTable() {
        final String html = new ReportDocument(null)
                .table(List.of("caption", "dmem"), List.of(List.of("___ | ___ ||", "0.41"), List.of("|", "n/a")))
                .toHtml();
        assertTrue(html.contains("<tr>\n<td>___ | ___ ||</td>\n<td class=\"num\">0.41</td>\n</tr>"));
        assertTrue(html.contains("<tr>\n<td>|</td>\n<td class=\"num\">n/a</td>\n</tr>"));
        assertEquals(3, html.split("<tr>", -1).length - 1, "a header row and two rows");
    }

    @Test
    void multiLineTextStaysOneParagraphWithoutMarkup() {
        final String html = new ReportDocument(null)
                .paragraph("# not a heading\n- not a list\n+ plus\n    not code *not emphasis*  \nno hard break")
                .toHtml();
        assertTrue(html.contains("<p># not a heading\n- not a list\n+ plus\nnot code *not emphasis*\nno hard break</p>"),
                html);
        assertFalse(html.contains("<br"));
    }

    @Test
    void rawHtmlInTheMarkdownIsEscapedNotPassedThrough() {
        final String html = HtmlPage.render("t", "<div onclick=\"x()\">block</div>\n\ninline <b>bold</b> and "
                + "[link](javascript:alert(1))\n");
        assertTrue(html.contains("&lt;div onclick=&quot;x()&quot;&gt;block&lt;/div&gt;"), html);
        assertTrue(html.contains("inline &lt;b&gt;bold&lt;/b&gt;"), html);
        assertFalse(html.contains("<div"));
        assertFalse(html.contains("javascript:"), "unsafe link targets are dropped");
    }

    @Test
    void codeBlocksKeepTheirTextVerbatim() {
        final String code = "{\n  \"seed\": 1, \"x\": \"<b> & ___ ``` |\"\n}";
        final String html = new ReportDocument(null).code(code).toHtml();
        assertTrue(html.contains("<pre><code>" + htmlText(code) + "\n</code></pre>"), html);
    }

    /** How commonmark writes text: with &, <, > and " escaped. */
    private static String htmlText(final String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Test
    void markdownSyntaxInTextStaysText() {
        final String markdown = new ReportDocument(null)
                .paragraph("# not a heading\n- not a list\n1. not numbered\n    not code *not emphasis*")
                .toMarkdown();
        assertEquals("\\# not a heading\n\\- not a list\n1\\. not numbered\nnot code \\*not emphasis\\*\n", markdown);
    }

    @Test
    void codeFencesAreLongerThanAnyBackticksInside() {
        assertEquals("````\nuse ``` to fence\n````\n", new ReportDocument(null).code("use ``` to fence").toMarkdown());
    }

    @Test
    void textColumnsStayLeftAligned() {
        final ReportDocument.Table table = new ReportDocument.Table(List.of("a", "b", "c"),
                List.of(List.of("12", "x", "n/a"), List.of("-3.5e-2", "4", "")));
        assertTrue(table.numeric(0));
        assertFalse(table.numeric(1));
        assertFalse(table.numeric(2), "a column without any number is text");
    }

    @Test
    void badTablesAndAbsoluteImagePathsAreRejected() {
        final IllegalArgumentException row = assertThrows(IllegalArgumentException.class,
                () -> new ReportDocument("t").table(List.of("a", "b"), List.of(List.of("1"))));
        assertEquals("table row 1 has 1 cells for 2 columns [a, b]", row.getMessage());
        for (final String path : List.of("/tmp/x.png", "C:\\x.png", "file:x.png", "https://example.org/x.png", "a\\b.png")) {
            assertThrows(IllegalArgumentException.class, () -> new ReportDocument("t").image(path, "x"), path);
        }
    }

    @Test
    void writesBothFilesAsUtf8(@TempDir final Path directory) throws Exception {
        final ReportDocument report = sample().paragraph("dmem ≤ 0.5 — ok");
        report.writeMarkdown(directory.resolve("report.md"));
        report.writeHtml(directory.resolve("report.html"));
        assertEquals(report.toMarkdown(), Files.readString(directory.resolve("report.md"), StandardCharsets.UTF_8));
        assertEquals(report.toHtml(), Files.readString(directory.resolve("report.html"), StandardCharsets.UTF_8));
    }
}
