package io.memaudit.bench;

import io.memaudit.core.markers.MarkerRewriter;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The baseline the engine is measured against: {@code Pattern.compile("_{3,}").matcher(s).replaceAll(...)} drawing a random
 * tag of the engine's default alphabet and length per match, over the same corpus.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class NaiveRegexBaseline {
    private static final Pattern MARKER = Pattern.compile("_{3,}");
    private static final char[] ALPHABET = MarkerRewriter.DEFAULT_TAG_ALPHABET.toCharArray();

    private ReportCorpus corpus;
    private SplittableRandom random;

    @Setup(Level.Trial)
    public void setUp() {
        corpus = new ReportCorpus(ReportCorpus.DEFAULT_BYTES);
        random = new SplittableRandom(7L);
    }

    @Benchmark
    public void replaceAll(final Blackhole blackhole) {
        for (final String report : corpus.reports) {
            blackhole.consume(MARKER.matcher(report).replaceAll(match -> randomTag()));
        }
    }

    private String randomTag() {
        final char[] tag = new char[MarkerRewriter.DEFAULT_TAG_LENGTH];
        for (int i = 0; i < tag.length; i++) {
            tag[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(tag);
    }
}
