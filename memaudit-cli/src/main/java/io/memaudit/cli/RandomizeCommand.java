package io.memaudit.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.core.provenance.Provenance;
import io.memaudit.core.io.DatasetFiles;
import io.memaudit.core.io.MalformedDatasetException;
import io.memaudit.core.markers.MarkerKind;
import io.memaudit.dataset.DatasetFormat;
import io.memaudit.dataset.MarkerTransform;
import io.memaudit.dataset.RewriteOptions;
import io.memaudit.dataset.RewriteStatistics;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "randomize", mixinStandardHelpOptions = true,
        description = {
                "Replace the de-identification markers in the text field of a JSON Lines or CSV dataset, in a plain-text file (one "
                        + "report), or in every .txt file under a directory (e.g. MIMIC-CXR's files/ tree). Formats are told apart "
                        + "by extension.",
                "Every record and field is kept; the count of markers found is added to each record. The output appears "
                        + "only when complete, next to a <out>.memaudit.json provenance file. In a directory, each file's path "
                        + "relative to --in is its record key."},
        footer = {"", "Example:", "  memaudit randomize --in captions.csv --out captions-rt.csv --field prompt --seed 7 --key-field image"})
final class RandomizeCommand implements Callable<Integer> {
    private static final long PROGRESS_THRESHOLD_BYTES = 16L << 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "PATH",
            description = "Input dataset (.jsonl, .ndjson, .json, .csv), report (.txt) or directory of .txt reports.")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "PATH",
            description = "Output file (same format as the input) or, for a directory input, a new directory.")
    Path output;

    @Option(names = "--field", paramLabel = "NAME", defaultValue = "prompt",
            description = "Top-level field (JSON) or column (CSV) holding the text. Default: ${DEFAULT-VALUE}.")
    String field;

    @Option(names = "--key-field", paramLabel = "NAME",
            description = "Field or column with a per-record id (e.g. image path) mixed into the seed, so repeated captions "
                    + "get different replacements.")
    String keyField;

    @Option(names = "--count-field", paramLabel = "NAME", defaultValue = MarkerTransform.DEFAULT_COUNT_FIELD,
            description = "Field or column that receives the marker count. Default: ${DEFAULT-VALUE}.")
    String countField;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads rewriting records of a JSON Lines or CSV file at once; the output is the same bytes "
                    + "whatever the count. Default: the available processors (${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Mixin
    ProgressOption progress;

    @Mixin
    MarkerOptions markers;

    @Override
    public Integer call() throws Exception {
        if (Files.isDirectory(input)) {
            return randomizeTree();
        }
        if (!Files.isRegularFile(input)) {
            throw new ParameterException(spec.commandLine(), "--in: not a readable file or directory");
        }
        OptionChecks.require(spec, !(Files.exists(output) && Files.isSameFile(input, output)), "--out",
                "must differ from --in (" + input + "): the input is read while writing");
        final DatasetFormat format = OptionChecks.option(spec, "--in", () -> DatasetFormat.of(input));
        OptionChecks.require(spec, OptionChecks.option(spec, "--out", () -> DatasetFormat.of(output)) == format, "--out",
                output + " must have the same format as --in " + input);
        OptionChecks.require(spec, threads >= 1, "--threads", "must be at least 1, was " + threads);
        final MarkerTransform transform = new MarkerTransform(markers.rewriter(), countField);
        final RewriteOptions options = OptionChecks.option(spec, "--field", () -> new RewriteOptions(field, keyField, transform, threads));
        final long size = Files.size(input);
        final boolean showProgress = progress.show(size >= PROGRESS_THRESHOLD_BYTES);
        final long started = System.nanoTime();
        DatasetFiles.writeAtomically(output, out -> {
            try (InputStream raw = Files.newInputStream(input);
                 DatasetFiles.CountingInputStream in = new DatasetFiles.CountingInputStream(raw);
                 AutoCloseable bar = ProgressBar.start(showProgress, "randomize", size, in::count, ProgressBar.Unit.BYTES)) {
                format.rewriter(options).rewrite(in, out);
            }
            return null;
        });
        return finish(transform.statistics(), size, started);
    }

    /** Every .txt file under --in, rewritten into the same relative path under a new --out directory. */
    private int randomizeTree() throws Exception {
        final Map<Path, Long> reports = new TreeMap<>();
        Files.walkFileTree(input, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attributes) {
                if (attributes.isRegularFile() && file.toString().endsWith(".txt")) {
                    reports.put(file, attributes.size());
                }
                return FileVisitResult.CONTINUE;
            }
        });
        final long size = reports.values().stream().mapToLong(Long::longValue).sum();
        final MarkerTransform transform = new MarkerTransform(markers.rewriter(), countField);
        final RewriteOptions options = OptionChecks.option(spec, "--field", () -> new RewriteOptions(field, keyField, transform));
        OptionChecks.requireNewDirectory(spec, "--out", output);
        final boolean showProgress = progress.show(size >= PROGRESS_THRESHOLD_BYTES);
        final AtomicLong done = new AtomicLong();
        final long started = System.nanoTime();
        DatasetFiles.writeDirectoryAtomically(output, staging -> {
            final Set<Path> createdDirectories = new HashSet<>();
            try (AutoCloseable bar = ProgressBar.start(showProgress, "randomize", reports.size(), done::get,
                    ProgressBar.Unit.items("files"))) {
                for (final Path report : reports.keySet()) {
                    final String relative = input.relativize(report).toString().replace('\\', '/');
                    final Path target = staging.resolve(relative);
                    if (createdDirectories.add(target.getParent())) {
                        Files.createDirectories(target.getParent());
                    }
                    try (InputStream in = Files.newInputStream(report);
                         OutputStream out = new BufferedOutputStream(Files.newOutputStream(target))) {
                        DatasetFormat.TEXT.rewriter(options, relative).rewrite(in, out);
                    } catch (final MalformedDatasetException e) {
                        throw e.in(report.toString());
                    }
                    done.incrementAndGet();
                }
            }
            return null;
        });
        return finish(transform.statistics(), size, started);
    }

    /** Writes the provenance next to the output and prints the summary; the command's exit code. */
    private int finish(final RewriteStatistics statistics, final long size, final long started) throws Exception {
        final double seconds = (System.nanoTime() - started) / 1e9;
        writeProvenance(statistics, size);
        printSummary(statistics, size, seconds);
        return 0;
    }

    private void printSummary(final RewriteStatistics statistics, final long size, final double seconds) {
        final PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "Rewrote %,d records of %s into %s in %.2f s (%.1f MB/s)%n", statistics.records(), input,
                output, seconds, size / 1e6 / Math.max(seconds, 1e-9));
        out.printf(Locale.ROOT, "  text field '%s' present in %,d records; %,d records held %,d markers%n", field,
                statistics.recordsWithText(), statistics.recordsWithMarkers(), statistics.markers());
        if (!statistics.kinds().isEmpty()) {
            out.println("  inferred kinds: " + kinds(statistics.kinds()));
        }
        out.println("  " + markers.describe());
        if (statistics.records() > 0 && statistics.recordsWithText() == 0) {
            spec.commandLine().getErr().println("warning: no record has a string field '" + field
                    + "'; nothing was rewritten. Name the text field with --field.");
        }
        out.flush();
    }

    private static String kinds(final Map<MarkerKind, Long> kinds) {
        return kinds.entrySet().stream().sorted(Map.Entry.<MarkerKind, Long>comparingByValue().reversed())
                .map(entry -> entry.getKey().displayName() + " " + entry.getValue()).collect(Collectors.joining(", "));
    }

    /** Records how the output was made, next to it: options, counts, tool version, time. */
    private void writeProvenance(final RewriteStatistics statistics, final long size) throws Exception {
        final ObjectNode made = Provenance.of("memaudit randomize " + MemauditCommand.version());
        made.put("input", input.getFileName().toString());
        made.put("input_bytes", size);
        made.put("text_field", field);
        made.put("key_field", keyField);
        made.put("count_field", countField);
        made.put("strategy", markers.strategy.displayName());
        final ArrayNode dialects = made.putArray("dialects");
        markers.dialects.forEach(dialect -> dialects.add(dialect.displayName()));
        made.put("custom_pattern", markers.customPattern);
        made.put("seed", markers.seed);
        made.put("records", statistics.records());
        made.put("records_with_markers", statistics.recordsWithMarkers());
        made.put("markers", statistics.markers());
        Provenance.write(output.resolveSibling(output.getFileName() + ".memaudit.json"), made);
    }
}
