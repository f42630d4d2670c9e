package io.memaudit.dataset;

import io.memaudit.core.markers.MarkerKind;
import io.memaudit.core.markers.MarkerSpan;
import io.memaudit.core.markers.RewriteResult;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/** Counts gathered while rewriting one dataset file; safe to update from several threads. */
public final class RewriteStatistics {
    private static final MarkerKind[] KINDS = MarkerKind.values();

    private final LongAdder records = new LongAdder();
    private final LongAdder recordsWithText = new LongAdder();
    private final LongAdder recordsWithMarkers = new LongAdder();
    private final LongAdder markers = new LongAdder();
    private final AtomicLongArray kinds = new AtomicLongArray(KINDS.length);

    void countRecord() {
        records.increment();
    }

    void add(final RewriteResult result) {
        recordsWithText.increment();
        if (result.markerCount() > 0) {
            recordsWithMarkers.increment();
            markers.add(result.markerCount());
            for (final MarkerSpan span : result.markers()) {
                if (span.kind() != null) {
                    kinds.incrementAndGet(span.kind().ordinal());
                }
            }
        }
    }

    /** Records read and written. */
    public long records() {
        return records.sum();
    }

    /** Records whose text field was present and a string. */
    public long recordsWithText() {
        return recordsWithText.sum();
    }

    public long recordsWithMarkers() {
        return recordsWithMarkers.sum();
    }

    public long markers() {
        return markers.sum();
    }

    /** Markers per inferred kind; empty when the rewriter does not infer kinds. */
    public Map<MarkerKind, Long> kinds() {
        final Map<MarkerKind, Long> counts = new EnumMap<>(MarkerKind.class);
        for (final MarkerKind kind : KINDS) {
            final long count = kinds.get(kind.ordinal());
            if (count > 0) {
                counts.put(kind, count);
            }
        }
        return Collections.unmodifiableMap(counts);
    }
}
