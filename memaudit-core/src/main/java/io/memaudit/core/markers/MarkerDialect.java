package io.memaudit.core.markers;

import io.memaudit.core.NamedChoice;

/**
 * A convention that datasets use to mark where protected health information was removed.
 *
 * <p>Each built-in dialect has a hand-written scanner (no regular expressions on the hot path); {@link #CUSTOM} stands for
 * a user-supplied regular expression and is scanned by {@link MarkerFinder}.
 *
 * <p>The built-in scanners also find markers written with look-alike characters, on the original text (no normalisation,
 * so a rewrite keeps every character outside the markers): underscore look-alikes such as the fullwidth low line
 * {@code ＿} count as underscores, brackets and asterisks have their fullwidth and operator look-alikes, Open-i's X has its
 * fullwidth, Cyrillic and Greek look-alikes, and invisible characters (zero-width space, non-joiner and joiner, word
 * joiner, byte-order mark, soft hyphen) between the characters of a marker are part of the marker. Inside the
 * {@code [** **]} frame, spaces of any width (including no-break spaces) may separate the bracket from the asterisks.
 */
public enum MarkerDialect implements NamedChoice {
    /**
     * MIMIC-CXR: any run of three or more underscores is one marker ({@code ___}); underscore look-alikes count as
     * underscores and invisible characters inside the run belong to it.
     */
    MIMIC_CXR("MIMIC-CXR: any run of 3 or more underscores (___) is one marker, look-alikes included"),
    /** MIMIC-III / MIMIC-IV notes: {@code [** ... **]} on one line, look-alike brackets and asterisks included. */
    MIMIC_NOTES("MIMIC-III/IV notes: [** ... **] on one line, look-alikes included"),
    /** Open-i / IU X-ray: a standalone run of four or more capital X ({@code XXXX}), look-alikes included. */
    OPEN_I("Open-i / IU X-ray: a standalone run of 4 or more capital X (XXXX), look-alikes included"),
    /** Bracketed or angled capitalised tags: {@code [REDACTED]}, {@code <PERSON>}, {@code <DATE_TIME>}. */
    TAGS("Capitalised tags in brackets or angles: [REDACTED], <PERSON>, <DATE_TIME>"),
    /** A user-supplied regular expression: every non-empty match is one marker. */
    CUSTOM("A user-supplied regular expression; every non-empty match is one marker");

    private static final int MAX_NOTE_MARKER_LENGTH = 256;
    private static final int MAX_TAG_LENGTH = 48;

    private final String description;

