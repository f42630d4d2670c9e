package io.memaudit.bench;

import io.memaudit.cli.MemauditCommand;
import io.memaudit.synthetic.SyntheticReportTree;
import io.memaudit.synthetic.SyntheticReports;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * Plain-text mode: {@code memaudit randomize} over a MIMIC-CXR style tree of one .txt file per report, against the
 * baseline of copying the same tree file by file (the file-system work any tool must do). The output is removed before
 * each operation, outside the measured time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TextTreeBenchmark {
    static final int REPORTS = 15_000;

    private Path directory;
    private Path tree;
    private Path output;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = Files.createTempDirectory("memaudit-tree-bench");
        tree = directory.resolve("files");
        writeTree(tree);
        output = directory.resolve("out");
    }

    @Setup(Level.Invocation)
    public void removeOutput() throws IOException {
        CliBenchmark.deleteRecursively(output);
    }

    @Benchmark
    public int randomizeTextTree() {
        final CommandLine commandLine = MemauditCommand.commandLine();
        commandLine.setOut(new PrintWriter(Writer.nullWriter()));
        final int exit = commandLine.execute("randomize", "--in", tree.toString(), "--out", output.toString(), "--seed", "7",
                "--no-progress");
        if (exit != 0) {
            throw new IllegalStateException("memaudit randomize exited with " + exit);
        }
        return exit;
    }

    @Benchmark
    public long copyTreeBaseline() throws IOException {
        long copied = 0;
        try (Stream<Path> paths = Files.walk(tree)) {
            for (final Path file : paths.filter(Files::isRegularFile).sorted().toList()) {
                final Path target = output.resolve(tree.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
                copied++;
            }
        }
        return copied;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        CliBenchmark.deleteRecursively(directory);
    }

    /** Writes the benchmark's tree (deterministic); returns the total size of the reports in bytes. */
    static long writeTree(final Path root) throws IOException {
        final List<SyntheticReports.Report> reports = SyntheticReports.generate(REPORTS, 0.19, 20250207L);
        SyntheticReportTree.write(root, reports, 1);
        Files.delete(root.resolve(SyntheticReportTree.METADATA_FILE));
        long bytes = 0;
        for (final SyntheticReports.Report report : reports) {
            bytes += report.text().getBytes(StandardCharsets.UTF_8).length;
        }
        return bytes;
    }
}
