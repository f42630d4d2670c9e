package io.memaudit.core.markers;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A convention that datasets use to mark where protected health information was removed.
 *
 * <p>Each built-in dialect has a hand-written scanner (no regular expressions on the hot path); {@link #CUSTOM} stands for
 * a user-supplied regular expression and is scanned by {@link MarkerFinder}.
 */
public enum MarkerDialect {
    /** MIMIC-CXR: any run of three or more underscores is one marker ({@code ___}). */
    MIMIC_CXR("mimic-cxr", "MIMIC-CXR: any run of 3 or more underscores (___) is one marker"),
    /** MIMIC-III / MIMIC-IV notes: {@code [** ... **]} on one line. */
    MIMIC_NOTES("mimic-notes", "MIMIC-III/IV notes: [** ... **] on one line"),
    /** Open-i / IU X-ray: a standalone run of four or more capital X ({@code XXXX}). */
    OPEN_I("open-i", "Open-i / IU X-ray: a standalone run of 4 or more capital X (XXXX)"),
    /** Bracketed or angled capitalised tags: {@code [REDACTED]}, {@code <PERSON>}, {@code <DATE_TIME>}. */
    TAGS("tags", "Capitalised tags in brackets or angles: [REDACTED], <PERSON>, <DATE_TIME>"),
    /** A user-supplied regular expression: every non-empty match is one marker. */
    CUSTOM("custom", "A user-supplied regular expression; every non-empty match is one marker");

    private static final int MAX_NOTE_MARKER_LENGTH = 256;
    private static final int MAX_TAG_LENGTH = 48;

    private final String displayName;
    private final String description;

    MarkerDialect(final String displayName, final String description) {
        this.displayName = displayName;
        this.description = description;
    }

    /** The name used on the command line, in NiFi properties and in reports, e.g. {@code mimic-cxr}. */
    public String displayName() {
        return displayName;
    }

    public String description() {
        return description;
    }

    /**
     * Parses a dialect name such as {@code mimic-cxr} (case-insensitive; underscores accepted for hyphens).
     *
     * @throws IllegalArgumentException naming the value and the accepted names
     */
    public static MarkerDialect fromName(final String name) {
        final String normalized = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (final MarkerDialect dialect : values()) {
            if (dialect.displayName.equals(normalized)) {
                return dialect;
            }
        }
        throw new IllegalArgumentException("Unknown marker dialect '" + name + "': use one of " + names());
    }

    /** All dialect names, comma-separated, for help texts and error messages. */
    public static String names() {
        return Arrays.stream(values()).map(MarkerDialect::displayName).collect(Collectors.joining(", "));
    }

    /**
     * Finds the first marker of this built-in dialect that starts at or after {@code from}.
     *
     * @return the marker packed as {@code (long) start << 32 | end}, or {@code -1} when there is none
     */
    long findBuiltIn(final String text, final int from) {
        return switch (this) {
            case MIMIC_CXR -> findUnderscoreRun(text, from);
            case MIMIC_NOTES -> findNoteMarker(text, from);
            case OPEN_I -> findXRun(text, from);
            case TAGS -> findTag(text, from);
            case CUSTOM -> throw new IllegalStateException("custom markers are found by MarkerFinder with the user's pattern");
        };
    }

    static long pack(final int start, final int end) {
        return ((long) start << 32) | end;
    }

    private static long findUnderscoreRun(final String text, final int from) {
        final int length = text.length();
        int start = text.indexOf('_', from);
        while (start >= 0) {
            int end = start + 1;
            while (end < length && text.charAt(end) == '_') {
                end++;
            }
            if (end - start >= 3) {
                return pack(start, end);
            }
            start = text.indexOf('_', end);
        }
        return -1;
    }

    private static long findNoteMarker(final String text, final int from) {
        int start = text.indexOf("[**", from);
        while (start >= 0) {
            final int close = text.indexOf("**]", start + 3);
            if (close < 0) {
                return -1;
            }
            final int end = close + 3;
            if (end - start <= MAX_NOTE_MARKER_LENGTH && noLineBreak(text, start, end)) {
                return pack(start, end);
            }
            start = text.indexOf("[**", start + 1);
        }
        return -1;
    }

    private static long findXRun(final String text, final int from) {
        final int length = text.length();
        int start = text.indexOf("XXXX", from);
        while (start >= 0) {
            int end = start + 4;
            while (end < length && text.charAt(end) == 'X') {
                end++;
            }
            final boolean standaloneBefore = start == 0 || !Character.isLetterOrDigit(text.charAt(start - 1));
            final boolean standaloneAfter = end == length || !Character.isLetterOrDigit(text.charAt(end));
            if (standaloneBefore && standaloneAfter) {
                return pack(start, end);
            }
            start = text.indexOf("XXXX", end);
        }
        return -1;
    }

    private static long findTag(final String text, final int from) {
        int bracket = text.indexOf('[', from);
        int angle = text.indexOf('<', from);
        while (bracket >= 0 || angle >= 0) {
            final boolean bracketFirst = angle < 0 || (bracket >= 0 && bracket < angle);
            final int start = bracketFirst ? bracket : angle;
            final int end = tagEnd(text, start, bracketFirst ? ']' : '>');
            if (end > 0) {
                return pack(start, end);
            }
            if (bracketFirst) {
                bracket = text.indexOf('[', start + 1);
            } else {
                angle = text.indexOf('<', start + 1);
            }
        }
        return -1;
    }

    /** End (exclusive) of a tag such as [REDACTED] opening at {@code start}, or -1 when the text there is not a tag. */
    private static int tagEnd(final String text, final int start, final char closing) {
        final int limit = Math.min(text.length(), start + MAX_TAG_LENGTH);
        int index = start + 1;
        if (index >= limit || !isUpperAscii(text.charAt(index))) {
            return -1;
        }
        for (index++; index < limit; index++) {
            final char c = text.charAt(index);
            if (c == closing) {
                return index - start - 1 >= 2 ? index + 1 : -1;
            }
            if (!(isUpperAscii(c) || (c >= '0' && c <= '9') || c == '_' || c == ' ' || c == '-')) {
                return -1;
            }
        }
        return -1;
    }

    private static boolean isUpperAscii(final char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean noLineBreak(final String text, final int start, final int end) {
        for (int i = start; i < end; i++) {
            final char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                return false;
            }
        }
        return true;
    }
}
