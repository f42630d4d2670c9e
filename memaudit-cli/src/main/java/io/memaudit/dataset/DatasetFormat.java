package io.memaudit.dataset;

import java.nio.file.Path;
import java.util.Locale;

/** File formats the command line reads and writes, told apart by extension. */
public enum DatasetFormat {
    JSON_LINES, CSV,
    /** Plain text: the whole file is one record, e.g. one MIMIC-CXR report. */
    TEXT;

    /**
     * @throws IllegalArgumentException naming the file and the accepted extensions
     */
    public static DatasetFormat of(final Path path) {
        final String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
            return JSON_LINES;
        }
        if (name.endsWith(".csv")) {
            return CSV;
        }
        if (name.endsWith(".txt")) {
            return TEXT;
        }
        throw new IllegalArgumentException("Cannot tell the format of " + path
                + " from its extension: use .jsonl (JSON Lines, also .ndjson/.json), .csv, or .txt (one report per file)");
    }

    /** The rewriter for this format; for {@link #TEXT}, {@code textKey} seeds the file's one record (may be null). */
    public DatasetRewriter rewriter(final RewriteOptions options, final String textKey) {
        return switch (this) {
            case JSON_LINES -> new JsonLinesRewriter(options);
            case CSV -> new CsvRewriter(options);
            case TEXT -> new TextRewriter(options, textKey);
        };
    }

    /** The rewriter for this format. */
    public DatasetRewriter rewriter(final RewriteOptions options) {
        return rewriter(options, null);
    }
}
