package io.memaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ScoreCommandTest {
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

    @Test
    void everyRecordGetsItsScoresAndTheTopShareIsMarked() throws IOException {
        final Path in = Files.writeString(directory.resolve("p.csv"), """
                id,prompt
                1,No acute cardiopulmonary process.
                2,"Compared to ___, small left pleural effusion. Dr. ___ was notified."
                3,No acute cardiopulmonary process.
                4,
                5,"Moderate cardiomegaly, similar to ___ and ___."
                """);
        final Path output = directory.resolve("s.csv");
        assertEquals(0, memaudit("score", "--model", TINY, "--in", in.toString(), "--out", output.toString(), "--steps", "4",
                "--generations", "2", "--top-percent", "25", "--no-progress"), err.toString());
        final List<String> rows = Files.readAllLines(output);
        assertEquals("id,prompt,dmem,dmem_first_step,prompt_truncated,score_error,memorized", rows.get(0));
        assertEquals(6, rows.size());
        assertEquals(rows.get(1).replaceFirst("^1,", ""), rows.get(3).replaceFirst("^3,", ""), "same prompt, same score");
        assertTrue(rows.get(4).matches("4,,[0-9.E-]+,[0-9.E-]+,false,,false"), rows.get(4));
        assertEquals(1, rows.stream().filter(row -> row.endsWith(",true")).count(), rows.toString());
        final Matcher threshold = Pattern.compile("top 25.0%: dmem >= ([0-9.]+) marks 1 prompts memorized").matcher(out.toString());
        assertTrue(threshold.find(), out.toString());
        assertTrue(io.memaudit.core.provenance.Provenance.JSON.readTree(directory.resolve("s.csv.memaudit.json").toFile())
                .findValue("threshold") != null, "provenance names the threshold");
    }

    @Test
    void mitigateWritesTheTableAndEveryOutcome() throws IOException {
        final Path in = Files.writeString(directory.resolve("p.jsonl"),
                "{\"prompt\":\"Compared to ___, small left pleural effusion.\"}\n{\"prompt\":\"No acute process.\"}\n");
        final Path report = directory.resolve("m.json");
        assertEquals(0, memaudit("mitigate", "--model", TINY, "--in", in.toString(), "--out", report.toString(), "--samples", "3",
                "--steps", "3", "--mitigations", "original,random-numbers,remove-markers", "--no-progress"), err.toString());
        assertTrue(Pattern.compile("original\\s+0\\.\\d{4}\\s+\\d+\\.\\d{4}").matcher(out.toString()).find(), out.toString());
        final String json = Files.readString(report);
        assertEquals(6, json.split("\"mitigated_prompt\"").length - 1, json);
        assertTrue(json.contains("\"mitigated_prompt\" : \"Compared to, small left pleural effusion.\""), json);
        assertTrue(json.contains("images in [0, 1]"), json);
    }

    @Test
    void tokensRanksPiecesAndGroupsMarkers() throws IOException {
        final Path in = Files.writeString(directory.resolve("p.jsonl"), String.join("\n",
                "{\"prompt\":\"Compared to ___, small left pleural effusion. Dr. ___ was notified.\"}",
                "{\"prompt\":\"No acute cardiopulmonary process.\"}",
                "{\"prompt\":\"Moderate cardiomegaly, similar to ___ and ___.\"}", ""));
        final Path report = directory.resolve("t.json");
        assertEquals(0, memaudit("tokens", "--model", TINY, "--in", in.toString(), "--out", report.toString(), "--steps", "4",
                "--generations", "2", "--significance-steps", "2", "--no-progress"), err.toString());
        final com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.toFile());
        assertEquals(3, json.get("prompts").size());
        assertEquals(2, json.get("markers").get("prompts_with_markers").asInt());
        assertEquals(2, json.get("prompts").get(0).get("markers").size(), "two ___ in the first prompt");
        assertEquals(2, json.get("provenance").get("significance_steps").asInt());
        final com.fasterxml.jackson.databind.JsonNode ranking = json.get("ranking");
        for (int i = 1; i < ranking.size(); i++) {
            assertTrue(ranking.get(i - 1).get("mean_significance").asDouble() >= ranking.get(i).get("mean_significance").asDouble());
        }
        assertTrue(out.toString().contains("marker piece '_' ranks"), out.toString());
    }

    @Test
    void aMissingBundleIsReportedWithoutOutput() throws IOException {
        final Path in = Files.writeString(directory.resolve("p.jsonl"), "{\"prompt\":\"x\"}\n");
        assertEquals(1, memaudit("score", "--model", directory.resolve("none").toString(), "--in", in.toString(), "--out",
                directory.resolve("s.jsonl").toString()));
        assertTrue(err.toString().contains("model bundle directory not found"), err.toString());
        assertTrue(Files.notExists(directory.resolve("s.jsonl")));
    }
}
