package io.memaudit.cli;

import io.memaudit.core.markers.MarkerDialect;
import io.memaudit.core.markers.MarkerRewriter;
import io.memaudit.core.markers.MarkerStrategy;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Command-line options that configure the marker engine; shared by every command that rewrites text. */
final class MarkerOptions {

    @Option(names = "--dialect", split = ",", paramLabel = "NAME", defaultValue = "mimic-cxr",
            converter = DialectConverter.class,
            description = "Marker dialects, comma-separated: mimic-cxr (___), mimic-notes ([** **]), open-i (XXXX), "
                    + "tags ([REDACTED], <PERSON>), custom (needs --pattern). Default: ${DEFAULT-VALUE}.")
    List<MarkerDialect> dialects;

    @Option(names = "--pattern", paramLabel = "REGEX",
            description = "A Java regular expression whose every non-empty match is a marker (adds the custom dialect).")
    String customPattern;

    @Option(names = "--strategy", paramLabel = "NAME", defaultValue = "random-tag", converter = StrategyConverter.class,
            description = "random-tag | typed-surrogate | remove | fixed. Default: ${DEFAULT-VALUE}.")
    MarkerStrategy strategy;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed for reproducible output (each record's randomness comes from the seed, the key and the text). "
                    + "Without it, SecureRandom.")
    Long seed;

    @Option(names = "--tag-alphabet", paramLabel = "CHARS", defaultValue = MarkerRewriter.DEFAULT_TAG_ALPHABET,
            description = "Characters random tags are drawn from. Default: ${DEFAULT-VALUE}.")
    String tagAlphabet;

    @Option(names = "--tag-length", paramLabel = "N", defaultValue = "" + MarkerRewriter.DEFAULT_TAG_LENGTH,
            description = "Length of each random tag (1-64). Default: ${DEFAULT-VALUE}.")
    int tagLength;

    @Option(names = "--fixed", paramLabel = "TEXT", defaultValue = MarkerRewriter.DEFAULT_FIXED_REPLACEMENT,
            description = "Replacement for --strategy fixed. Default: ${DEFAULT-VALUE}.")
    String fixedReplacement;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** @throws picocli.CommandLine.ParameterException naming the bad option value */
    MarkerRewriter rewriter() {
        final Pattern pattern;
        try {
            pattern = customPattern == null ? null : Pattern.compile(customPattern);
        } catch (final PatternSyntaxException e) {
            throw new ParameterException(spec.commandLine(), "--pattern is not a valid regular expression: " + e.getDescription());
        }
        return OptionChecks.option(spec, "marker options", () -> MarkerRewriter.builder()
                .dialects(dialects.isEmpty() ? EnumSet.noneOf(MarkerDialect.class) : EnumSet.copyOf(dialects))
                .customPattern(pattern)
                .strategy(strategy)
                .tagAlphabet(tagAlphabet)
                .tagLength(tagLength)
                .fixedReplacement(fixedReplacement)
                .seed(seed)
                .build());
    }

    /** One line saying how the text was rewritten, for summaries and provenance. */
    String describe() {
        return "strategy " + strategy.displayName() + ", dialects "
                + String.join(",", dialects.stream().map(MarkerDialect::displayName).toList())
                + (customPattern == null ? "" : ", pattern " + customPattern)
                + (seed == null ? ", no seed (SecureRandom)" : ", seed " + seed);
    }

    static final class DialectConverter implements picocli.CommandLine.ITypeConverter<MarkerDialect> {
        @Override
        public MarkerDialect convert(final String value) {
            return MarkerDialect.fromName(value);
        }
    }

    static final class StrategyConverter implements picocli.CommandLine.ITypeConverter<MarkerStrategy> {
        @Override
        public MarkerStrategy convert(final String value) {
            return MarkerStrategy.fromName(value);
        }
    }
}
