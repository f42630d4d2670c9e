package io.memaudit.core.markers;

/**
 * Thrown when the custom marker pattern needs more work on one text than {@link MarkerFinder} allows, the sign of
 * catastrophic backtracking (e.g. {@code (a+)+$}) or of recursion too deep for the stack. The message names the limit and
 * the text's length, never the text.
 */
public final class MarkerScanLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MarkerScanLimitException(final String message) {
        super(message);
    }
}
