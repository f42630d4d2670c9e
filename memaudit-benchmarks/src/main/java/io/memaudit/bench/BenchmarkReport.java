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
                .include(TextTreeBenchmark.class.getName())
                .forks(1)
                .threads(1)
                .warmupIterations(quick ? 1 : 3)
                .warmupTime(TimeValue.seconds(quick ? 1 : 3))
                .measurementIterations(quick ? 2 : 5)
                .measurementTime(TimeValue.seconds(quick ? 1 : 3))
                .jvmArgsAppend("-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch", "--enable-native-access=ALL-UNNAMED");
        final Collection<RunResult> results = new Runner(options.build()).run();

        final long corpusBytes = new ReportCorpus(ReportCorpus.DEFAULT_BYTES).bytes;
        final Path scratch = Files.createTempDirectory("memaudit-bench");
        final long jsonLinesBytes;
        final long treeBytes;
        try {
            jsonLinesBytes = CliBenchmark.writeInput(scratch.resolve("reports.jsonl"));
            treeBytes = TextTreeBenchmark.writeTree(scratch.resolve("tree"));
        } finally {
            try (var paths = Files.walk(scratch)) {
                for (final Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        final double baselineMegabytesPerSecond = results.stream()
                .filter(result -> result.getParams().getBenchmark().endsWith("NaiveRegexBaseline.replaceAll"))
                .mapToDouble(result -> megabytesPerSecond(corpusBytes, result)).findFirst().orElse(Double.NaN);

        System.out.printf(Locale.ROOT, "%n%s, %d-thread runs; corpus %.1f MB of synthetic reports; JSON Lines file %.1f MB;"
                        + " tree of .txt reports %.1f MB of report text%n%n",
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), 1, corpusBytes / 1e6,
                jsonLinesBytes / 1e6, treeBytes / 1e6);
        final double treeCopyMegabytesPerSecond = results.stream()
                .filter(result -> result.getParams().getBenchmark().endsWith("copyTreeBaseline"))
                .mapToDouble(result -> megabytesPerSecond(treeBytes, result)).findFirst().orElse(Double.NaN);
        System.out.println("| benchmark | ms/op | MB/s | x its baseline |");
        System.out.println("|---|---:|---:|---:|");
        for (final RunResult result : results) {
            final String name = result.getParams().getBenchmark();
            final boolean cli = name.contains("CliBenchmark");
            final boolean tree = name.contains("TextTreeBenchmark");
            final String label = name.endsWith("MarkerEngineBenchmark.engine")
                    ? "engine " + result.getParams().getParam("strategy")
                    : name.endsWith("randomizeTextTree") ? "CLI randomize, plain-text mode: " + TextTreeBenchmark.REPORTS + " .txt files"
                    : name.endsWith("copyTreeBaseline") ? "copy the same .txt tree (file-system baseline)"
                    : cli ? "CLI randomize, record mode: one JSON Lines file" : "naive regex replaceAll (baseline)";
            final double rate = megabytesPerSecond(tree ? treeBytes : cli ? jsonLinesBytes : corpusBytes, result);
            final double baseline = tree ? treeCopyMegabytesPerSecond : baselineMegabytesPerSecond;
            System.out.printf(Locale.ROOT, "| %s | %.1f ± %.1f | %.0f | %s |%n", label, result.getPrimaryResult().getScore(),
                    result.getPrimaryResult().getScoreError(), rate,
                    cli ? "n/a" : String.format(Locale.ROOT, "%.2f", rate / baseline));
        }
    }

    private static double megabytesPerSecond(final long bytes, final RunResult result) {
        return bytes / 1e6 / (result.getPrimaryResult().getScore() / 1000.0);
    }
}
