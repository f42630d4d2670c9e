package io.memaudit.dataset;

import io.memaudit.core.markers.MarkerRewriter;
import io.memaudit.core.markers.RewriteResult;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What to rewrite in each record of a dataset file.
 *
 * @param rewriter the marker engine
 * @param textField top-level field (JSON) or column (CSV) holding the text
 * @param keyField top-level field or column mixed into each record's seed, or {@code null}
 * @param countField field or column that receives the number of markers found
 * @param observer sees every rewrite result, e.g. to collect statistics for a report; never {@code null}
 */
public record RewriteOptions(MarkerRewriter rewriter, String textField, String keyField, String countField,
                             Consumer<RewriteResult> observer) {

    public static final String DEFAULT_COUNT_FIELD = "deid_marker_count";

    public RewriteOptions {
        Objects.requireNonNull(rewriter, "rewriter");
        Objects.requireNonNull(textField, "textField");
        Objects.requireNonNull(countField, "countField");
        Objects.requireNonNull(observer, "observer");
        if (textField.equals(countField)) {
            throw new IllegalArgumentException("The count field '" + countField + "' must differ from the text field");
        }
    }

    public RewriteOptions(final MarkerRewriter rewriter, final String textField) {
        this(rewriter, textField, null, DEFAULT_COUNT_FIELD, result -> { });
    }

    RewriteResult rewrite(final String text, final String key, final RewriteStatistics statistics) {
        final RewriteResult result = rewriter.rewrite(text, key);
        statistics.add(result);
        observer.accept(result);
        return result;
    }
}
