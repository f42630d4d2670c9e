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
        assertTrue(html.contains("<img src=\"plots/dmem%20per%20arm.png\" alt=\"dmem per arm\">"));
        assertTrue(html.contains("<pre><code>./memaudit compare --seed 20250207</code></pre>"));
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
