package io.memaudit.bench;

import io.memaudit.core.markers.MarkerRewriter;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
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
 * Short records (MIMIC-CXR impressions, {@link ShortRecords}: about 147 bytes of JSON and 1.2 markers a record), 50 MB
 * of them: the marker engine over the prompts against the naive regex on the same prompts, one thread. One operation =
 * every prompt once. {@link ShortRecordRewriteBenchmark} measures the JSON Lines rewrite and the CLI on them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ShortRecordBenchmark {
    static final long BYTES = 50_000_000L;
    private static final Pattern MARKER = Pattern.compile("_{3,}");
    private static final char[] ALPHABET = MarkerRewriter.DEFAULT_TAG_ALPHABET.toCharArray();

    private List<String> prompts;
    private MarkerRewriter rewriter;

    @Setup(Level.Trial)
    public void setUp() {
        prompts = ShortRecords.lines(BYTES, ShortRecords.SEED).stream()
                .map(line -> line.substring(line.indexOf("\"prompt\":\"") + 10, line.length() - 2)).toList();
        rewriter = MarkerRewriter.builder().seed(7L).build();
    }

    /** The engine alone over every prompt. */
    @Benchmark
    public void engine(final Blackhole blackhole) {
        for (final String prompt : prompts) {
            blackhole.consume(rewriter.rewrite(prompt).text());
        }
    }

    /** {@code Pattern.compile("_{3,}").matcher(s).replaceAll(random tag)} over every prompt: the engine's baseline. */
    @Benchmark
    public void naiveRegex(final Blackhole blackhole) {
        for (final String prompt : prompts) {
            blackhole.consume(MARKER.matcher(prompt).replaceAll(match -> randomTag()));
        }
    }

    private static String randomTag() {
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        final char[] tag = new char[MarkerRewriter.DEFAULT_TAG_LENGTH];
        for (int i = 0; i < tag.length; i++) {
            tag[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(tag);
    }
}
