package io.memaudit.core.recaption;

import io.memaudit.core.markers.MarkerDialect;
import io.memaudit.core.markers.MarkerFinder;
import io.memaudit.core.markers.MarkerRewriter;
import io.memaudit.core.markers.MarkerStrategy;
import io.memaudit.core.reports.SentenceSplitter;
import io.memaudit.core.reports.WordTokenizer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import opennlp.tools.util.Span;

/**
 * Rewrites radiology captions by dropping or rephrasing the clauses that carry de-identification markers, with rules.
 *
 * <p>In a report the markers almost always stand for a date, a time or a name inside one of a few phrases that say nothing
 * about the image: a comparison ("compared to ___"), a time reference ("since ___", "on ___ at ___ p.m."), or the
 * communication of results ("Findings were discussed with Dr. ___ by telephone at ___"). The rules, in order:
 * <ol>
 *   <li>Captions without markers are returned unchanged (the same string); so are their marker-free sentences.</li>
 *   <li>The caption is split into sentences and each sentence into tokens with Apache OpenNLP's English models (from the
 *       class path). Every marker is one token.</li>
 *   <li><b>Marker phrases.</b> A run of markers (joined by "and", "or", "/", "-", "," or "to") with an optional title
 *       before it ("Dr.") and an optional clock unit after it ("p.m.") is a marker phrase together with the word that governs
 *       it. After a comparison ("compared to/with", "comparison to/with", "similar to", "relative to", "made to",
 *       "versus") the markers become "prior": "similar to ___ and ___" → "similar to prior". After a preposition ("from",
 *       "since", "on", "at", "by", "with", "of", "in", "dated", "prior to", ...) or a title the whole phrase is dropped:
 *       "unchanged from ___" → "unchanged", "by Dr. ___" → "". A bare marker is left to the last rule.</li>
 *   <li><b>Communication.</b> A sentence with a communication verb ("discussed", "communicated", "notified", "paged",
 *       "telephoned", "called", "informed", "relayed", "conveyed", "reported to", "reviewed with", "spoke with") loses
 *       everything from that verb (and the auxiliaries before it: "were discussed") to the end of the clause that holds
 *       its last marker, and the following clauses that only say when or how ("at the time of discovery").</li>
 *   <li><b>Clauses.</b> Sentences are split into clauses at commas and semicolons, and after a marker phrase that opens a
 *       clause ("Compared to ___ there is"). A clause that carried a marker and now holds only words without image content
 *       (articles, auxiliaries, "compared", "prior", "study", "radiograph", "findings", "Dr.", ...) is dropped:
 *       "Compared to ___, no change." → "No change." Clinical words are never on that list, and clauses without markers
 *       are never dropped by this rule.</li>
 *   <li><b>Sentences.</b> A sentence that carried a marker and has no content word left is dropped ("Dr. ___ was
 *       notified.", "Comparison is made to ___.").</li>
 *   <li><b>Tidying.</b> Markers still left (a bare "___ lesion") are deleted with the marker engine's {@code remove}
 *       strategy; dangling commas, semicolons and conjunctions at either end are removed, spaces made single, the first
 *       letter upper-cased and the sentence ended with a period (or its question mark).</li>
 *   <li><b>Fallback.</b> If every sentence would be dropped, the whole caption has just its markers removed (the
 *       {@code remove} strategy) and is tidied the same way, so a caption becomes empty only if it held nothing but
 *       markers and punctuation.</li>
 * </ol>
 *
 * <p>Immutable and thread-safe: the OpenNLP models are shared, and each call gets its own (not thread-safe) OpenNLP
 * detectors. No text is logged.
 */
public final class RuleBasedRecaptioner implements Recaptioner {
    /** The name in reports. */
    public static final String NAME = "rule-based";

