package io.memaudit.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the marker engine, the naive baseline and the CLI benchmarks in one JMH run, single-threaded, and prints MB/s and
 * the ratio to the baseline as a Markdown table (the README's figures come from here).
 *
 * <p>{@code java -jar memaudit-benchmarks/target/benchmarks.jar [--quick]}
 */
public final class BenchmarkReport {

    private BenchmarkReport() {
    }

    public static void main(final String[] args) throws Exception {
        final boolean quick = List.of(args).contains("--quick");
        final ChainedOptionsBuilder options = new OptionsBuilder()
                .include(MarkerEngineBenchmark.class.getName())
                .include(NaiveRegexBaseline.class.getName())
                .include(CliBenchmark.class.getName())
                .forks(1)
                .threads(1)
                .warmupIterations(quick ? 1 : 3)
                .warmupTime(TimeValue.seconds(quick ? 1 : 3))
                .measurementIterations(quick ? 2 : 5)
                .measurementTime(TimeValue.seconds(quick ? 1 : 3))
                .jvmArgsAppend("-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch", "--enable-native-access=ALL-UNNAMED");
        final Collection<RunResult> results = new Runner(options.build()).run();

        final long corpusBytes = new ReportCorpus(ReportCorpus.DEFAULT_BYTES).bytes;
        final Path jsonLines = Files.createTempFile("memaudit-bench", ".jsonl");
        final long jsonLinesBytes;
        try {
            jsonLinesBytes = CliBenchmark.writeInput(jsonLines);
        } finally {
            Files.delete(jsonLines);
        }
        final double baselineMegabytesPerSecond = results.stream()
                .filter(result -> result.getParams().getBenchmark().endsWith("NaiveRegexBaseline.replaceAll"))
                .mapToDouble(result -> megabytesPerSecond(corpusBytes, result)).findFirst().orElse(Double.NaN);

        System.out.printf(Locale.ROOT, "%n%s, %d-thread runs; corpus %.1f MB of synthetic reports; JSON Lines file %.1f MB%n%n",
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), 1, corpusBytes / 1e6,
                jsonLinesBytes / 1e6);
        System.out.println("| benchmark | ms/op | MB/s | x naive regex |");
        System.out.println("|---|---:|---:|---:|");
        for (final RunResult result : results) {
            final String name = result.getParams().getBenchmark();
            final boolean cli = name.contains("CliBenchmark");
            final String label = name.endsWith("MarkerEngineBenchmark.engine")
                    ? "engine " + result.getParams().getParam("strategy")
                    : cli ? "CLI randomize JSON Lines (random-tag, file to file)" : "naive regex replaceAll (baseline)";
            final double rate = megabytesPerSecond(cli ? jsonLinesBytes : corpusBytes, result);
            System.out.printf(Locale.ROOT, "| %s | %.1f ± %.1f | %.0f | %s |%n", label, result.getPrimaryResult().getScore(),
                    result.getPrimaryResult().getScoreError(), rate,
                    cli ? "n/a" : String.format(Locale.ROOT, "%.2f", rate / baselineMegabytesPerSecond));
        }
    }

    private static double megabytesPerSecond(final long bytes, final RunResult result) {
        return bytes / 1e6 / (result.getPrimaryResult().getScore() / 1000.0);
    }
}
