package io.memaudit.core.markers;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Infers what a marker hid from the marker itself ({@code [**Last Name **]}, {@code <DATE_TIME>}) and from the words around
 * it ({@code Dr. ___}, {@code on ___}, {@code ___-year-old}, {@code at ___ a.m.}). Rules, not a model: cheap, explainable,
 * and good enough to pick a plausible surrogate.
 */
final class MarkerContext {
    private static final Set<String> TITLES = Set.of("dr", "doctor", "mr", "mrs", "ms", "miss", "prof", "nurse", "np", "pa", "rn", "md");
    private static final Set<String> NAME_CUES = Set.of("by", "with", "notified", "paged", "informed", "contacted", "called",
            "attending", "resident", "radiologist", "physician", "technologist", "patient", "per");
    private static final Set<String> DATE_CUES = Set.of("on", "from", "since", "comparison", "compared", "dated", "prior",
            "until", "through", "date", "previous", "preceding");
    private static final Set<String> TIME_CUES = Set.of("at", "time");
    private static final Set<String> IDENTIFIER_CUES = Set.of("mrn", "#", "no", "number", "id", "accession", "room", "bed",
            "ext", "extension", "pager", "phone", "tel", "fax");
    private static final Set<String> DATE_PHRASES = Set.of("compared to", "compared with", "comparison to", "comparison with",
            "made to", "relative to", "similar to", "change from", "changed from", "study of", "radiograph of", "exam of");
    private static final Set<String> NAME_PHRASES = Set.of("communicated to", "reported to", "conveyed to", "discussed with",
            "relayed to", "reviewed with");
    private static final Set<String> PLACE_PHRASES = Set.of("transferred to", "transferred from", "admitted to",
            "presented to", "transfer from", "transfer to", "outside hospital");
    private static final Set<String> PLACE_WORDS = Set.of("hospital", "clinic", "center", "centre", "medical", "rehab",
            "rehabilitation", "nursing", "infirmary", "health", "er", "ed", "icu");
    private static final Set<String> CLOCK_WORDS = Set.of("am", "pm", "a.m", "p.m", "hrs", "hours", "h", "o'clock");
    private static final Pattern NUMERIC_DATE = Pattern.compile("\\d{1,4}(?:[-/]\\d{1,4}){1,2}");

    private MarkerContext() {
    }

    /**
     * @param text the whole input text
     * @param start start of the marker
     * @param end end of the marker
     * @param adjacentPrevious the kind of the marker right before this one when only a space or a joining word ("and",
     *                         ",", "/") separates them, as in "Dr. ___ ___" or "from ___ and ___"; otherwise {@code null}
     */
    static MarkerKind infer(final String text, final int start, final int end, final MarkerKind adjacentPrevious) {
        final MarkerKind fromContent = fromMarkerContent(text, start, end);
        if (fromContent != null) {
            return fromContent;
        }
        final String next = nextWord(text, end);
        if (next.startsWith("year") || next.startsWith("yr") || next.equals("yo") || next.equals("y.o") || next.equals("y/o")
                || next.endsWith("-old")) {
            return "ago".equals(nextWord(text, end + next.length() + 1)) ? MarkerKind.DATE : MarkerKind.AGE;
        }
        if (CLOCK_WORDS.contains(next)) {
            return MarkerKind.TIME;
        }
        if (PLACE_WORDS.contains(next)) {
            return MarkerKind.PLACE;
        }
        if (adjacentPrevious != null && adjacentPrevious != MarkerKind.UNKNOWN) {
            return adjacentPrevious;
        }
        final int previousStart = previousWordStart(text, start);
        final String previous = normalizedWord(text, previousStart, start);
        final String beforePrevious = normalizedWord(text, previousWordStart(text, previousStart), previousStart);
        final String phrase = beforePrevious + " " + previous;
        if (DATE_PHRASES.contains(phrase)) {
            return MarkerKind.DATE;
        }
        if (NAME_PHRASES.contains(phrase)) {
            return MarkerKind.NAME;
        }
        if (PLACE_PHRASES.contains(phrase)) {
            return MarkerKind.PLACE;
        }
        if (TITLES.contains(previous) || NAME_CUES.contains(previous)) {
            return MarkerKind.NAME;
        }
        if (IDENTIFIER_CUES.contains(previous)) {
            return MarkerKind.IDENTIFIER;
        }
        if (DATE_CUES.contains(previous)) {
            return MarkerKind.DATE;
        }
        if (TIME_CUES.contains(previous)) {
            return MarkerKind.TIME;
        }
        return MarkerKind.UNKNOWN;
    }

    /** Whether the word right before the marker is a title such as "Dr." (a surname alone then reads naturally). */
    static boolean followsTitle(final String text, final int start) {
        return TITLES.contains(normalizedWord(text, previousWordStart(text, start), start));
    }

