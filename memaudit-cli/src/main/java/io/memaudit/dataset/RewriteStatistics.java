package io.memaudit.dataset;

import io.memaudit.core.markers.MarkerKind;
import io.memaudit.core.markers.MarkerSpan;
import io.memaudit.core.markers.RewriteResult;
import java.util.EnumMap;
import java.util.Map;

/** Counts gathered while rewriting one dataset file. */
public final class RewriteStatistics {
    private long records;
    private long recordsWithText;
    private long recordsWithMarkers;
    private long markers;
    private final Map<MarkerKind, Long> kinds = new EnumMap<>(MarkerKind.class);

    void countRecord() {
        records++;
    }

    void add(final RewriteResult result) {
        recordsWithText++;
        if (result.markerCount() > 0) {
            recordsWithMarkers++;
            markers += result.markerCount();
            for (final MarkerSpan span : result.markers()) {
                if (span.kind() != null) {
                    kinds.merge(span.kind(), 1L, Long::sum);
                }
            }
        }
    }

    /** Records read and written. */
    public long records() {
        return records;
    }

    /** Records whose text field was present and a string. */
    public long recordsWithText() {
        return recordsWithText;
    }

    public long recordsWithMarkers() {
        return recordsWithMarkers;
    }

    public long markers() {
        return markers;
    }

    /** Markers per inferred kind; empty when the rewriter does not infer kinds. */
    public Map<MarkerKind, Long> kinds() {
        return Map.copyOf(kinds);
    }
}
