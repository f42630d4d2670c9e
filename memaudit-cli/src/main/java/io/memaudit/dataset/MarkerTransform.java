package io.memaudit.dataset;

import io.memaudit.core.markers.MarkerRewriter;
import io.memaudit.core.markers.RewriteResult;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Replaces the de-identification markers of each record's text and appends their count; keeps the statistics. Without an
 * observer it is {@link #concurrent()}: the rewriter seeds each record from the record alone.
 */
public final class MarkerTransform implements RecordTransform {
    public static final String DEFAULT_COUNT_FIELD = "deid_marker_count";

    private final MarkerRewriter rewriter;
    private final String countField;
    private final Consumer<RewriteResult> observer;
    private final boolean concurrent;
    private final RewriteStatistics statistics = new RewriteStatistics();

    /**
     * @param observer sees every rewrite result, in record order, e.g. to collect replacement frequencies for a report
     *                 (the transform then runs on one thread)
     */
    public MarkerTransform(final MarkerRewriter rewriter, final String countField, final Consumer<RewriteResult> observer) {
        this(rewriter, countField, Objects.requireNonNull(observer, "observer"), false);
    }

    /** Without an observer: records may be rewritten on several threads. */
    public MarkerTransform(final MarkerRewriter rewriter, final String countField) {
        this(rewriter, countField, result -> { }, true);
    }

    public MarkerTransform(final MarkerRewriter rewriter) {
        this(rewriter, DEFAULT_COUNT_FIELD);
    }

    private MarkerTransform(final MarkerRewriter rewriter, final String countField, final Consumer<RewriteResult> observer,
                            final boolean concurrent) {
        this.rewriter = Objects.requireNonNull(rewriter, "rewriter");
        this.countField = Objects.requireNonNull(countField, "countField");
        this.observer = observer;
        this.concurrent = concurrent;
    }

    @Override
    public boolean concurrent() {
        return concurrent;
    }

    @Override
    public List<String> addedFields() {
        return List.of(countField);
    }

    @Override
    public Result apply(final String text, final String key) {
        statistics.countRecord();
        if (text == null) {
            return new Result(null, Arrays.asList(0));
        }
        final RewriteResult result = rewriter.rewrite(text, key);
        statistics.add(result);
        observer.accept(result);
        return new Result(result.text(), Arrays.asList(result.markerCount()));
    }

    /** Counts so far. */
    public RewriteStatistics statistics() {
        return statistics;
    }
}
