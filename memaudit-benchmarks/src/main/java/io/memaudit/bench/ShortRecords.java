package io.memaudit.bench;

import io.memaudit.synthetic.SyntheticImpressions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The short-record benchmark input: seeded MIMIC-CXR impressions ({@link SyntheticImpressions}) as a JSON Lines file, about
 * 147 bytes of JSON and 1.2 {@code ___} markers a record. The same seed and size always give the same bytes.
 *
 * <p>{@code java -cp memaudit-benchmarks/target/benchmarks.jar io.memaudit.bench.ShortRecords OUT.jsonl [MB] [SEED]}
 */
public final class ShortRecords {
    /** Seed of the benchmark files. */
    public static final long SEED = SyntheticImpressions.BENCHMARK_SEED;

    private ShortRecords() {
    }

    /** The first records up to {@code minimumBytes} (UTF-8, line feeds included), in memory, for in-memory benchmarks. */
    static List<String> lines(final long minimumBytes, final long seed) {
        return SyntheticImpressions.lines(minimumBytes, seed);
    }

    public static void main(final String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: ShortRecords OUT.jsonl [MB, default 50] [SEED, default " + SEED + "]");
            System.exit(2);
        }
        final Path out = Path.of(args[0]);
        final long megabytes = args.length > 1 ? Long.parseLong(args[1]) : 50;
        final long seed = args.length > 2 ? Long.parseLong(args[2]) : SEED;
        final long records = SyntheticImpressions.write(out, megabytes * 1_000_000L, seed);
        final long size = Files.size(out);
        long markers = 0;
        try (var lines = Files.lines(out)) {
            markers = lines.mapToLong(line -> line.split("___", -1).length - 1).sum();
        }
        System.out.printf(Locale.ROOT, "%s: %,d records, %,d bytes (%.0f bytes a record), %.2f markers a record%n", out,
                records, size, (double) size / records, (double) markers / records);
    }
}
