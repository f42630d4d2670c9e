package io.memaudit.report;

import io.memaudit.core.io.DatasetFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A report as a list of blocks (headings, paragraphs, tables, figures, bullet lists, code), written as GitHub Markdown
 * and as a standalone HTML page rendered from that Markdown. All text is plain: it is escaped, never interpreted as markup.
 */
public final class ReportDocument {

    /** One block of a report. */
    public sealed interface Block permits Heading, Paragraph, Table, Figure, BulletList, CodeBlock {
    }

    /** A section heading; level 1 is the document title, sections start at 2. */
    public record Heading(int level, String text) implements Block {
        public Heading {
            if (level < 1 || level > 6) {
                throw new IllegalArgumentException("heading level " + level + " must be between 1 and 6");
            }
        }
    }

    /** A paragraph of plain text. */
    public record Paragraph(String text) implements Block {
    }

    /** A table: a header and rows of cells; a column whose cells are all numbers (or n/a) is right-aligned. */
    public record Table(List<String> header, List<List<String>> rows) implements Block {
        private static final Pattern NUMBER =
                Pattern.compile("[+-]?(\\d{1,3}(,\\d{3})+|\\d+)?(\\.\\d+)?([eE][+-]?\\d+)?%?");
        private static final List<String> NOT_A_NUMBER = List.of("", "NaN", "n/a", "-", "–", "—");

        public Table {
            header = List.copyOf(header);
            if (header.isEmpty()) {
                throw new IllegalArgumentException("a table needs at least one column");
            }
            final List<List<String>> copies = new ArrayList<>();
            for (final List<String> row : rows) {
                if (row.size() != header.size()) {
                    throw new IllegalArgumentException("table row " + (copies.size() + 1) + " has " + row.size()
                            + " cells for " + header.size() + " columns " + header);
                }
                copies.add(List.copyOf(row));
            }
            rows = List.copyOf(copies);
        }

        /** Whether column {@code column} holds numbers: at least one, and nothing else but blanks and n/a. */
        public boolean numeric(final int column) {
            boolean anyNumber = false;
            for (final List<String> row : rows) {
                final String cell = row.get(column).strip();
                if (cell.chars().anyMatch(Character::isDigit) && NUMBER.matcher(cell).matches()) {
                    anyNumber = true;
                } else if (!NOT_A_NUMBER.contains(cell)) {
                    return false;
                }
            }
            return anyNumber;
        }
    }

    /** An image file, given relative to the report, with a caption. */
    public record Figure(String path, String caption) implements Block {
        private static final Pattern ABSOLUTE = Pattern.compile("^(/|\\\\|[A-Za-z][A-Za-z0-9+.-]*:).*");

        public Figure {
            if (path.isBlank() || ABSOLUTE.matcher(path).matches() || path.contains("\\")) {
                throw new IllegalArgumentException("image path '" + path
                        + "' must be relative to the report with / between folders, e.g. plots/dmem.png");
            }
        }

        /** The path as a URL reference: each folder and file name percent-encoded, so spaces and brackets are safe. */
        public String href() {
            final StringBuilder href = new StringBuilder();
            for (final byte b : path.getBytes(StandardCharsets.UTF_8)) {
                final char c = (char) (b & 0xFF);
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-._~/".indexOf(c) >= 0) {
                    href.append(c);
                } else {
                    href.append('%').append(String.format("%02X", b & 0xFF));
                }
            }
            return href.toString();
        }
    }

    /** A bulleted list of plain-text items. */
    public record BulletList(List<String> items) implements Block {
        public BulletList {
            items = List.copyOf(items);
        }
    }

    /** Preformatted text, e.g. the command that reproduces the report. */
    public record CodeBlock(String code) implements Block {
    }

    private final String title;
    private final List<Block> blocks = new ArrayList<>();

    /** An empty report whose title is {@code title}. */
    public ReportDocument(final String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }

    public List<Block> blocks() {
        return List.copyOf(blocks);
    }

    /** Adds a section heading (level 2). */
    public ReportDocument heading(final String text) {
        return heading(2, text);
    }

    public ReportDocument heading(final int level, final String text) {
        return add(new Heading(level, text));
    }

    public ReportDocument paragraph(final String text) {
        return add(new Paragraph(text));
    }

    public ReportDocument table(final List<String> header, final List<List<String>> rows) {
        return add(new Table(header, rows));
    }

    /** Adds an image; {@code relativePath} is relative to where the report is written, e.g. {@code plots/dmem.png}. */
    public ReportDocument image(final String relativePath, final String caption) {
        return add(new Figure(relativePath, caption));
    }

    public ReportDocument bullets(final List<String> items) {
        return add(new BulletList(items));
    }

    public ReportDocument code(final String code) {
        return add(new CodeBlock(code));
    }

    public ReportDocument add(final Block block) {
        blocks.add(block);
        return this;
    }

    /** The report as GitHub-flavoured Markdown. */
    public String toMarkdown() {
        return MarkdownRenderer.render(this);
    }

    /** The report as a standalone HTML page (inline CSS, images referenced relatively): {@link #toMarkdown()} as HTML. */
    public String toHtml() {
        return HtmlPage.render(title, toMarkdown());
    }

    /** Writes {@link #toMarkdown()} to {@code file} (UTF-8), atomically. */
    public void writeMarkdown(final Path file) throws Exception {
        write(file, toMarkdown());
    }

    /** Writes {@link #toHtml()} to {@code file} (UTF-8), atomically; images are looked up next to it. */
    public void writeHtml(final Path file) throws Exception {
        write(file, toHtml());
    }

    private static void write(final Path file, final String text) throws Exception {
        DatasetFiles.writeAtomically(file, out -> {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            return null;
        });
    }
}
