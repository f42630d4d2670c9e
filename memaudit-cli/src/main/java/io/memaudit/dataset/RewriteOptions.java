package io.memaudit.dataset;

import java.util.Objects;

/**
 * Which fields of each record a {@link DatasetRewriter} reads, and what it does to the record.
 *
 * @param textField top-level field (JSON) or column (CSV) holding the text
 * @param keyField top-level field or column identifying the record, or {@code null}
 * @param transform what happens to each record
 */
public record RewriteOptions(String textField, String keyField, RecordTransform transform) {

    public RewriteOptions {
        Objects.requireNonNull(textField, "textField");
        Objects.requireNonNull(transform, "transform");
        if (transform.addedFields().contains(textField)) {
            throw new IllegalArgumentException("The text field '" + textField + "' cannot also receive a computed value");
        }
    }
}
