package io.memaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memaudit.synthetic.SyntheticReportTree;
import io.memaudit.synthetic.SyntheticReports;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** sections, lint and plain-text randomize on a synthetic MIMIC-CXR reports tree with varied layouts. */
class ReportCommandsTest {
    @TempDir
    Path directory;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private List<SyntheticReports.Report> reports;
    private Path tree;
    private Path metadata;

    @BeforeEach
    void writeTree() throws IOException {
        reports = SyntheticReports.generateVaried(200, 0.3, 11);
        tree = directory.resolve("mimic");
        metadata = SyntheticReportTree.write(tree, reports, 11);
    }

    private int memaudit(final String... args) {
        final CommandLine commandLine = MemauditCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void sectionsTurnTheTreeIntoOnePromptPerReportWithTheExpectedSection() throws IOException {
        final Path prompts = directory.resolve("prompts.jsonl");
        assertEquals(0, memaudit("sections", "--in", tree.resolve("files").toString(), "--out", prompts.toString()), err.toString());
        final List<String> lines = Files.readAllLines(prompts);
        assertEquals(reports.size(), lines.size());
        for (final SyntheticReports.Report report : reports) {
            final String subject = report.subjectId().substring(1);
            final String study = report.studyId().substring(1);
            final String line = lines.stream().filter(candidate -> candidate.contains("\"study_id\":\"" + study + "\""))
                    .findFirst().orElseThrow();
            assertTrue(line.startsWith("{\"subject_id\":\"" + subject + "\""), line);
            assertTrue(line.contains("\"section\":\"" + report.expectedSection() + "\""), report.text() + "\n" + line);
            if (!report.expectedSection().equals("last-paragraph")) {
                assertTrue(line.contains("\"prompt\":\"" + report.expectedPrompt() + "\""), report.text() + "\n" + line);
            }
        }
    }

    @Test
    void metadataJoinsEveryImageOfAStudy() throws IOException {
        final Path prompts = directory.resolve("prompts.csv");
        assertEquals(0, memaudit("sections", "--in", tree.toString(), "--out", prompts.toString(), "--metadata",
                metadata.toString()), err.toString());
        final long images = Files.readAllLines(metadata).size() - 1;
        final List<String> rows = Files.readAllLines(prompts);
        assertEquals("subject_id,study_id,report,section,prompt,sentences,dicom_id,image", rows.get(0));
        assertEquals(images, rows.size() - 1);
        assertTrue(rows.get(1).matches("\\d+,\\d+,files/p\\d\\d/p\\d+/s\\d+\\.txt,.*,files/p\\d\\d/p\\d+/s\\d+/[0-9a-f-]+\\.jpg"),
                rows.get(1));
    }

    @Test
    void unusableReportsAreListedWithTheirReasonAndLeftOut() throws IOException {
        final Path files = directory.resolve("odd");
        Files.createDirectories(files);
        Files.writeString(files.resolve("s1.txt"), "IMPRESSION: Clear lungs.\n");
        Files.writeString(files.resolve("s2.txt"), "");
        Files.write(files.resolve("s3.txt"), new byte[] {'I', 'M', (byte) 0xFF, 0, 1, 2});
        Files.writeString(files.resolve("s4.txt"), "INDICATION: Cough.\n\n");
        final Path prompts = directory.resolve("prompts.jsonl");
        assertEquals(0, memaudit("sections", "--in", files.toString(), "--out", prompts.toString(), "--prefer", "impression,findings"));
        assertEquals(1, Files.readAllLines(prompts).size());
        assertTrue(err.toString().contains("3 reports had no usable text"), err.toString());
        assertTrue(err.toString().contains("s2.txt: the report is empty"), err.toString());
        assertTrue(err.toString().contains("s3.txt: not UTF-8 text"), err.toString());
        assertTrue(err.toString().contains("s4.txt: no text in any preferred section (impression, findings)"), err.toString());
    }

    @Test
    void lintProfilesThePromptDatasetWithoutQuotingIt() throws IOException {
        final Path prompts = directory.resolve("prompts.jsonl");
        memaudit("sections", "--in", tree.toString(), "--out", prompts.toString());
        final Path summary = directory.resolve("lint.json");
        final Path flags = directory.resolve("flags.csv");
        assertEquals(0, memaudit("lint", "--in", prompts.toString(), "--key-field", "study_id", "--out", summary.toString(),
                "--flags", flags.toString()), err.toString());
        final long withMarkers = reports.stream().filter(report -> report.expectedPrompt().contains("___")).count();
        assertTrue(out.toString().contains("records 200 | with text 200"), out.toString());
        final String json = Files.readString(summary);
        final com.fasterxml.jackson.databind.JsonNode facts = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertEquals("___", facts.path("marker_forms").path(0).path("form").asText(), json);
        assertEquals(200, facts.path("records").asInt(), json);
        final List<String> rows = Files.readAllLines(flags);
        assertEquals(201, rows.size());
        assertEquals("line,key,risk,reasons", rows.get(0));
        assertTrue(rows.stream().skip(1).allMatch(row -> row.matches("\\d+,\\d+,(high|medium|low),\"?[a-z,-]*\"?")), rows.toString());
        assertFalse(json.contains("cardiomegaly") || String.join("\n", rows).contains("cardiomegaly"));
        assertTrue(withMarkers > 0);
    }

    @Test
    void randomizeRewritesOneReportAndAWholeTreeKeepingEveryByteOutsideTheMarkers() throws IOException {
        final Path one = SyntheticReportTree.reportPath(tree, reports.get(0));
        final Path rewritten = directory.resolve("one.txt");
        assertEquals(0, memaudit("randomize", "--in", one.toString(), "--out", rewritten.toString(), "--strategy", "fixed",
                "--fixed", "___"), err.toString());
        assertEquals(Files.readString(one), Files.readString(rewritten));

        final Path outTree = directory.resolve("randomized");
        assertEquals(0, memaudit("randomize", "--in", tree.resolve("files").toString(), "--out", outTree.toString(),
                "--strategy", "fixed", "--fixed", "<<M>>"), err.toString());
        final Path tagged = directory.resolve("tagged");
        assertEquals(0, memaudit("randomize", "--in", tree.resolve("files").toString(), "--out", tagged.toString(),
                "--seed", "3"), err.toString());
        assertTrue(out.toString().contains("Rewrote 200 records"), out.toString());
        try (Stream<Path> files = Files.walk(outTree)) {
            final List<Path> written = files.filter(Files::isRegularFile).toList();
            assertEquals(reports.size(), written.size());
            for (final Path file : written) {
                final String relative = outTree.relativize(file).toString();
                final String original = Files.readString(tree.resolve("files").resolve(relative));
                assertEquals(original, Files.readString(file).replace("<<M>>", "___"), relative);
                final String randomized = Files.readString(tagged.resolve(relative));
                assertFalse(randomized.contains("___"), relative);
                assertEquals(original.lines().count(), randomized.lines().count(), relative);
            }
        }
    }

    @Test
    void aTreeWithInvalidUtf8FailsNamingTheFileAndLeavesNoOutput() throws IOException {
        final Path bad = SyntheticReportTree.reportPath(tree, reports.get(5));
        final byte[] content = Files.readAllBytes(bad);
        content[content.length - 3] = (byte) 0xFF;
        Files.write(bad, content);
        final Path outTree = directory.resolve("randomized");
        assertEquals(1, memaudit("randomize", "--in", tree.resolve("files").toString(), "--out", outTree.toString()));
        assertTrue(err.toString().contains(bad.getFileName().toString()) && err.toString().contains("invalid UTF-8"), err.toString());
        assertFalse(Files.exists(outTree));
        try (Stream<Path> siblings = Files.list(directory)) {
            assertTrue(siblings.noneMatch(path -> path.getFileName().toString().contains("partial")));
        }
    }

    @Test
    void aNonEmptyOutputDirectoryIsRefused() throws IOException {
        final Path outTree = Files.createDirectories(directory.resolve("taken"));
        Files.writeString(outTree.resolve("old.txt"), "old", StandardCharsets.UTF_8);
        assertEquals(2, memaudit("randomize", "--in", tree.toString(), "--out", outTree.toString()));
        assertTrue(err.toString().contains("not an empty directory"), err.toString());
    }
}