    private static final String PRIOR = "prior";
    private static final Set<String> TITLES = Set.of("dr", "doctor", "mr", "mrs", "ms", "miss", "nurse", "np", "rn");
    private static final Set<String> RUN_JOINERS = Set.of("and", "or", "/", "&", "-", ",", "to", "through");
    private static final Set<String> CLOCK_UNITS = Set.of("a.m", "p.m", "am", "pm", "hrs", "hours", "h", "o'clock");
    private static final Set<String> COMPARISONS = Set.of("compared to", "compared with", "comparison to",
            "comparison with", "similar to", "relative to", "made to", "identical to");
    private static final Set<String> SINGLE_WORD_COMPARISONS = Set.of("versus", "vs");
    private static final Set<String> TWO_WORD_PREPOSITIONS = Set.of("prior to", "as of");
    private static final Set<String> PREPOSITIONS = Set.of("from", "since", "on", "at", "by", "to", "with", "of", "in",
            "dated", "until", "before", "after", "through", "during", "for", "per");
    private static final Set<String> COMMUNICATION_VERBS = Set.of("discussed", "communicated", "notified", "paged",
            "telephoned", "called", "informed", "relayed", "conveyed", "emailed");
    private static final Set<String> COMMUNICATION_PHRASES = Set.of("reported to", "reviewed with", "spoke with",
            "spoken with", "spoke to", "spoken to");
    private static final Set<String> AUXILIARIES = Set.of("was", "were", "is", "are", "been", "be", "has", "have", "had",
            "and", "personally", "directly", "also", "verbally", "subsequently", "then");
    /** Words that say nothing about the image: what is left of a clause after its markers went. No clinical word here. */
    private static final Set<String> WITHOUT_CONTENT = Set.of("the", "a", "an", "this", "these", "that", "those", "there",
            "it", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "and", "or", "of", "to", "with",
            "from", "since", "on", "at", "by", "in", "as", "for", "per", "via", "after", "upon", "who", "which",
            "compared", "comparison", "comparisons", "prior", "previous", "preceding", "recent", "most", "study",
            "studies", "exam", "exams", "examination", "examinations", "radiograph", "radiographs", "film", "films",
            "image", "images", "imaging", "chest", "ct", "cxr", "x-ray", "view", "views", "frontal", "lateral", "pa",
            "ap", "portable", "dated", "date", "time", "today", "yesterday", "earlier", "findings", "finding", "results",
            "result", "above", "made", "available", "obtained", "performed", "dr", "doctor", "physician", "referring",
            "clinician", "team", "service", "provider", "nurse", "np", "rn", "md", "patient", "telephone", "phone",
            "person", "discovery", "minutes", "minute", "hours", "approximately", "immediately", "acknowledged",
            "agreed", "understood", "receipt", "read", "back", "requested", "ordered", "seen", "relative", "versus", "vs", "am",
            "pm", "a.m", "p.m");

    private final MarkerFinder finder;
    private final MarkerRewriter remover;

    /** A recaptioner for MIMIC-CXR markers ({@code ___}). */
    public RuleBasedRecaptioner() {
        this(MarkerFinder.of(EnumSet.of(MarkerDialect.MIMIC_CXR), null));
    }

    /** A recaptioner for the markers {@code finder} finds. */
    public RuleBasedRecaptioner(final MarkerFinder finder) {
        this.finder = Objects.requireNonNull(finder, "finder");
        this.remover = MarkerRewriter.builder().dialects(finder.dialects()).customPattern(finder.customPattern())
                .strategy(MarkerStrategy.REMOVE).build();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String recaption(final String caption) {
        Objects.requireNonNull(caption, "caption");
        if (finder.count(caption) == 0) {
            return caption;
        }
        final List<String> kept = new ArrayList<>();
        for (final String sentence : SentenceSplitter.split(caption)) {
            final String rewritten = finder.count(sentence) == 0 ? sentence : rewriteSentence(sentence);
            if (!rewritten.isEmpty()) {
                kept.add(rewritten);
            }
        }
        if (kept.isEmpty()) {
            return tidy(remover.rewrite(caption).text(), ".");
        }
        return String.join(" ", kept);
    }

    /** One token of a sentence: a word or punctuation from OpenNLP's tokenizer, or one whole marker. */
    private record Token(String text, int start, int end, boolean marker) {
        /** Lower case without a trailing period ("Dr." → "dr"), so that abbreviations match either way. */
        String word() {
            final String lower = text.toLowerCase(Locale.ROOT);
            return lower.length() > 1 && lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
        }

        boolean isClauseBoundary() {
            return text.equals(",") || text.equals(";");
        }

        boolean isPunctuation() {
            return !marker && text.chars().noneMatch(Character::isLetterOrDigit);
        }
    }

    /** The rewritten sentence, or an empty string when nothing with content is left. */
    private String rewriteSentence(final String sentence) {
        final List<Token> tokens = tokenize(sentence);
        String terminator = ".";
        int n = tokens.size();
        while (n > 0 && Set.of(".", "!", "?").contains(tokens.get(n - 1).text())) {
            terminator = tokens.get(n - 1).text().equals("?") ? "?" : terminator;
            n--;
        }
        final String[] out = new String[n];
        final boolean[] replaced = new boolean[n];
        final int[] phraseEnd = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = tokens.get(i).text();
            phraseEnd[i] = -1;
        }
        rewriteMarkerPhrases(tokens, n, out, replaced, phraseEnd);
        dropCommunication(tokens, n, out);
        dropClausesWithoutContent(tokens, n, out, phraseEnd);
        if (!hasContent(tokens, 0, n, out)) {
            return "";
        }
        return tidy(join(tokens, n, out, replaced), terminator);
    }

