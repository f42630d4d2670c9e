package io.memaudit.dataset;

import java.util.Objects;

/**
 * Which fields of each record a {@link DatasetRewriter} reads, and what it does to the record.
 *
 * @param textField top-level field (JSON) or column (CSV) holding the text
 * @param keyField top-level field or column identifying the record, or {@code null}
 * @param transform what happens to each record
 * @param threads how many threads rewrite records at once (used only when the transform is
 *                {@link RecordTransform#concurrent()}); the output is the same bytes whatever the count
 */
public record RewriteOptions(String textField, String keyField, RecordTransform transform, int threads) {

    public RewriteOptions {
        Objects.requireNonNull(textField, "textField");
        Objects.requireNonNull(transform, "transform");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        if (transform.addedFields().contains(textField)) {
            throw new IllegalArgumentException("The text field '" + textField + "' cannot also receive a computed value");
        }
    }

    /** One thread. */
    public RewriteOptions(final String textField, final String keyField, final RecordTransform transform) {
        this(textField, keyField, transform, 1);
    }

    /** Whether records are rewritten on more than one thread. */
    boolean parallel() {
        return threads > 1 && transform.concurrent();
    }
}
