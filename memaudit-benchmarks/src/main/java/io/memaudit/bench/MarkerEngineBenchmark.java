package io.memaudit.bench;

import io.memaudit.core.markers.MarkerRewriter;
import io.memaudit.core.markers.MarkerStrategy;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The marker engine over the whole corpus (one operation = every report once, single thread), per strategy, seeded (so
 * the per-record seed derivation is included). Compare with {@link NaiveRegexBaseline}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MarkerEngineBenchmark {
    @Param({"random-tag", "typed-surrogate", "remove", "fixed"})
    public String strategy;

    private ReportCorpus corpus;
    private MarkerRewriter rewriter;

    @Setup(Level.Trial)
    public void setUp() {
        corpus = new ReportCorpus(ReportCorpus.DEFAULT_BYTES);
        rewriter = MarkerRewriter.builder().strategy(MarkerStrategy.fromName(strategy)).seed(7L).build();
    }

    @Benchmark
    public void engine(final Blackhole blackhole) {
        for (final String report : corpus.reports) {
            blackhole.consume(rewriter.rewrite(report).text());
        }
    }
}
