package io.memaudit.bench;

import io.memaudit.cli.MemauditCommand;
import io.memaudit.synthetic.SyntheticReports;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import picocli.CommandLine;

/**
 * {@code memaudit randomize} end to end on a JSON Lines file of at least 50 MB (file in, file out, provenance written),
 * with the default random-tag strategy and a seed: record mode. {@link TextTreeBenchmark} measures plain-text mode.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CliBenchmark {
    private Path directory;
    private Path input;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = Files.createTempDirectory("memaudit-bench");
        input = directory.resolve("reports.jsonl");
        writeInput(input);
    }

    @Benchmark
    public int randomizeJsonLines() {
        final CommandLine commandLine = MemauditCommand.commandLine();
        commandLine.setOut(new PrintWriter(Writer.nullWriter()));
        final int exit = commandLine.execute("randomize", "--in", input.toString(), "--out",
                directory.resolve("out.jsonl").toString(), "--seed", "7", "--no-progress");
        if (exit != 0) {
            throw new IllegalStateException("memaudit randomize exited with " + exit);
        }
        return exit;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        deleteRecursively(directory);
    }

    static void deleteRecursively(final Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (final Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** Writes the benchmark's JSON Lines input (deterministic) and returns its size in bytes. */
    static long writeInput(final Path file) throws IOException {
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            long seed = 1;
            long written = 0;
            while (written < ReportCorpus.DEFAULT_BYTES) {
                for (final SyntheticReports.Report report : SyntheticReports.generate(10_000, 0.19, seed++)) {
                    final String line = "{\"study_id\":\"" + report.studyId() + "\",\"subject_id\":\"" + report.subjectId()
                            + "\",\"split\":\"train\",\"prompt\":" + jsonString(report.text()) + "}\n";
                    writer.write(line);
                    written += line.getBytes(StandardCharsets.UTF_8).length;
                }
            }
            return written;
        }
    }

    private static String jsonString(final String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