    /** Whether the marker is followed by a 12-hour clock suffix such as "a.m.". */
    static boolean followedByMeridiem(final String text, final int end) {
        final String next = nextWord(text, end);
        return next.startsWith("a.m") || next.startsWith("p.m") || next.equals("am") || next.equals("pm");
    }

    /** Whether the marker is followed by a word such as "hospital" that completes a place name. */
    static boolean followedByPlaceWord(final String text, final int end) {
        return PLACE_WORDS.contains(nextWord(text, end));
    }

    private static MarkerKind fromMarkerContent(final String text, final int start, final int end) {
        boolean hasLetterOrDigit = false;
        for (int i = start; i < end && !hasLetterOrDigit; i++) {
            hasLetterOrDigit = Character.isLetterOrDigit(text.charAt(i));
        }
        if (!hasLetterOrDigit) {
            return null;
        }
        final String content = text.substring(start, end).replaceAll("^[\\[<*\\s]+|[\\]>*\\s]+$", "");
        if (NUMERIC_DATE.matcher(content).matches()) {
            return MarkerKind.DATE;
        }
        final String lower = content.toLowerCase(Locale.ROOT);
        final Set<String> tokens = Set.of(lower.split("[^a-z]+"));
        if (containsAny(lower, "hospital", "location", "address", "street", "country", "university", "company", "wardname", "city")
                || tokens.contains("state") || tokens.contains("ward") || tokens.contains("zip")) {
            return MarkerKind.PLACE;
        }
        if (containsAny(lower, "number", "telephone", "phone", "fax", "serial", "pager", "e-mail", "email", "url", "ssn",
                "account", "license", "identifier", "mrn") || tokens.contains("id")) {
            return MarkerKind.IDENTIFIER;
        }
        if (containsAny(lower, "name", "person", "doctor", "initial", "patient")) {
            return MarkerKind.NAME;
        }
        if (tokens.contains("age")) {
            return MarkerKind.AGE;
        }
        if (containsAny(lower, "date", "year", "month", "holiday") || tokens.contains("day")) {
            return MarkerKind.DATE;
        }
        if (lower.contains("time")) {
            return MarkerKind.TIME;
        }
        return null;
    }

    private static boolean containsAny(final String haystack, final String... needles) {
        for (final String needle : needles) {
            if (haystack.contains(needle)) {
                return true;
            }
        }
        return false;
    }

    /** The word after {@code from} (whitespace and one joining hyphen skipped), lower-cased, trailing , ; : ) . removed. */
    private static String nextWord(final String text, final int from) {
        final int length = text.length();
        int start = from;
        if (start < length && text.charAt(start) == '-') {
            start++;
        }
        while (start < length && isHorizontalSpace(text.charAt(start))) {
            start++;
        }
        int end = start;
        while (end < length && !Character.isWhitespace(text.charAt(end))) {
            end++;
        }
        final String word = text.substring(start, end).toLowerCase(Locale.ROOT);
        return stripTrailing(word, ",;:).");
    }

    /** Start of the word that ends right before {@code end} (whitespace before {@code end} skipped). */
    private static int previousWordStart(final String text, final int end) {
        int index = end;
        while (index > 0 && isHorizontalSpace(text.charAt(index - 1))) {
            index--;
        }
        while (index > 0 && !Character.isWhitespace(text.charAt(index - 1))) {
            index--;
        }
        return index;
    }

    /** The word in [start, end) lower-cased, without surrounding brackets, quotes and punctuation ("Dr." becomes "dr"). */
    private static String normalizedWord(final String text, final int start, final int end) {
        int from = start;
        int to = end;
        while (to > from && isHorizontalSpace(text.charAt(to - 1))) {
            to--;
        }
        while (from < to && "([{\"'".indexOf(text.charAt(from)) >= 0) {
            from++;
        }
        final String word = text.substring(from, to).toLowerCase(Locale.ROOT);
        if (word.endsWith("#")) {
            return "#";
        }
        return stripTrailing(word, "_.,;:)]}\"'");
    }

    private static String stripTrailing(final String word, final String characters) {
        int end = word.length();
        while (end > 0 && characters.indexOf(word.charAt(end - 1)) >= 0) {
            end--;
        }
        return word.substring(0, end);
    }

    /** Whether [from, to) only joins two markers of one kind: spaces around at most one "and", "or", ",", "/", "&" or "-". */
    static boolean joinsMarkers(final String text, final int from, final int to) {
        final String gap = text.substring(from, to).strip().toLowerCase(Locale.ROOT);
        return gap.isEmpty() || gap.equals("and") || gap.equals("or") || gap.equals(",") || gap.equals("/")
                || gap.equals("&") || gap.equals("-") || gap.equals(", and");
    }

    static boolean isHorizontalSpace(final char c) {
        return c == ' ' || c == '\t' || c == '\u00A0';
    }
}
