package io.memaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The demo's smoke run: every stage runs and the report has every part, with finite numbers. */
class DemoCommandTest {

    @Test
    void quickDemoWritesACompleteSaneReport(@TempDir final Path directory) throws Exception {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = MemauditCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        final Path output = directory.resolve("demo");
        assertEquals(0, commandLine.execute("demo", "--quick", "--out", output.toString(), "--cache",
                directory.resolve("cache").toString(), "--model", Path.of("..", "models", "tiny-init").toString(),
                "--no-progress"), err + "\n" + out);
        for (final String file : List.of("report.md", "report.html", "report.json", "plots/base-dmem.png",
                "plots/detection-roc.png", "plots/base-tokens.png", "plots/arms-dmem.png", "plots/arms-diversity.png",
                "plots/arms-marker-token.png",
                "data/captions.csv")) {
            assertTrue(Files.size(output.resolve(file)) > 0, file);
        }
        final JsonNode report = new ObjectMapper().readTree(output.resolve("report.json").toFile());
        final List<String> arms = new ArrayList<>();
        report.get("arms").forEach(arm -> arms.add(arm.get("arm").asText()));
        assertEquals(List.of("original", "random-tag", "typed-surrogate", "remove", "recaption", "filtered"), arms);
        for (final JsonNode arm : report.get("arms")) {
            for (final String part : List.of("base_on_rewritten", "after_on_original", "after_on_rewritten")) {
                assertFinite(arm.get(part).get("mean_dmem"), arm.get("arm") + " " + part);
                assertFinite(arm.get(part).get("mean_diversity"), arm.get("arm") + " " + part);
            }
            assertTrue(arm.get("training").get("loss_curve").size() > 0);
        }
        assertFinite(report.get("base").get("mean_dmem"), "base dmem");
        assertTrue(report.get("base").get("marker_token_rank").asInt() > 0, "the marker piece is ranked");
        assertEquals(2, report.get("inference_time_mitigations").size(), "most memorized, and most memorized with markers");
        for (final JsonNode table : report.get("inference_time_mitigations")) {
            assertEquals(6, table.get("rows").size());
        }
        assertTrue(report.get("detection").has("dmem"));
        int linted = 0;
        for (final JsonNode level : report.get("lint_vs_dmem")) {
            linted += level.get("captions").asInt();
        }
        assertEquals(report.get("base").get("prompts").size(), linted, "every training caption gets a lint level");
        assertTrue(report.get("base_training").get("loss_curve").size() > 0, "the base was trained in this run");
        assertTrue(report.get("provenance").get("training").get("engine").get("intra_op_threads").asInt() >= 1,
                "the report records libtorch's thread count");
        final String markdown = Files.readString(output.resolve("report.md"));
        assertTrue(markdown.contains("Retraining on rewritten captions") && markdown.contains("Detection quality"), markdown);
        assertTrue(out.toString().contains("Retraining arms"), out.toString());

        final StringWriter again = new StringWriter();
        commandLine.setOut(new PrintWriter(again, true));
        assertEquals(0, commandLine.execute("demo", "--quick", "--out", output.toString(), "--cache",
                directory.resolve("cache").toString(), "--model", Path.of("..", "models", "tiny-init").toString(),
                "--arms", "original", "--no-progress"), err.toString());
        assertTrue(again.toString().contains("base model: cached"), "the second run reuses the base:\n" + again);
        assertTrue(again.toString().contains("original: fine-tuned model cached"), "and the arm:\n" + again);
    }

    private static void assertFinite(final JsonNode value, final String what) {
        assertTrue(value != null && value.isNumber() && Double.isFinite(value.asDouble()), what + ": " + value);
    }
}
