package io.memaudit.core.markers;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds de-identification markers of one or more {@link MarkerDialect dialects} in a text.
 *
 * <p>Where markers of different dialects overlap, the one that starts first wins (the longer on a tie), and scanning
 * resumes after it. Immutable and thread-safe; {@link #scan(String)} returns a cheap single-use cursor.
 *
 * <p>A custom pattern may read at most {@link #CUSTOM_PATTERN_READS_PER_CHARACTER} characters per character of a text
 * (and at least {@link #CUSTOM_PATTERN_MINIMUM_READS}) while scanning it; past that, or when the expression recurses
 * deeper than the stack allows, {@link Scan#next()} throws {@link MarkerScanLimitException}. A budget of reads rather
 * than of time gives the same answer on every machine.
 */
public final class MarkerFinder {
    /** Character reads a custom pattern may spend per character of the scanned text. */
    public static final long CUSTOM_PATTERN_READS_PER_CHARACTER = 256;
    /** Character reads a custom pattern may always spend on a text, however short. */
    public static final long CUSTOM_PATTERN_MINIMUM_READS = 1_000_000;

    private final MarkerDialect[] builtIns;
    private final Pattern customPattern;

    private MarkerFinder(final MarkerDialect[] builtIns, final Pattern customPattern) {
        this.builtIns = builtIns;
        this.customPattern = customPattern;
    }

    /**
     * @param dialects the dialects to look for; {@link MarkerDialect#CUSTOM} requires {@code customPattern}
     * @param customPattern the user's marker expression, or {@code null}; when given, {@code CUSTOM} is implied
     * @throws IllegalArgumentException when nothing is selected, CUSTOM lacks a pattern, or the pattern matches the empty string
     */
    public static MarkerFinder of(final Set<MarkerDialect> dialects, final Pattern customPattern) {
        Objects.requireNonNull(dialects, "dialects");
        final Set<MarkerDialect> selected = dialects.isEmpty() ? EnumSet.noneOf(MarkerDialect.class) : EnumSet.copyOf(dialects);
        if (customPattern != null) {
            if (customPattern.matcher("").matches()) {
                throw new IllegalArgumentException("Custom marker pattern '" + customPattern.pattern()
                        + "' matches the empty string: every position would be a marker. Make it match at least one character.");
            }
            selected.add(MarkerDialect.CUSTOM);
        } else if (selected.contains(MarkerDialect.CUSTOM)) {
            throw new IllegalArgumentException("Dialect 'custom' needs a custom marker pattern (a regular expression)");
        }
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("Select at least one marker dialect: " + MarkerDialect.names());
        }
        final List<MarkerDialect> builtIns = new ArrayList<>(selected);
        builtIns.remove(MarkerDialect.CUSTOM);
        return new MarkerFinder(builtIns.toArray(MarkerDialect[]::new), customPattern);
    }

    /** The dialects this finder looks for. */
    public Set<MarkerDialect> dialects() {
        final Set<MarkerDialect> dialects = EnumSet.noneOf(MarkerDialect.class);
        dialects.addAll(List.of(builtIns));
        if (customPattern != null) {
            dialects.add(MarkerDialect.CUSTOM);
        }
        return dialects;
    }

    /** The user's marker expression of the custom dialect, or {@code null} when there is none. */
    public Pattern customPattern() {
        return customPattern;
    }

    /** Starts a left-to-right scan of {@code text}. */
    public Scan scan(final String text) {
        return new Scan(text);
    }

    /** Counts the markers in {@code text}. */
    public int count(final String text) {
        final Scan scan = scan(text);
        int count = 0;
        while (scan.next()) {
            count++;
        }
        return count;
    }

    /** A single-use cursor over the markers of one text, in order, without overlaps. */
    public final class Scan {
        private final String text;
        private final long[] pending;
        private final Matcher customMatcher;
        private long pendingCustom = Long.MIN_VALUE;
        private int position;
        private int start = -1;
        private int end = -1;
        private MarkerDialect dialect;

        private Scan(final String text) {
            this.text = text;
            this.pending = new long[builtIns.length];
            java.util.Arrays.fill(pending, Long.MIN_VALUE);
            this.customMatcher = customPattern == null ? null : customPattern.matcher(new BoundedText(text,
                    CUSTOM_PATTERN_MINIMUM_READS + CUSTOM_PATTERN_READS_PER_CHARACTER * text.length()));
        }

        /**
         * Advances to the next marker; returns false when there is none.
         *
         * @throws MarkerScanLimitException when the custom pattern needs more work on this text than allowed
         */
        public boolean next() {
            long best = -1;
            MarkerDialect bestDialect = null;
            for (int i = 0; i < builtIns.length; i++) {
                if (pending[i] == Long.MIN_VALUE || (pending[i] >= 0 && startOf(pending[i]) < position)) {
                    pending[i] = builtIns[i].findBuiltIn(text, position);
                }
                if (isBetter(pending[i], best)) {
                    best = pending[i];
                    bestDialect = builtIns[i];
                }
            }
            if (customMatcher != null) {
                if (pendingCustom == Long.MIN_VALUE || (pendingCustom >= 0 && startOf(pendingCustom) < position)) {
                    pendingCustom = findCustom(position);
                }
                if (isBetter(pendingCustom, best)) {
                    best = pendingCustom;
                    bestDialect = MarkerDialect.CUSTOM;
                }
            }
            if (best < 0) {
                start = -1;
                end = -1;
                dialect = null;
                position = text.length();
                return false;
            }
            start = startOf(best);
            end = endOf(best);
            dialect = bestDialect;
            position = end;
            return true;
        }

        /** Start (inclusive) of the current marker. */
        public int start() {
            return start;
        }

        /** End (exclusive) of the current marker. */
        public int end() {
            return end;
        }

        /** Dialect of the current marker. */
        public MarkerDialect dialect() {
            return dialect;
        }

        private long findCustom(final int from) {
            try {
                int searchFrom = from;
                while (searchFrom <= text.length() && customMatcher.find(searchFrom)) {
                    if (customMatcher.end() > customMatcher.start()) {
                        return MarkerDialect.pack(customMatcher.start(), customMatcher.end());
                    }
                    searchFrom = customMatcher.start() + 1;
                }
                return -1;
            } catch (final StackOverflowError e) {
                // java.util.regex recurses per repetition of a group: (a|b)* on a long text overflows the stack
                throw new MarkerScanLimitException("The custom marker pattern recursed too deeply on a text of " + text.length()
                        + " characters: avoid repeating a group over long stretches, e.g. write [ab]* instead of (a|b)*");
            }
        }
    }

    private static boolean isBetter(final long candidate, final long best) {
        if (candidate < 0) {
            return false;
        }
        if (best < 0) {
            return true;
        }
        final int candidateStart = startOf(candidate);
        final int bestStart = startOf(best);
        return candidateStart < bestStart || (candidateStart == bestStart && endOf(candidate) > endOf(best));
    }

    private static int startOf(final long packed) {
        return (int) (packed >>> 32);
    }

    private static int endOf(final long packed) {
        return (int) packed;
    }
}
