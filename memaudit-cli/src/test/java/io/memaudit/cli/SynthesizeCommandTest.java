package io.memaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.memaudit.core.provenance.Provenance;
import io.memaudit.synthetic.SyntheticChestXrays;
import io.memaudit.training.CaptionedImageDataset;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SynthesizeCommandTest {
    @TempDir
    Path directory;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int memaudit(final String... args) {
        final CommandLine commandLine = MemauditCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void writesTheDefaultDatasetWithProvenanceAndASummary() throws Exception {
        final Path dataset = directory.resolve("synthetic");
        assertEquals(0, memaudit("synthesize", "--out", dataset.toString(), "--seed", "3"), err.toString());
        final List<String> lines = Files.readAllLines(dataset.resolve("captions.csv"));
        assertEquals(String.join(",", SyntheticChestXrays.COLUMNS), lines.getFirst());
        assertEquals(381, lines.size());
        try (Stream<Path> images = Files.list(dataset.resolve("images"))) {
            assertEquals(140, images.count());
        }
        final String summary = out.toString();
        assertTrue(summary.contains("Wrote 140 images (32x32) and 380 rows"), summary);
        assertTrue(summary.contains("training rows 370: common 10 captions x 10 images x 2 rows = 200; unique 30 captions "
                + "(repeats 1/4/12) = 170; held out: 10 images"), summary);
        assertTrue(summary.contains("markers: "), summary);
        final JsonNode provenance = Provenance.JSON.readTree(directory.resolve("synthetic.memaudit.json").toFile());
        assertTrue(provenance.path("tool").asText().startsWith("memaudit synthesize"), provenance.toString());
        assertEquals(3, provenance.path("seed").asInt(), provenance.toString());
        assertEquals(370, provenance.path("training_rows").asInt(), provenance.toString());
        assertEquals(java.util.List.of(1, 4, 12), Provenance.JSON.convertValue(provenance.path("unique_repeats"),
                new com.fasterxml.jackson.core.type.TypeReference<java.util.List<Integer>>() { }), provenance.toString());
        final CaptionedImageDataset train = CaptionedImageDataset.builder().setCsv(dataset.resolve("captions.csv"))
                .optSplit("train").setSampling(32, true).build();
        assertEquals(370, train.size());
    }

    @Test
    void optionsShapeTheDatasetAndBadOnesAreRejected() throws Exception {
        final Path small = directory.resolve("small");
        assertEquals(0, memaudit("synthesize", "--out", small.toString(), "--size", "16", "--common-captions", "2",
                "--images-per-caption", "3", "--unique-captions", "4", "--unique-repeats", "2,5", "--held-out", "0",
                "--marker-share", "0", "--no-progress"), err.toString());
        final List<String> lines = Files.readAllLines(small.resolve("captions.csv"));
        // 2 x 3 x 2 common rows + 2 + 5 + 2 + 5 unique rows
        assertEquals(1 + 12 + 14, lines.size());
        assertTrue(lines.stream().skip(1).noneMatch(line -> line.contains("___")));
        assertEquals(2, memaudit("synthesize", "--out", small.toString()));
        assertTrue(err.toString().contains("exists and is not an empty directory"), err.toString());
        assertEquals(2, memaudit("synthesize", "--out", directory.resolve("bad").toString(), "--marker-share", "1.5"));
        assertTrue(err.toString().contains("Marker share 1.5 must be between 0 and 1"), err.toString());
        assertFalse(Files.exists(directory.resolve("bad")));
    }
}
