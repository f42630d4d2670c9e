package io.memaudit.core.markers;

/**
 * A text that lets a regular expression read at most a given number of characters, so that a pathological expression
 * fails with {@link MarkerScanLimitException} instead of running for hours. The budget counts character reads, not time,
 * so a text is found to be over it on every machine alike.
 */
final class BoundedText implements CharSequence {
    private final String text;
    private final long budget;
    private long remaining;

    BoundedText(final String text, final long budget) {
        this.text = text;
        this.budget = budget;
        this.remaining = budget;
    }

    @Override
    public char charAt(final int index) {
        if (--remaining < 0) {
            throw new MarkerScanLimitException("The custom marker pattern read more than " + budget + " characters on a text of "
                    + text.length() + " characters (catastrophic backtracking): simplify it, e.g. avoid nested quantifiers "
                    + "such as (a+)+");
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(final int start, final int end) {
        return text.subSequence(start, end);
    }

    @Override
    public String toString() {
        return text;
    }
}