    private List<Token> tokenize(final String sentence) {
        final List<Token> tokens = new ArrayList<>();
        final MarkerFinder.Scan scan = finder.scan(sentence);
        int from = 0;
        while (scan.next()) {
            addWords(sentence, from, scan.start(), tokens);
            tokens.add(new Token(sentence.substring(scan.start(), scan.end()), scan.start(), scan.end(), true));
            from = scan.end();
        }
        addWords(sentence, from, sentence.length(), tokens);
        return tokens;
    }

    private static void addWords(final String text, final int from, final int to, final List<Token> tokens) {
        if (from >= to) {
            return;
        }
        for (final Span span : WordTokenizer.spans(text.substring(from, to))) {
            final int start = from + span.getStart();
            final int end = from + span.getEnd();
            tokens.add(new Token(text.substring(start, end), start, end, false));
        }
    }

    /** Rule 3: markers after a comparison become "prior"; after a preposition or a title the whole phrase goes. */
    private static void rewriteMarkerPhrases(final List<Token> tokens, final int n, final String[] out,
                                             final boolean[] replaced, final int[] phraseEnd) {
        for (int i = 0; i < n; i++) {
            if (!tokens.get(i).marker()) {
                continue;
            }
            int end = i + 1;
            while (end < n) {
                if (tokens.get(end).marker()) {
                    end++;
                } else if (end + 1 < n && RUN_JOINERS.contains(tokens.get(end).word()) && tokens.get(end + 1).marker()) {
                    end += 2;
                } else {
                    break;
                }
            }
            if (end < n && CLOCK_UNITS.contains(tokens.get(end).word())) {
                end++;
            }
            int start = i;
            if (start > 0 && TITLES.contains(tokens.get(start - 1).word())) {
                start--;
            }
            final String one = start >= 1 ? tokens.get(start - 1).word() : "";
            final String two = start >= 2 ? tokens.get(start - 2).word() + " " + one : "";
            final int phraseStart;
            if (COMPARISONS.contains(two) || SINGLE_WORD_COMPARISONS.contains(one)) {
                phraseStart = COMPARISONS.contains(two) ? start - 2 : start - 1;
                drop(out, start, end);
                out[start] = PRIOR;
                replaced[start] = true;
            } else if (TWO_WORD_PREPOSITIONS.contains(two)) {
                phraseStart = start - 2;
                drop(out, phraseStart, end);
            } else if (PREPOSITIONS.contains(one)) {
                phraseStart = start - 1;
                drop(out, phraseStart, end);
            } else if (start < i) {
                phraseStart = start;
                drop(out, phraseStart, end);
            } else {
                phraseStart = i;
            }
            phraseEnd[phraseStart] = end;
            i = end - 1;
        }
    }

    /** Rule 4: from a communication verb to the end of the clause holding its last marker, and "when/how" clauses after. */
    private static void dropCommunication(final List<Token> tokens, final int n, final String[] out) {
        int verb = -1;
        for (int i = 0; i < n && verb < 0; i++) {
            final String word = tokens.get(i).word();
            if (COMMUNICATION_VERBS.contains(word)
                    || (i + 1 < n && COMMUNICATION_PHRASES.contains(word + " " + tokens.get(i + 1).word()))) {
                verb = i;
            }
        }
        if (verb < 0) {
            return;
        }
        int cut = verb;
        while (cut > 0 && AUXILIARIES.contains(tokens.get(cut - 1).word())) {
            cut--;
        }
        int lastMarker = verb;
        for (int i = verb; i < n; i++) {
            lastMarker = tokens.get(i).marker() ? i : lastMarker;
        }
        int end = nextBoundary(tokens, n, lastMarker);
        while (end < n) {
            final int next = nextBoundary(tokens, n, end + 1);
            if (hasContent(tokens, end + 1, next, out)) {
                break;
            }
            end = next;
        }
        drop(out, cut, end);
    }

