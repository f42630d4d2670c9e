package io.memaudit.report;

import io.memaudit.report.ReportDocument.Block;
import io.memaudit.report.ReportDocument.BulletList;
import io.memaudit.report.ReportDocument.CodeBlock;
import io.memaudit.report.ReportDocument.Figure;
import io.memaudit.report.ReportDocument.Heading;
import io.memaudit.report.ReportDocument.Paragraph;
import io.memaudit.report.ReportDocument.Table;

/** Writes a {@link ReportDocument} as one standalone HTML page with inline CSS. */
final class HtmlRenderer {

    private static final String STYLE = """
            body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #222;
                   max-width: 960px; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
            h1, h2, h3 { line-height: 1.25; }
            h1 { border-bottom: 1px solid #e5e5e5; padding-bottom: .3rem; }
            table { border-collapse: collapse; margin: 1rem 0; }
            th, td { border: 1px solid #d0d7de; padding: .3rem .7rem; text-align: left; }
            th { background: #f6f8fa; }
            .num { text-align: right; font-variant-numeric: tabular-nums; }
            figure { margin: 1.5rem 0; }
            figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
            figcaption { color: #555; font-size: .95rem; }
            pre { background: #f6f8fa; padding: .8rem 1rem; overflow-x: auto; border-radius: 4px; }
            code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .9rem; }
            """;

    private HtmlRenderer() {
    }

    static String render(final ReportDocument document) {
        final StringBuilder out = new StringBuilder();
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(document.title() == null ? "report" : document.title())).append("</title>\n")
                .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n<main>\n");
        if (document.title() != null) {
            out.append("<h1>").append(escape(document.title())).append("</h1>\n");
        }
        for (final Block block : document.blocks()) {
            switch (block) {
                case Heading heading -> out.append("<h").append(heading.level()).append('>').append(escape(heading.text()))
                        .append("</h").append(heading.level()).append(">\n");
                case Paragraph paragraph -> out.append("<p>").append(escape(paragraph.text())).append("</p>\n");
                case Table table -> table(out, table);
                case Figure figure -> out.append("<figure>\n<img src=\"").append(escape(figure.href())).append("\" alt=\"")
                        .append(escape(figure.caption())).append("\">\n<figcaption>").append(escape(figure.caption()))
                        .append("</figcaption>\n</figure>\n");
                case BulletList list -> {
                    out.append("<ul>\n");
                    list.items().forEach(item -> out.append("<li>").append(escape(item)).append("</li>\n"));
                    out.append("</ul>\n");
                }
                case CodeBlock code -> out.append("<pre><code>").append(escape(code.code().stripTrailing()))
                        .append("</code></pre>\n");
            }
        }
        return out.append("</main>\n</body>\n</html>\n").toString();
    }

    private static void table(final StringBuilder out, final Table table) {
        final int columns = table.header().size();
        final boolean[] numeric = new boolean[columns];
        for (int column = 0; column < columns; column++) {
            numeric[column] = table.numeric(column);
        }
        out.append("<table>\n<thead>\n<tr>");
        for (int column = 0; column < columns; column++) {
            out.append(numeric[column] ? "<th class=\"num\">" : "<th>").append(escape(table.header().get(column))).append("</th>");
        }
        out.append("</tr>\n</thead>\n<tbody>\n");
        for (final var row : table.rows()) {
            out.append("<tr>");
            for (int column = 0; column < columns; column++) {
                out.append(numeric[column] ? "<td class=\"num\">" : "<td>").append(escape(row.get(column))).append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table>\n");
    }

    /** Text as HTML character data or attribute value. */
    static String escape(final String text) {
        final StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
