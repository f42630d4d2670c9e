package io.memaudit.core.markers;

import io.memaudit.core.random.RecordSeeds;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * Replaces the de-identification markers of a text according to a {@link MarkerStrategy}.
 *
 * <p>Everything outside the marker spans is kept exactly as it was (the {@code remove} strategy alone also tidies the
 * whitespace and punctuation a deleted marker leaves behind). With a seed, the randomness for a record is derived from the
 * seed, the record key and the text alone, so a record is rewritten the same way whatever the thread count, batch split or
 * record order; without a seed, each record draws its stream from {@link SecureRandom}.
 *
 * <p>Immutable and thread-safe: build one and share it.
 */
public final class MarkerRewriter {
    /** Default symbols for random tags: upper-case letters and digits. */
    public static final String DEFAULT_TAG_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    /** Default random tag length: 36^6 ≈ 2.2 billion distinct tags. */
    public static final int DEFAULT_TAG_LENGTH = 6;
    /** Default replacement for the {@code fixed} strategy. */
    public static final String DEFAULT_FIXED_REPLACEMENT = "[REDACTED]";

    private static final SecureRandom SECURE_RANDOM = new SecureRandom();

    private final MarkerFinder finder;
    private final MarkerStrategy strategy;
    private final char[] tagAlphabet;
    private final int tagLength;
    private final String fixedReplacement;
    private final Long seed;
    private final boolean inferKinds;

    private MarkerRewriter(final Builder builder) {
        this.finder = MarkerFinder.of(builder.dialects, builder.customPattern);
        this.strategy = builder.strategy;
        this.tagAlphabet = builder.tagAlphabet.toCharArray();
        this.tagLength = builder.tagLength;
        this.fixedReplacement = builder.fixedReplacement;
        this.seed = builder.seed;
        this.inferKinds = builder.inferKinds || strategy == MarkerStrategy.TYPED_SURROGATE;
    }

    public static Builder builder() {
        return new Builder();
    }

    public MarkerFinder finder() {
        return finder;
    }

    public MarkerStrategy strategy() {
        return strategy;
    }

    /** Whether each {@link MarkerSpan} carries an inferred {@link MarkerKind} (always for typed-surrogate). */
    public boolean infersKinds() {
        return inferKinds;
    }

    /** Rewrites {@code text} with no record key: its randomness then depends on the seed and the text only. */
    public RewriteResult rewrite(final String text) {
        return rewrite(text, null);
    }

    /**
     * Rewrites {@code text}.
     *
     * @param recordKey an identifier of the record (e.g. an image path) mixed into its seed so that identical texts in
     *                  different records get different replacements; {@code null} for none
     */
    public RewriteResult rewrite(final String text, final String recordKey) {
        Objects.requireNonNull(text, "text");
        final MarkerFinder.Scan scan = finder.scan(text);
        if (!scan.next()) {
            return new RewriteResult(text, List.of());
        }
        final SplittableRandom random = newRandom(text, recordKey);
        final StringBuilder out = new StringBuilder(text.length() + 16);
        final List<MarkerSpan> spans = new ArrayList<>(4);
        int copied = 0;
        MarkerKind previousKind = null;
        int previousEnd = -1;
        do {
            final int start = scan.start();
            final int end = scan.end();
            final MarkerKind kind = inferKinds ? MarkerContext.infer(text, start, end,
                    previousEnd >= 0 && MarkerContext.joinsMarkers(text, previousEnd, start) ? previousKind : null) : null;
            final String replacement;
            if (strategy == MarkerStrategy.REMOVE) {
                replacement = "";
                copied = removeTidily(text, copied, start, end, out);
            } else {
                replacement = replacement(kind, random, text, start, end);
                out.append(text, copied, start).append(replacement);
                copied = end;
            }
            spans.add(new MarkerSpan(start, end, scan.dialect(), kind, replacement));
            previousKind = kind;
            previousEnd = end;
        } while (scan.next());
        out.append(text, copied, text.length());
        return new RewriteResult(out.toString(), spans);
    }

    private String replacement(final MarkerKind kind, final SplittableRandom random, final String text, final int start,
                               final int end) {
        return switch (strategy) {
            case RANDOM_TAG -> randomTag(random);
            case TYPED_SURROGATE -> {
                final String surrogate = Surrogates.draw(kind, random, text, start, end);
                yield surrogate == null ? randomTag(random) : surrogate;
            }
            case FIXED -> fixedReplacement;
            case REMOVE -> "";
        };
    }

    private String randomTag(final SplittableRandom random) {
        final char[] tag = new char[tagLength];
        for (int i = 0; i < tagLength; i++) {
            tag[i] = tagAlphabet[random.nextInt(tagAlphabet.length)];
        }
        return new String(tag);
    }

    private SplittableRandom newRandom(final String text, final String recordKey) {
        if (seed == null) {
            return new SplittableRandom(SECURE_RANDOM.nextLong());
        }
        return new SplittableRandom(RecordSeeds.derive(seed, recordKey, text));
    }

