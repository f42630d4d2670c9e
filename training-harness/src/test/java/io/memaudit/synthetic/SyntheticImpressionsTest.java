package io.memaudit.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticImpressionsTest {
    @TempDir
    Path directory;

    @Test
    void theBenchmarkFileKeepsItsBytesSoFiguresStayComparable() throws Exception {
        final Path file = directory.resolve("short-1mb.jsonl");
        assertEquals(6_829, SyntheticImpressions.write(file, 1_000_000L, SyntheticImpressions.BENCHMARK_SEED));
        // the bytes memaudit-benchmarks' ShortRecords wrote for its published figures (seed 20261202, 1 MB)
        assertEquals("ef7c19d2ab3fd5c0becee6ae88fa8f82f2e4bf8f522a8dcd242b324f37dc91f6",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
    }

    @Test
    void recordsAreShortImpressionsWithAboutOnePointTwoMarkers() {
        final List<String> lines = SyntheticImpressions.lines(1_000_000L, 7L);
        long bytes = 0;
        long markers = 0;
        for (final String line : lines) {
            bytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
            markers += line.split("___", -1).length - 1;
        }
        final double bytesPerRecord = (double) bytes / lines.size();
        final double markersPerRecord = (double) markers / lines.size();
        assertTrue(bytesPerRecord > 100 && bytesPerRecord < 200, "bytes a record: " + bytesPerRecord);
        assertTrue(markersPerRecord > 1.1 && markersPerRecord < 1.3, "markers a record: " + markersPerRecord);
        assertEquals(lines, SyntheticImpressions.lines(1_000_000L, 7L), "the same seed gives the same records");
    }
}
