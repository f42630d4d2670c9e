package io.memaudit.dataset;

import java.nio.file.Path;
import java.util.Locale;

/** File formats the command line reads and writes, told apart by extension. */
public enum DatasetFormat {
    JSON_LINES, CSV;

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
        throw new IllegalArgumentException("Cannot tell the format of " + path
                + " from its extension: use .jsonl (JSON Lines, also .ndjson/.json) or .csv");
    }

    /** The rewriter for this format. */
    public DatasetRewriter rewriter(final RewriteOptions options) {
        return switch (this) {
            case JSON_LINES -> new JsonLinesRewriter(options);
            case CSV -> new CsvRewriter(options);
        };
    }
}
