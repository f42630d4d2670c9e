package io.memaudit.report;

import io.memaudit.report.ReportDocument.Block;
import io.memaudit.report.ReportDocument.BulletList;
import io.memaudit.report.ReportDocument.CodeBlock;
import io.memaudit.report.ReportDocument.Figure;
import io.memaudit.report.ReportDocument.Heading;
import io.memaudit.report.ReportDocument.Paragraph;
import io.memaudit.report.ReportDocument.Table;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a {@link ReportDocument} as GitHub-flavoured Markdown, the one source of both report.md and report.html.
 * The escaping is ours, not commonmark's Markdown renderer: that one (0.32) leaves a line starting with "+ " a list item,
 * "~~" strikethrough on GitHub and writes line breaks in text as "&#10;".
 */
final class MarkdownRenderer {

    /** Characters with a meaning anywhere in a line; "___", the MIMIC-CXR marker, must stay text, not a rule or emphasis. */
    private static final Pattern INLINE_SYNTAX = Pattern.compile("[\\\\`*_\\[\\]<>|&~]");
    /** What starts a heading, list, quote or rule at the beginning of a line. */
    private static final Pattern LINE_START_SYNTAX = Pattern.compile("(?m)^(\\s*)([#+=-]|\\d+(?=[.)](\\s|$)))");

    private MarkdownRenderer() {
    }

    static String render(final ReportDocument document) {
        final StringBuilder out = new StringBuilder();
        if (document.title() != null) {
            out.append("# ").append(line(document.title())).append("\n\n");
        }
        for (final Block block : document.blocks()) {
            switch (block) {
                case Heading heading -> out.append("#".repeat(heading.level())).append(' ').append(line(heading.text()));
                case Paragraph paragraph -> out.append(text(paragraph.text()));
                case Table table -> table(out, table);
                case Figure figure -> out.append("![").append(line(figure.caption())).append("](").append(figure.href())
                        .append(")\n\n*").append(line(figure.caption())).append('*');
                case BulletList list -> list.items().forEach(item -> out.append("- ").append(line(item)).append('\n'));
                case CodeBlock code -> code(out, code.code());
            }
            out.append(out.isEmpty() || out.charAt(out.length() - 1) == '\n' ? "\n" : "\n\n");
        }
        return out.toString().stripTrailing() + "\n";
    }

    private static void table(final StringBuilder out, final Table table) {
        row(out, table.header());
        out.append('|');
        for (int column = 0; column < table.header().size(); column++) {
            out.append(table.numeric(column) ? " ---: |" : " --- |");
        }
        out.append('\n');
        table.rows().forEach(row -> row(out, row));
    }

    private static void row(final StringBuilder out, final List<String> cells) {
        out.append('|');
        cells.forEach(cell -> out.append(' ').append(line(cell)).append(" |"));
        out.append('\n');
    }

    private static void code(final StringBuilder out, final String code) {
        // a fence longer than any run of backticks inside, so the code cannot close it
        int longest = 0;
        final Matcher runs = Pattern.compile("`+").matcher(code);
        while (runs.find()) {
            longest = Math.max(longest, runs.group().length());
        }
        final String fence = "`".repeat(Math.max(3, longest + 1));
        out.append(fence).append('\n').append(code.stripTrailing()).append('\n').append(fence);
    }

    /** Plain text on one line (headings, cells, items, captions): line breaks become spaces. */
    private static String line(final String text) {
        return text(text.replaceAll("\\s*\\R\\s*", " "));
    }

    /** Plain text with Markdown syntax escaped by backslashes, and without indentation that would start a code block. */
    static String text(final String text) {
        // no spaces around line breaks: indentation would start code, two trailing spaces a hard break
        final String stripped = text.strip().replaceAll("[ \\t]*\\R[ \\t]*", "\n");
        final String inline = INLINE_SYNTAX.matcher(stripped).replaceAll(match -> Matcher.quoteReplacement("\\" + match.group()));
        return LINE_START_SYNTAX.matcher(inline).replaceAll(match -> {
            final String syntax = match.group(2);
            final String escaped = Character.isDigit(syntax.charAt(0)) ? syntax + "\\" : "\\" + syntax;
            return Matcher.quoteReplacement(match.group(1) + escaped);
        });
    }
}
