package io.memaudit.core.markers;

import java.util.List;

/**
 * The result of rewriting one text.
 *
 * @param text the rewritten text (the same instance as the input when it held no marker)
 * @param markers every marker found, in order
 */
public record RewriteResult(String text, List<MarkerSpan> markers) {

    public RewriteResult {
        markers = List.copyOf(markers);
    }

    /** Number of markers found. */
    public int markerCount() {
        return markers.size();
    }
}