    MarkerDialect(final String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** Parses a name (any case, underscores for hyphens); an unknown name throws, naming the choices. */
    public static MarkerDialect fromName(final String name) {
        return NamedChoice.parse(MarkerDialect.class, name, "marker dialect");
    }

    /** Every name, comma-separated, for help texts and messages. */
    public static String names() {
        return NamedChoice.names(MarkerDialect.class);
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
        return findRun(text, from, 3, MarkerDialect::isUnderscore, false);
    }

    private static long findXRun(final String text, final int from) {
        return findRun(text, from, 4, MarkerDialect::isCapitalX, true);
    }

    /**
     * Finds the first run of at least {@code minimum} characters accepted by {@code member}, where invisible characters
     * between two members belong to the run. A standalone run has no letter or digit right before or after it.
     */
    private static long findRun(final String text, final int from, final int minimum, final CharTest member,
                                final boolean standalone) {
        final int length = text.length();
        int index = from;
        while (index < length) {
            if (!member.test(text.charAt(index))) {
                index++;
                continue;
            }
            final int start = index;
            int end = index + 1;
            int count = 1;
            int next = end;
            while (next < length) {
                final char c = text.charAt(next);
                if (member.test(c)) {
                    count++;
                    end = ++next;
                } else if (isInvisible(c)) {
                    next++;
                } else {
                    break;
                }
            }
            if (count >= minimum && (!standalone || standaloneAt(text, start, end))) {
                return pack(start, end);
            }
            index = end;
        }
        return -1;
    }

    private static boolean standaloneAt(final String text, final int start, final int end) {
        final int before = skipInvisibleBackward(text, start);
        final int after = skipInvisibleForward(text, end, text.length());
        return (before == 0 || !Character.isLetterOrDigit(text.charAt(before - 1)))
                && (after == text.length() || !Character.isLetterOrDigit(text.charAt(after)));
    }

    private static long findNoteMarker(final String text, final int from) {
        final int length = text.length();
        for (int start = from; start < length; start++) {
            if (!isOpeningBracket(text.charAt(start))) {
                continue;
            }
            final int contentStart = noteOpeningEnd(text, start);
            if (contentStart < 0) {
                continue;
            }
            final int limit = Math.min(length, start + MAX_NOTE_MARKER_LENGTH);
            for (int index = contentStart; index < limit; index++) {
                final char c = text.charAt(index);
                if (c == '\n' || c == '\r') {
                    break;
                }
                if (isAsterisk(c)) {
                    final int end = noteClosingEnd(text, index, limit);
                    if (end > 0) {
                        return pack(start, end);
                    }
                }
            }
        }
        return -1;
    }

    /** End of {@code [**} (bracket, optional spaces, two asterisks) opening at {@code start}, or -1. */
    private static int noteOpeningEnd(final String text, final int start) {
        final int length = text.length();
        int index = skipSpaceOrInvisible(text, start + 1, length);
        if (index >= length || !isAsterisk(text.charAt(index))) {
            return -1;
        }
        index = skipInvisibleForward(text, index + 1, length);
        return index < length && isAsterisk(text.charAt(index)) ? index + 1 : -1;
    }

    /** End of {@code **]} (two asterisks, optional spaces, bracket) whose first asterisk is at {@code first}, or -1. */
    private static int noteClosingEnd(final String text, final int first, final int limit) {
        int index = skipInvisibleForward(text, first + 1, limit);
        if (index >= limit || !isAsterisk(text.charAt(index))) {
            return -1;
        }
        index = skipSpaceOrInvisible(text, index + 1, limit);
        return index < limit && isClosingBracket(text.charAt(index)) ? index + 1 : -1;
    }

    private static int skipInvisibleForward(final String text, final int from, final int limit) {
        int index = from;
        while (index < limit && isInvisible(text.charAt(index))) {
            index++;
        }
        return index;
    }

    private static int skipInvisibleBackward(final String text, final int from) {
        int index = from;
        while (index > 0 && isInvisible(text.charAt(index - 1))) {
            index--;
        }
        return index;
    }

    private static int skipSpaceOrInvisible(final String text, final int from, final int limit) {
        int index = from;
        while (index < limit && (isInvisible(text.charAt(index)) || isHorizontalSpace(text.charAt(index)))) {
            index++;
        }
        return index;
    }

    /** The low line and the characters that render like it: fullwidth, double, dashed, centreline, wavy, vertical forms. */
    static boolean isUnderscore(final char c) {
        return c == '_' || c == '\uFF3F' || c == '\u2017' || (c >= '\uFE4D' && c <= '\uFE4F') || c == '\uFE33' || c == '\uFE34';
    }

    /** Capital X and its look-alikes: fullwidth X, Cyrillic Ha, Greek Chi. */
    static boolean isCapitalX(final char c) {
        return c == 'X' || c == '\uFF38' || c == '\u0425' || c == '\u03A7';
    }

    /** The asterisk and its look-alikes: fullwidth, asterisk operator, low, small, heavy asterisks. */
    static boolean isAsterisk(final char c) {
        return c == '*' || c == '\uFF0A' || c == '\u2217' || c == '\u204E' || c == '\uFE61' || c == '\u2731';
    }

    private static boolean isOpeningBracket(final char c) {
        return c == '[' || c == '\uFF3B';
    }

    private static boolean isClosingBracket(final char c) {
        return c == ']' || c == '\uFF3D';
    }

    /**
     * Characters that render as nothing: zero-width space, non-joiner, joiner, word joiner, invisible operators, byte-order
     * mark (zero-width no-break space), soft hyphen, Mongolian vowel separator.
     */
    static boolean isInvisible(final char c) {
        return (c >= '\u200B' && c <= '\u200D') || (c >= '\u2060' && c <= '\u2064') || c == '\uFEFF' || c == '\u00AD'
                || c == '\u180E';
    }

    /** Spaces that do not break a line, of any width: space, tab, no-break space, figure, narrow and other Unicode spaces. */
    private static boolean isHorizontalSpace(final char c) {
        return c == ' ' || c == '\t' || c == '\u00A0' || c == '\u202F' || c == '\u3000' || (c >= '\u2000' && c <= '\u200A');
    }

    /** A test on one character (avoids boxing in the scanners). */
    @FunctionalInterface
    private interface CharTest {
        boolean test(char c);
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
}
