package io.memaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code memaudit gate}: the release gate's core policy on scored JSON Lines and CSV files, with exit codes a script can
 * branch on, and a report without prompt text or file names.
 */
class GateCommandTest {
    private static final String TINY = Path.of("..", "models", "tiny-init").toString();

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

    private JsonNode report() throws IOException {
        final String text = Files.readString(directory.resolve("gate.json"));
        assertFalse(text.contains("opacity") || text.contains("MRN123"), "no prompt text, no file name: " + text);
        return new ObjectMapper().readTree(text);
    }

    private int gate(final Path scored, final String... extra) {
        final String[] base = {"gate", "--in", scored.toString(), "--out", directory.resolve("gate.json").toString(),
                "--threshold", "0.5"};
        final String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return memaudit(args);
    }

    @Test
    void aCleanDatasetIsApprovedAndAMemorizedMarkerRejected() throws IOException {
        final Path scored = Files.writeString(directory.resolve("MRN123.jsonl"), """
                {"prompt":"No acute process.","dmem":0.1,"score_error":null}
                {"prompt":"Clear lungs.","dmem":0.2,"score_error":null}
                """);
        assertEquals(0, gate(scored), err.toString());
        assertTrue(out.toString().startsWith("approved: 2 records, 2 scored, 0 not scored, 0 memorized"), out.toString());
        assertEquals("approved", report().path("decision").asText());
        assertFalse(report().has("dataset"), "no name unless the user gives one");

        Files.writeString(scored, "{\"prompt\":\"Compared to ___, new opacity.\",\"dmem\":0.9}\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals(GateCommand.EXIT_REJECTED, gate(scored, "--max-fraction", "0.5", "--name", "batch-7"));
        assertTrue(report().path("reasons").get(0).asText().contains("driven by de-identification markers"), report().toString());
        assertEquals("batch-7", report().path("dataset").asText());
        assertEquals(0, gate(scored, "--max-fraction", "0.5", "--no-marker-rule"), out.toString());
    }

    @Test
    void nanScoresErrorsAndMissingScoresAreNeverApproved() throws IOException {
        final Path scored = Files.writeString(directory.resolve("s.csv"), """
                prompt,dmem,score_error
                No acute process.,0.1,
                Clear lungs.,NaN,
                Stable.,,scoring failed: EngineException
                Normal.,,
                """);
        assertEquals(GateCommand.EXIT_REJECTED, gate(scored, "--max-fraction", "1"), out.toString());
        final JsonNode report = report();
        assertEquals(2, report.path("failed").asInt(), report.toString());
        assertEquals(1, report.path("unscored").asInt(), report.toString());
        assertEquals(GateCommand.EXIT_HELD, gate(scored, "--max-fraction", "1", "--unscored", "hold"), out.toString());
        assertEquals("held", report().path("decision").asText());
    }

    @Test
    void aDatasetWithoutTheScoreFieldIsRejectedSayingWhy() throws IOException {
        final Path prompts = Files.writeString(directory.resolve("p.jsonl"), "{\"prompt\":\"Clear lungs.\"}\n");
        assertEquals(GateCommand.EXIT_REJECTED, gate(prompts));
        assertTrue(out.toString().contains("no record has a usable score in dmem"), out.toString());
        assertTrue(report().path("max_score").isNull());
    }

    @Test
    void aDatasetWithARepeatedKeyOrTheWrongCountIsRejectedAsNotWhole() throws IOException {
        final Path scored = Files.writeString(directory.resolve("s.jsonl"), """
                {"image":"a.jpg","prompt":"No acute process.","dmem":0.1}
                {"image":"b.jpg","prompt":"Clear lungs.","dmem":0.2}
                {"image":"b.jpg","prompt":"Clear lungs.","dmem":0.2}
                """);
        assertEquals(0, gate(scored), "without the checks: " + out);
        assertEquals(GateCommand.EXIT_REJECTED, gate(scored, "--key-field", "image"));
        assertTrue(out.toString().contains("the dataset is not whole: 1 records repeat the image of an earlier record"),
                out.toString());
        assertEquals(1, report().path("wholeness").path("repeated_keys").asInt());
        assertEquals(GateCommand.EXIT_REJECTED, gate(scored, "--expected-records", "4"));
        assertTrue(out.toString().contains("3 records read, 4 expected"), out.toString());
        assertEquals(2, gate(scored, "--expected-records", "-1"), "a negative count is a usage error");
    }

    @Test
    void badPolicyOptionsAreUsageErrors() throws IOException {
        final Path prompts = Files.writeString(directory.resolve("p.jsonl"), "{\"prompt\":\"Clear lungs.\",\"dmem\":0.1}\n");
        assertEquals(MemauditCommand.EXIT_USAGE, gate(prompts, "--max-fraction", "1.5"));
        assertTrue(err.toString().contains("maximum memorized fraction must be between 0 and 1, got 1.5"), err.toString());
        assertEquals(MemauditCommand.EXIT_USAGE, gate(prompts, "--unscored", "ignore"));
    }

    @Test
    void whatScoreWritesTheGateReads() throws IOException {
        final Path in = Files.writeString(directory.resolve("p.jsonl"), """
                {"prompt":"No acute cardiopulmonary process."}
                {"prompt":"Compared to ___, small left pleural effusion."}
                """);
        final Path scored = directory.resolve("s.jsonl");
        assertEquals(0, memaudit("score", "--model", TINY, "--in", in.toString(), "--out", scored.toString(), "--steps", "2",
                "--generations", "1", "--no-progress"), err.toString());
        assertEquals(0, memaudit("gate", "--in", scored.toString(), "--out", directory.resolve("gate.json").toString(),
                "--threshold", "1000"), out.toString());
        assertEquals(2, report().path("scored").asInt());
        assertEquals(GateCommand.EXIT_REJECTED, memaudit("gate", "--in", scored.toString(), "--out",
                directory.resolve("gate.json").toString(), "--threshold", "0"));
    }
}
