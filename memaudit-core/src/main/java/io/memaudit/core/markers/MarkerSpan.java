package io.memaudit.core.markers;

/**
 * One marker found in an input text.
 *
 * @param start start of the marker in the input text (inclusive, UTF-16 index)
 * @param end end of the marker in the input text (exclusive)
 * @param dialect the dialect that recognised it
 * @param kind what the marker most likely hid, inferred from the marker and its context; {@code null} when the rewriter
 *             does not infer kinds (see {@link MarkerRewriter#infersKinds()})
 * @param replacement what replaced it in the output (empty for the remove strategy)
 */
public record MarkerSpan(int start, int end, MarkerDialect dialect, MarkerKind kind, String replacement) {
}