    /** Rule 5: clauses that carried a marker and have no content word left are dropped. */
    private static void dropClausesWithoutContent(final List<Token> tokens, final int n, final String[] out,
                                                  final int[] phraseEnd) {
        int start = 0;
        while (start < n) {
            int end = start;
            while (end < n && !(out[end] != null && tokens.get(end).isClauseBoundary())) {
                end++;
            }
            if (phraseEnd[start] > start && phraseEnd[start] < end) {
                end = phraseEnd[start];
            }
            boolean hadMarker = false;
            for (int i = start; i < end; i++) {
                hadMarker |= tokens.get(i).marker();
            }
            if (hadMarker && !hasContent(tokens, start, end, out)) {
                drop(out, start, end < n && tokens.get(end).isClauseBoundary() ? end + 1 : end);
            }
            start = end < n && tokens.get(end).isClauseBoundary() ? end + 1 : end;
        }
    }

    /** Index of the first clause boundary at or after {@code from}, or {@code n}. */
    private static int nextBoundary(final List<Token> tokens, final int n, final int from) {
        int index = from;
        while (index < n && !tokens.get(index).isClauseBoundary()) {
            index++;
        }
        return index;
    }

    /** Whether a kept token in [from, to) is a word that says something about the image (markers do not). */
    private static boolean hasContent(final List<Token> tokens, final int from, final int to, final String[] out) {
        for (int i = from; i < to; i++) {
            if (out[i] == null || tokens.get(i).marker() || tokens.get(i).isPunctuation()) {
                continue;
            }
            final String word = out[i].toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
            if (!WITHOUT_CONTENT.contains(word) && !word.matches("[\\d:./-]+")) {
                return true;
            }
        }
        return false;
    }

    private static void drop(final String[] out, final int from, final int to) {
        for (int i = from; i < to; i++) {
            out[i] = null;
        }
    }

    /** The kept tokens with their original spacing, without clause boundaries or conjunctions left dangling. */
    private static String join(final List<Token> tokens, final int n, final String[] out, final boolean[] replaced) {
        final List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (out[i] == null) {
                continue;
            }
            final boolean boundary = tokens.get(i).isClauseBoundary() || tokens.get(i).text().equals(":");
            if (boundary && (kept.isEmpty() || isBoundary(tokens.get(kept.get(kept.size() - 1))))) {
                continue;
            }
            if (kept.isEmpty() && Set.of("and", "or", "but").contains(tokens.get(i).word())) {
                continue;
            }
            kept.add(i);
        }
        while (!kept.isEmpty() && isDangling(tokens.get(kept.get(kept.size() - 1)))) {
            kept.remove(kept.size() - 1);
        }
        final StringBuilder text = new StringBuilder();
        int previousEnd = -1;
        for (final int i : kept) {
            final Token token = tokens.get(i);
            final boolean attached = Set.of(",", ";", ":", ")", ".").contains(token.text())
                    || (token.start() == previousEnd && !replaced[i]);
            if (!text.isEmpty() && !attached) {
                text.append(' ');
            }
            text.append(out[i]);
            previousEnd = token.end();
        }
        return text.toString();
    }

    private static boolean isBoundary(final Token token) {
        return token.isClauseBoundary() || token.text().equals(":");
    }

    private static boolean isDangling(final Token token) {
        return isBoundary(token) || Set.of("and", "or", "but", "with", "-").contains(token.word());
    }

    /**
     * Deletes markers still left, makes spaces single, upper-cases the first letter and ends with {@code terminator};
     * empty when no letter or digit is left.
     */
    private String tidy(final String text, final String terminator) {
        String tidied = remover.rewrite(text).text().replaceAll("\\s+", " ").strip();
        tidied = tidied.replaceAll("^[\\s,;:.]+", "").replaceAll("[\\s,;:]+$", "");
        if (tidied.chars().noneMatch(Character::isLetterOrDigit)) {
            return "";
        }
        if (Character.isLowerCase(tidied.charAt(0))) {
            tidied = Character.toUpperCase(tidied.charAt(0)) + tidied.substring(1);
        }
        final char last = tidied.charAt(tidied.length() - 1);
        return last == '.' || last == '?' || last == '!' ? tidied : tidied + terminator;
    }
}
