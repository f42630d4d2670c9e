package io.memaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** synthesize -> train -> compare, end to end on a few images and steps. */
class TrainCompareCommandTest {
    private static final String TINY = Path.of("..", "models", "tiny-init").toString();

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int memaudit(final String... args) {
        final CommandLine commandLine = MemauditCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void trainWritesABundleAndCompareWritesAReportPerArm(@TempDir final Path directory) throws Exception {
        final Path data = directory.resolve("data");
        assertEquals(0, memaudit("synthesize", "--out", data.toString(), "--common-captions", "2", "--images-per-caption", "2",
                "--unique-captions", "3", "--unique-repeats", "1,3", "--marker-share", "0.4", "--no-progress"), err.toString());
        final Path base = directory.resolve("base");
        assertEquals(0, memaudit("train", "--model", TINY, "--data", data.toString(), "--out", base.toString(), "--steps", "3",
                "--batch", "4", "--no-progress"), err.toString());
        assertTrue(out.toString().contains("Trained"), out.toString());
        final JsonNode bundle = new ObjectMapper().readTree(base.resolve("bundle.json").toFile());
        assertEquals(3, bundle.path("provenance").path("training").path("steps").asInt());
        assertEquals("original", bundle.path("provenance").path("arm").asText());

        final Path report = directory.resolve("compare");
        assertEquals(0, memaudit("compare", "--model", base.toString(), "--data", data.toString(), "--out", report.toString(),
                "--arms", "original,remove", "--steps", "2", "--batch", "4", "--eval-steps", "2", "--generations", "1",
                "--replication-samples", "2", "--twins", "2", "--significance-steps", "1"), err.toString());
        final JsonNode json = new ObjectMapper().readTree(report.resolve("report.json").toFile());
        assertEquals(2, json.get("arms").size());
        assertEquals("remove", json.get("arms").get(1).get("arm").asText());
        assertTrue(json.get("arms").get(1).get("after_on_rewritten").get("prompts").findValues("caption").stream()
                .noneMatch(caption -> caption.asText().contains("___")), "remove's captions carry no marker");
        assertEquals(3, json.get("two_stage_screening").size());
        assertTrue(Files.isRegularFile(report.resolve("models/arm-remove/unet.pt")), "each arm's bundle is kept");
        assertTrue(Files.readString(report.resolve("report.html")).contains("<table"), "an HTML report");

        assertEquals(2, memaudit("compare", "--model", base.toString(), "--data", data.toString(), "--out", report.toString(),
                "--arms", "original", "--steps", "1"), "an existing report is a bad --out");
        assertTrue(err.toString().contains("exists and is not an empty directory"), err.toString());
        assertEquals(2, memaudit("compare", "--model", base.toString(), "--data", data.toString(), "--out",
                directory.resolve("x").toString(), "--arms", "originall"));
        assertTrue(err.toString().contains("Unknown arm 'originall'"), err.toString());
    }
}
