package io.memaudit.bench;

import io.memaudit.cli.MemauditCommand;
import io.memaudit.core.markers.MarkerRewriter;
import io.memaudit.dataset.DatasetFormat;
import io.memaudit.dataset.MarkerTransform;
import io.memaudit.dataset.RewriteOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import picocli.CommandLine;

/**
 * Short records ({@link ShortRecords}), 50 MB as JSON Lines: the rewrite memory to memory (parse, rewrite, write; no
 * file system) and {@code memaudit randomize} file to file in an already warm JVM, each on 1 and 2 threads. One operation
 * = the whole file. The figures the "once warm" records/s goal is about.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ShortRecordRewriteBenchmark {

    @Param({"1", "2"})
    public int threads;

    private byte[] jsonLines;
    private MarkerRewriter rewriter;
    private Path directory;
    private Path input;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        final List<String> lines = ShortRecords.lines(ShortRecordBenchmark.BYTES, ShortRecords.SEED);
        jsonLines = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        rewriter = MarkerRewriter.builder().seed(7L).build();
        directory = Files.createTempDirectory("memaudit-short");
        input = Files.write(directory.resolve("short.jsonl"), jsonLines);
    }

    /** Parse, rewrite and write every record, memory to memory. */
    @Benchmark
    public long jsonLinesInMemory() throws Exception {
        final MarkerTransform transform = new MarkerTransform(rewriter);
        DatasetFormat.JSON_LINES.rewriter(new RewriteOptions("prompt", null, transform, threads))
                .rewrite(new ByteArrayInputStream(jsonLines), OutputStream.nullOutputStream());
        return transform.statistics().records();
    }

    /** {@code memaudit randomize} file to file (provenance included), in this already warm JVM. */
    @Benchmark
    public int cliRandomize() {
        final CommandLine commandLine = MemauditCommand.commandLine();
        commandLine.setOut(new PrintWriter(Writer.nullWriter()));
        final int exit = commandLine.execute("randomize", "--in", input.toString(), "--out",
                directory.resolve("out.jsonl").toString(), "--seed", "7", "--no-progress", "--threads", String.valueOf(threads));
        if (exit != 0) {
            throw new IllegalStateException("memaudit randomize exited with " + exit);
        }
        return exit;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        CliBenchmark.deleteRecursively(directory);
    }

    /** Records and bytes of the benchmark's input. */
    static long[] size() {
        final List<String> lines = ShortRecords.lines(ShortRecordBenchmark.BYTES, ShortRecords.SEED);
        long bytes = 0;
        for (final String line : lines) {
            bytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        return new long[] {lines.size(), bytes};
    }
}
