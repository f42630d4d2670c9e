package io.memaudit.report;

import java.util.List;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * A {@link ReportDocument}'s Markdown as one standalone HTML page with inline CSS, rendered by commonmark-java with GitHub
 * tables, so that report.html shows what report.md shows. Raw HTML in the Markdown is escaped, never passed through.
 */
final class HtmlPage {

    private static final String STYLE = """
            body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #222;
                   max-width: 960px; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
            h1, h2, h3 { line-height: 1.25; }
            h1 { border-bottom: 1px solid #e5e5e5; padding-bottom: .3rem; }
            table { border-collapse: collapse; margin: 1rem 0; }
            th, td { border: 1px solid #d0d7de; padding: .3rem .7rem; text-align: left; }
            th { background: #f6f8fa; }
            .num { text-align: right; font-variant-numeric: tabular-nums; }
            img { max-width: 100%; height: auto; border: 1px solid #eee; margin-top: 1rem; }
            p:has(> img) + p > em:only-child { color: #555; font-size: .95rem; }
            pre { background: #f6f8fa; padding: .8rem 1rem; overflow-x: auto; border-radius: 4px; }
            code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .9rem; }
            """;

    private static final List<Extension> EXTENSIONS = List.of(TablesExtension.create());
    private static final Parser PARSER = Parser.builder().extensions(EXTENSIONS).build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder()
            .extensions(EXTENSIONS)
            .escapeHtml(true)
            .sanitizeUrls(true)
            // right-aligned (numeric) columns get the class the style sheet aligns, not the obsolete align attribute
            .attributeProviderFactory(context -> (node, tagName, attributes) -> {
                if (node instanceof TableCell cell && cell.getAlignment() == TableCell.Alignment.RIGHT) {
                    attributes.remove("align");
                    attributes.put("class", "num");
                }
            })
            .build();

    private HtmlPage() {
    }

    /** The page for {@code markdown}, with {@code title} (plain text) as the page title. */
    static String render(final String title, final String markdown) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + escape(title == null ? "report" : title) + "</title>\n"
                + "<style>\n" + STYLE + "</style>\n</head>\n<body>\n<main>\n"
                + RENDERER.render(PARSER.parse(markdown))
                + "</main>\n</body>\n</html>\n";
    }

    /** Text as HTML character data, for the page title, which is outside the Markdown. */
    private static String escape(final String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
