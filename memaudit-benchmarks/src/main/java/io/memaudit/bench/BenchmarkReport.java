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
 * Runs the marker engine, the naive baseline and the CLI benchmarks in one JMH run and prints MB/s (records/s for short
 * records) and the ratio to each row's baseline as Markdown tables (docs/performance.md's figures come from here).
 *
 * <p>{@code java -jar memaudit-benchmarks/target/benchmarks.jar [--quick] [--short]}: {@code --short} runs the
 * short-record benchmarks only.
 */
public final class BenchmarkReport {

    private BenchmarkReport() {
    }

    public static void main(final String[] args) throws Exception {
        final boolean quick = List.of(args).contains("--quick");
        final boolean shortOnly = List.of(args).contains("--short");
        final ChainedOptionsBuilder options = new OptionsBuilder()
                .include(ShortRecordBenchmark.class.getName())
                .include(ShortRecordRewriteBenchmark.class.getName())
                .forks(1)
                .threads(1)
                .warmupIterations(quick ? 1 : 3)
                .warmupTime(TimeValue.seconds(quick ? 1 : 3))
                .measurementIterations(quick ? 2 : 5)
                .measurementTime(TimeValue.seconds(quick ? 1 : 3))
                .jvmArgsAppend("-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch", "--enable-native-access=ALL-UNNAMED");
        if (!shortOnly) {
            options.include(MarkerEngineBenchmark.class.getName())
                    .include(NaiveRegexBaseline.class.getName())
                    .include(CliBenchmark.class.getName())
                    .include(TextTreeBenchmark.class.getName());
        }
        final Collection<RunResult> all = new Runner(options.build()).run();
        final List<RunResult> shortResults = all.stream()
                .filter(result -> result.getParams().getBenchmark().contains(".ShortRecord")).toList();
        printShortRecords(shortResults);
        if (shortOnly) {
            return;
        }
        final List<RunResult> results = all.stream()
                .filter(result -> !result.getParams().getBenchmark().contains(".ShortRecord")).toList();

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

    /** Short records: records/s and MB/s, each row against its baseline (the naive regex, or the same work on 1 thread). */
    private static void printShortRecords(final List<RunResult> results) {
        final long[] size = ShortRecordRewriteBenchmark.size();
        final long records = size[0];
        final long bytes = size[1];
        System.out.printf(Locale.ROOT, "%n%s; short records: %,d records, %.1f MB of JSON Lines (%d bytes a record),"
                        + " %d processors%n%n", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                records, bytes / 1e6, bytes / records, Runtime.getRuntime().availableProcessors());
        System.out.println("| short records | threads | ms/op | records/s | MB/s | x its baseline |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        final java.util.Map<String, Double> scores = new java.util.HashMap<>();
        for (final RunResult result : results) {
            scores.put(key(result), result.getPrimaryResult().getScore());
        }
        for (final RunResult result : results) {
            final String name = result.getParams().getBenchmark();
            final String method = name.substring(name.lastIndexOf('.') + 1);
            final String threads = result.getParams().getParam("threads");
            final String label = switch (method) {
                case "engine" -> "marker engine over the prompts";
                case "naiveRegex" -> "naive regex replaceAll over the prompts (baseline)";
                case "jsonLinesInMemory" -> "JSON Lines rewrite, memory to memory";
                case "cliRandomize" -> "CLI randomize, file to file, warm JVM";
                default -> method;
            };
            final String baselineKey = switch (method) {
                case "engine", "naiveRegex" -> "naiveRegex/-";
                default -> method + "/1";
            };
            final double score = result.getPrimaryResult().getScore();
            System.out.printf(Locale.ROOT, "| %s | %s | %.1f ± %.1f | %,.0f | %.0f | %.2f |%n", label,
                    threads == null ? "1" : threads, score, result.getPrimaryResult().getScoreError(), records / (score / 1000.0),
                    bytes / 1e6 / (score / 1000.0), scores.getOrDefault(baselineKey, Double.NaN) / score);
        }
    }

    private static String key(final RunResult result) {
        final String name = result.getParams().getBenchmark();
        final String threads = result.getParams().getParam("threads");
        return name.substring(name.lastIndexOf('.') + 1) + "/" + (threads == null ? "-" : threads);
    }

    private static double megabytesPerSecond(final long bytes, final RunResult result) {
        return bytes / 1e6 / (result.getPrimaryResult().getScore() / 1000.0);
    }
}
