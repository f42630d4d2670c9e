package io.memaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memaudit.synthetic.MarkerDesign;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** memaudit experiment and compare --from-scratch --seeds at smoke size: structure, intervals, resuming from the cache. */
class ExperimentCommandTest {
    private static final String TINY = Path.of("..", "models", "tiny-init").toString();
    private static final List<String> SMALL = List.of("--steps", "2", "--batch", "4", "--eval-steps", "2", "--generations", "1",
            "--replication-samples", "2", "--twins", "2", "--significance-steps", "1");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int memaudit(final List<String> args) {
        final CommandLine commandLine = MemauditCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args.toArray(String[]::new));
    }

    private static List<String> with(final List<String> first, final List<String> second) {
        final java.util.ArrayList<String> all = new java.util.ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    @Test
    void aQuickMarkerKeyExperimentReportsIntervalsPairedTestsAndDetectionAndResumesFromItsCache(@TempDir final Path directory)
            throws Exception {
        final Path cache = directory.resolve("cache");
        final List<String> args = with(List.of("experiment", "--design", "marker-key", "--quick", "--seeds", "1,2", "--arms",
                "original,random-tag", "--model", TINY, "--cache", cache.toString(), "--out", directory.resolve("a").toString()),
                SMALL);
        assertEquals(0, memaudit(args), err + "\n" + out);
        final JsonNode report = new ObjectMapper().readTree(directory.resolve("a/report.json").toFile());
        assertEquals("marker-key", report.get("design").asText());
        assertEquals(MarkerDesign.MARKER_KEY.mechanism(), report.get("mechanism").asText());
        assertEquals(2, report.get("seeds").size());
        assertEquals("original", report.get("control").asText());
        int intervals = 0;
        for (final JsonNode row : report.get("aggregates")) {
            intervals += containsItsEstimate(row.get("mean"), row.toString()) ? 1 : 0;
            assertEquals(2, row.get("perSeed").size());
        }
        assertTrue(intervals > 20, intervals + " aggregate intervals");
        final Set<String> groups = new HashSet<>();
        for (final JsonNode row : report.get("differences_vs_control")) {
            assertEquals("random-tag", row.get("arm").asText());
            groups.add(row.get("group").asText());
            containsItsEstimate(row.get("effect"), row.toString());
            final double p = row.get("pValue").asDouble();
            assertTrue(p >= 0 && p <= 1, row.toString());
        }
        assertTrue(groups.containsAll(List.of("all", "marked", "unmarked", "keys", "repeated controls")), groups.toString());
        final Set<String> models = new HashSet<>();
        report.get("detection").forEach(row -> models.add(row.get("models").asText()));
        assertEquals(Set.of("original, seed 1", "original, seed 2", "original, seeds pooled", "every arm and seed pooled"), models);
        final JsonNode seed = report.get("seeds").get(0);
        assertEquals(2, seed.get("arms").size());
        assertTrue(seed.get("arms").get(1).get("on_rewritten").findValues("caption").stream()
                .noneMatch(caption -> caption.asText().contains("___")), "random-tag's captions carry no marker");
        final String markdown = Files.readString(directory.resolve("a/report.md"));
        assertTrue(markdown.contains("Mechanism. ") && markdown.contains("What each arm leaves of it."), "the design is declared");
        assertTrue(markdown.contains("Differences from the control"));
        assertTrue(Files.size(directory.resolve("a/plots/arms-dmem.png")) > 0);

        // a second run finds every arm x seed in the cache and trains nothing
        out.getBuffer().setLength(0);
        assertEquals(0, memaudit(with(List.of("experiment", "--design", "marker-key", "--quick", "--seeds", "1,2", "--arms",
                "original,random-tag", "--model", TINY, "--cache", cache.toString(), "--out", directory.resolve("b").toString()),
                SMALL)), err + "\n" + out);
        assertFalse(out.toString().contains("training from"), out.toString());
        assertEquals(4, out.toString().split("measurements cached", -1).length - 1, out.toString());
        assertEquals(report.get("aggregates"), new ObjectMapper().readTree(directory.resolve("b/report.json").toFile())
                .get("aggregates"), "the cached measurements give the same report");
    }

    @Test
    void compareFromScratchOverSeedsTrainsEveryArmFromTheStartBundle(@TempDir final Path directory) throws Exception {
        final Path data = directory.resolve("data");
        assertEquals(0, memaudit(List.of("synthesize", "--design", "marker-feature", "--out", data.toString(), "--common-captions",
                "2", "--images-per-caption", "2", "--unique-captions", "3", "--unique-repeats", "1,3", "--marker-share", "0.4",
                "--no-progress")), err.toString());
        assertTrue(out.toString().contains("marker-feature"), out.toString());
        final Path report = directory.resolve("compare");
        assertEquals(0, memaudit(with(List.of("compare", "--from-scratch", "--model", TINY, "--data", data.toString(),
                "--seeds", "3,4", "--arms", "original,remove", "--cache", directory.resolve("cache").toString(), "--out",
                report.toString()), SMALL)), err + "\n" + out);
        final JsonNode json = new ObjectMapper().readTree(report.resolve("report.json").toFile());
        assertTrue(json.get("provenance").get("from_scratch").asBoolean());
        assertEquals(2, json.get("seeds").size());
        assertEquals(4, json.get("seeds").get(1).get("seed").asInt());
        final JsonNode bundle = new ObjectMapper().readTree(directory.resolve("cache").toFile().listFiles()[0].toPath()
                .resolve("seed-3/arm-remove/model/bundle.json").toFile());
        assertTrue(bundle.path("provenance").path("from_scratch").asBoolean(), bundle.toString());
        assertEquals(2, bundle.path("provenance").path("training").path("steps").asInt());
        for (final JsonNode row : json.get("aggregates")) {
            containsItsEstimate(row.get("mean"), row.toString());
        }
    }

    @Test
    void withoutATerminalProgressIsALinePerTenth() throws Exception {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final AtomicLong done = new AtomicLong();
        try (ProgressBar bar = ProgressBar.lines("train", 100, done::get, ProgressBar.Unit.items("steps"),
                new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
            for (int i = 1; i <= 100; i++) {
                done.set(i);
                Thread.sleep(3);
            }
        }
        final List<String> lines = List.of(bytes.toString(StandardCharsets.UTF_8).split("\n"));
        assertTrue(lines.size() >= 2 && lines.size() <= 10, lines.toString());
        assertTrue(lines.getLast().startsWith("train: 100/100 (100%)"), lines.toString());
        assertTrue(lines.stream().noneMatch(line -> line.contains("\r")), "no carriage returns in a log");
    }

    /** Asserts low <= estimate <= high when the interval exists; returns whether it did. */
    private static boolean containsItsEstimate(final JsonNode interval, final String what) {
        final double estimate = interval.get("estimate").asDouble();
        final double low = interval.get("low").asDouble();
        final double high = interval.get("high").asDouble();
        if (Double.isNaN(low) || Double.isNaN(estimate)) {
            return false;
        }
        assertTrue(low <= estimate + 1e-9 && estimate <= high + 1e-9, what);
        return true;
    }
}