    /**
     * Appends text[copied, start) minus what the deletion of [start, end) makes redundant, and returns where copying
     * resumes. Tidying: an enclosing pair such as "(___)" goes with the marker, a joining hyphen ("___-year-old") too, no
     * double space, no space before punctuation, no separator left dangling at the start of a line or list.
     */
    private static int removeTidily(final String text, final int copied, final int start, final int end, final StringBuilder out) {
        final int length = text.length();
        int from = start;
        int to = end;
        if (from - 1 >= copied && to < length && isEnclosingPair(text.charAt(from - 1), text.charAt(to))) {
            from--;
            to++;
        } else if (to + 1 < length && text.charAt(to) == '-' && Character.isLetterOrDigit(text.charAt(to + 1))) {
            to++;
        }
        out.append(text, copied, from);
        final char before = lastChar(out);
        final char after = to < length ? text.charAt(to) : '\n';
        if (MarkerContext.isHorizontalSpace(after)) {
            if (MarkerContext.isHorizontalSpace(before) || isLineBreak(before) || "([{".indexOf(before) >= 0) {
                to = skipHorizontalSpace(text, to);
            }
        } else if (isLineBreak(after) || ".,;:!?)]}".indexOf(after) >= 0) {
            trimTrailingHorizontalSpace(out);
            final char kept = lastChar(out);
            if ((after == ',' || after == ';') && (isLineBreak(kept) || "([{,;:".indexOf(kept) >= 0)) {
                to = skipHorizontalSpace(text, to + 1);
            } else if (after == '.' && kept == ':') {
                out.setLength(out.length() - 1);
            }
        }
        return to;
    }

    private static boolean isEnclosingPair(final char open, final char close) {
        return switch (open) {
            case '(' -> close == ')';
            case '[' -> close == ']';
            case '{' -> close == '}';
            case '"' -> close == '"';
            case '\'' -> close == '\'';
            case '\u201C' -> close == '\u201D';
            case '\u2018' -> close == '\u2019';
            case '\u00AB' -> close == '\u00BB';
            default -> false;
        };
    }

    /** The last character appended, or a line break at the very start (the start of a text behaves like a new line). */
    private static char lastChar(final StringBuilder out) {
        return out.isEmpty() ? '\n' : out.charAt(out.length() - 1);
    }

    private static boolean isLineBreak(final char c) {
        return c == '\n' || c == '\r';
    }

    private static int skipHorizontalSpace(final String text, final int from) {
        int index = from;
        while (index < text.length() && MarkerContext.isHorizontalSpace(text.charAt(index))) {
            index++;
        }
        return index;
    }

    private static void trimTrailingHorizontalSpace(final StringBuilder out) {
        int length = out.length();
        while (length > 0 && MarkerContext.isHorizontalSpace(out.charAt(length - 1))) {
            length--;
        }
        out.setLength(length);
    }

    /** Options for a {@link MarkerRewriter}; every setter checks its argument and names the bad value. */
    public static final class Builder {
        private Set<MarkerDialect> dialects = EnumSet.of(MarkerDialect.MIMIC_CXR);
        private Pattern customPattern;
        private MarkerStrategy strategy = MarkerStrategy.RANDOM_TAG;
        private String tagAlphabet = DEFAULT_TAG_ALPHABET;
        private int tagLength = DEFAULT_TAG_LENGTH;
        private String fixedReplacement = DEFAULT_FIXED_REPLACEMENT;
        private Long seed;
        private boolean inferKinds;

        private Builder() {
        }

        /** Dialects to recognise (default: MIMIC-CXR). */
        public Builder dialects(final Set<MarkerDialect> dialects) {
            this.dialects = Objects.requireNonNull(dialects, "dialects");
            return this;
        }

        /** A user-supplied marker expression (adds the custom dialect); {@code null} for none. */
        public Builder customPattern(final Pattern customPattern) {
            this.customPattern = customPattern;
            return this;
        }

        public Builder strategy(final MarkerStrategy strategy) {
            this.strategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /**
         * Symbols random tags are drawn from: at least two distinct characters, no whitespace and no underscore (an
         * underscore run could form a new MIMIC-CXR marker).
         */
        public Builder tagAlphabet(final String tagAlphabet) {
            Objects.requireNonNull(tagAlphabet, "tagAlphabet");
            if (tagAlphabet.chars().distinct().count() < 2) {
                throw new IllegalArgumentException("Tag alphabet '" + tagAlphabet + "' needs at least two distinct characters");
            }
            for (int i = 0; i < tagAlphabet.length(); i++) {
                final char c = tagAlphabet.charAt(i);
                if (Character.isWhitespace(c) || c == '_' || Character.isSurrogate(c)) {
                    throw new IllegalArgumentException("Tag alphabet '" + tagAlphabet + "' contains '" + c
                            + "' at index " + i + ": use visible characters other than '_' (no whitespace, no surrogate pairs)");
                }
            }
            this.tagAlphabet = tagAlphabet;
            return this;
        }

        /** Length of each random tag, 1 to 64. */
        public Builder tagLength(final int tagLength) {
            if (tagLength < 1 || tagLength > 64) {
                throw new IllegalArgumentException("Tag length " + tagLength + " is out of range: use 1 to 64");
            }
            this.tagLength = tagLength;
            return this;
        }

        /** The string every marker becomes under the {@code fixed} strategy. */
        public Builder fixedReplacement(final String fixedReplacement) {
            this.fixedReplacement = Objects.requireNonNull(fixedReplacement, "fixedReplacement");
            return this;
        }

        /** Seed for reproducible output; {@code null} draws every record's randomness from SecureRandom. */
        public Builder seed(final Long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Whether to infer each marker's kind for strategies that do not need it (typed-surrogate always does). Off by
         * default: inference reads the words around every marker and costs throughput.
         */
        public Builder inferKinds(final boolean inferKinds) {
            this.inferKinds = inferKinds;
            return this;
        }

        /** @throws IllegalArgumentException when the dialect selection is unusable (see {@link MarkerFinder#of}) */
        public MarkerRewriter build() {
            return new MarkerRewriter(this);
        }
    }
}
