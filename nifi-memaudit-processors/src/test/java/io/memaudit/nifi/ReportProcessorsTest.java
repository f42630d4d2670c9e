package io.memaudit.nifi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.nifi.json.JsonRecordSetWriter;
import org.apache.nifi.json.JsonTreeReader;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Plain-text mode, ExtractReportSection and LintPromptDataset through TestRunner with real record services. */
class ReportProcessorsTest {
    private static final String REPORT = """
                                             FINAL REPORT\r
             EXAMINATION:  CHEST (PA AND LAT)\r
             INDICATION:  ___-year-old man with cough.\r
             COMPARISON:  ___.\r
            \s\r
             FINDINGS: Clear lungs.\r
            \s\r
             IMPRESSIONS:\s\r
             No acute process.  Discussed with Dr. ___\r
             on ___.\r
            """;

    @Test
    void textModeRewritesTheWholeContentAndKeepsEveryOtherByte() {
        final TestRunner runner = TestRunners.newTestRunner(RandomizeDeidMarkers.class);
        runner.setProperty(RandomizeDeidMarkers.INPUT_MODE, InputMode.TEXT);
        runner.setProperty(RandomizeDeidMarkers.REPLACEMENT_STRATEGY, ReplacementStrategy.FIXED);
        runner.setProperty(RandomizeDeidMarkers.FIXED_REPLACEMENT, "<<M>>");
        runner.assertValid();
        runner.enqueue(REPORT, Map.of("filename", "s50000001.txt"));
        runner.enqueue("No markers here.\n");
        runner.run(2);
        runner.assertAllFlowFilesTransferred(RandomizeDeidMarkers.REL_SUCCESS, 2);
        final List<MockFlowFile> out = runner.getFlowFilesForRelationship(RandomizeDeidMarkers.REL_SUCCESS);
        assertEquals(REPORT, out.get(0).getContent().replace("<<M>>", "___"));
        out.get(0).assertAttributeEquals(RandomizeDeidMarkers.MARKER_TOTAL, "4");
        out.get(1).assertContentEquals("No markers here.\n");
        out.get(1).assertAttributeEquals(RandomizeDeidMarkers.MARKER_TOTAL, "0");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ReplacementStrategy.class)
    void textModeAppliesEveryStrategyToEveryMarkerAndLeavesTheLineStructure(final ReplacementStrategy strategy) {
        final TestRunner runner = TestRunners.newTestRunner(RandomizeDeidMarkers.class);
        runner.setProperty(RandomizeDeidMarkers.INPUT_MODE, InputMode.TEXT);
        runner.setProperty(RandomizeDeidMarkers.REPLACEMENT_STRATEGY, strategy);
        runner.setProperty(RandomizeDeidMarkers.RANDOM_SEED, "9");
        runner.enqueue(REPORT, Map.of("filename", "s1.txt"));
        runner.run();
        runner.assertAllFlowFilesTransferred(RandomizeDeidMarkers.REL_SUCCESS, 1);
        final MockFlowFile out = runner.getFlowFilesForRelationship(RandomizeDeidMarkers.REL_SUCCESS).get(0);
        out.assertAttributeEquals(RandomizeDeidMarkers.MARKER_TOTAL, "4");
        final String text = out.getContent();
        assertFalse(text.contains("___"), text);
        assertEquals(REPORT.split("\r\n", -1).length, text.split("\r\n", -1).length, "CRLF lines kept");
        assertTrue(text.contains("FINAL REPORT") && text.contains("IMPRESSIONS:"), text);
    }

    @Test
    void textModeSeedsWithTheTextKeySoIdenticalReportsDiffer() {
        final TestRunner runner = TestRunners.newTestRunner(RandomizeDeidMarkers.class);
        runner.setProperty(RandomizeDeidMarkers.INPUT_MODE, InputMode.TEXT);
        runner.setProperty(RandomizeDeidMarkers.RANDOM_SEED, "5");
        runner.enqueue(REPORT, Map.of("filename", "a.txt"));
        runner.enqueue(REPORT, Map.of("filename", "b.txt"));
        runner.enqueue(REPORT, Map.of("filename", "a.txt"));
        runner.run(3);
        final List<MockFlowFile> out = runner.getFlowFilesForRelationship(RandomizeDeidMarkers.REL_SUCCESS);
        assertFalse(out.get(0).getContent().equals(out.get(1).getContent()));
        assertEquals(out.get(0).getContent(), out.get(2).getContent());
    }

    @Test
    void textModeSendsInvalidUtf8AndOversizedContentToFailureUnchanged() {
        final TestRunner runner = TestRunners.newTestRunner(RandomizeDeidMarkers.class);
        runner.setProperty(RandomizeDeidMarkers.INPUT_MODE, InputMode.TEXT);
        runner.setProperty(RandomizeDeidMarkers.MAXIMUM_TEXT_SIZE, "1 KB");
        final byte[] invalid = {'D', 'r', '.', ' ', '_', '_', '_', (byte) 0xC3, '('};
        runner.enqueue(invalid);
        runner.enqueue("___ ".repeat(1000));
        runner.run(2);
        runner.assertAllFlowFilesTransferred(RandomizeDeidMarkers.REL_FAILURE, 2);
        final List<MockFlowFile> failed = runner.getFlowFilesForRelationship(RandomizeDeidMarkers.REL_FAILURE);
        assertTrue(java.util.Arrays.equals(invalid, failed.get(0).toByteArray()));
        assertTrue(failed.get(0).getAttribute(RandomizeDeidMarkers.ERROR).contains("not valid UTF-8"));
        assertTrue(failed.get(1).getAttribute(RandomizeDeidMarkers.ERROR).contains("Maximum Text Size"));
    }

    @Test
    void extractReportSectionWritesThePromptSectionAndSentences() {
        final TestRunner runner = TestRunners.newTestRunner(ExtractReportSection.class);
        runner.enqueue(REPORT);
        runner.run();
        runner.assertAllFlowFilesTransferred(ExtractReportSection.REL_SUCCESS, 1);
        final MockFlowFile out = runner.getFlowFilesForRelationship(ExtractReportSection.REL_SUCCESS).get(0);
        out.assertAttributeEquals(ExtractReportSection.SECTION, "impression");
        out.assertAttributeEquals(ExtractReportSection.PROMPT, "No acute process. Discussed with Dr. ___ on ___.");
        out.assertAttributeEquals(ExtractReportSection.SENTENCES, "No acute process.\nDiscussed with Dr. ___ on ___.");
        out.assertAttributeEquals(ExtractReportSection.SENTENCE_COUNT, "2");
        out.assertContentEquals(REPORT);
    }

    @Test
    void extractReportSectionFollowsThePreferenceAndRoutesUnusableReportsToFailure() {
        final TestRunner runner = TestRunners.newTestRunner(ExtractReportSection.class);
        runner.setProperty(ExtractReportSection.SECTION_PREFERENCE, "findings");
        runner.setProperty(ExtractReportSection.MAXIMUM_PROMPT_LENGTH, "100");
        runner.enqueue(REPORT);
        runner.enqueue("");
        runner.enqueue(new byte[] {0, 1, 2, 3, 'x'});
        runner.enqueue("IMPRESSION: only an impression.\n");
        runner.enqueue("FINDINGS: " + "Clear. ".repeat(100));
        runner.run(5);
        runner.assertTransferCount(ExtractReportSection.REL_SUCCESS, 1);
        runner.assertTransferCount(ExtractReportSection.REL_FAILURE, 4);
        runner.getFlowFilesForRelationship(ExtractReportSection.REL_SUCCESS).get(0)
                .assertAttributeEquals(ExtractReportSection.PROMPT, "Clear lungs.");
        final List<String> reasons = runner.getFlowFilesForRelationship(ExtractReportSection.REL_FAILURE).stream()
                .map(flowFile -> flowFile.getAttribute(ExtractReportSection.ERROR)).toList();
        assertEquals(List.of("the report is empty", "the report looks binary (control characters), not text",
                "no text in any preferred section (findings)", "the findings has 699 characters, above Maximum Prompt Length (100)"),
                reasons);
    }

    @Test
    void extractReportSectionRejectsABadPreference() {
        final TestRunner runner = TestRunners.newTestRunner(ExtractReportSection.class);
        runner.setProperty(ExtractReportSection.SECTION_PREFERENCE, " , ");
        runner.assertNotValid();
    }

    @Test
    void lintFlagsEveryRecordAndEmitsASummary() throws InitializationException, java.io.IOException {
        final TestRunner runner = TestRunners.newTestRunner(LintPromptDataset.class);
        final JsonTreeReader reader = new JsonTreeReader();
        runner.addControllerService("reader", reader);
        runner.enableControllerService(reader);
        final JsonRecordSetWriter writer = new JsonRecordSetWriter();
        runner.addControllerService("writer", writer);
        runner.setProperty(writer, JsonRecordSetWriter.OUTPUT_GROUPING, JsonRecordSetWriter.OUTPUT_ONELINE);
        runner.enableControllerService(writer);
        runner.setProperty(LintPromptDataset.RECORD_READER, "reader");
        runner.setProperty(LintPromptDataset.RECORD_WRITER, "writer");
        runner.enqueue("""
                {"id":0,"prompt":null}
                {"id":1,"prompt":"Compared to ___, new opacity."}
                {"id":2,"prompt":"No acute process."}
                {"id":3,"prompt":"No acute process."}
                {"id":4,"prompt":null}
                """, Map.of("filename", "dataset.jsonl"));
        runner.run();
        runner.assertTransferCount(LintPromptDataset.REL_SUCCESS, 1);
        runner.assertTransferCount(LintPromptDataset.REL_SUMMARY, 1);
        final MockFlowFile flagged = runner.getFlowFilesForRelationship(LintPromptDataset.REL_SUCCESS).get(0);
        final List<String> lines = flagged.getContent().lines().skip(1).toList();
        assertTrue(lines.get(0).endsWith("\"lint_risk\":\"high\",\"lint_reasons\":\"marker,unique,long\"}"), lines.get(0));
        assertTrue(lines.get(1).endsWith("\"lint_risk\":\"low\",\"lint_reasons\":\"\"}"), lines.get(1));
        assertTrue(lines.get(3).contains("\"prompt\":null") && lines.get(3).contains("\"lint_risk\":null"), lines.get(3));
        flagged.assertAttributeEquals("lint.risk.high", "1");
        flagged.assertAttributeEquals("lint.records", "5");
        final MockFlowFile summary = runner.getFlowFilesForRelationship(LintPromptDataset.REL_SUMMARY).get(0);
        final String json = new String(summary.toByteArray(), StandardCharsets.UTF_8);
        final com.fasterxml.jackson.databind.JsonNode facts = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertEquals("dataset.jsonl", facts.path("source").asText(), json);
        assertEquals("___", facts.path("marker_forms").path(0).path("form").asText(), json);
        assertEquals(1, facts.path("marker_forms").path(0).path("occurrences").asInt(), json);
        assertEquals(1, facts.path("marker_forms").path(0).path("distinct_prompts").asInt(), json);
        assertFalse(json.contains("opacity"), json);
        summary.assertAttributeEquals("filename", "dataset.jsonl.lint.json");
    }

    @Test
    void lintSendsUnreadableDatasetsToFailureUnchanged() throws InitializationException {
        final TestRunner runner = TestRunners.newTestRunner(LintPromptDataset.class);
        final JsonTreeReader reader = new JsonTreeReader();
        runner.addControllerService("reader", reader);
        runner.enableControllerService(reader);
        final JsonRecordSetWriter writer = new JsonRecordSetWriter();
        runner.addControllerService("writer", writer);
        runner.enableControllerService(writer);
        runner.setProperty(LintPromptDataset.RECORD_READER, "reader");
        runner.setProperty(LintPromptDataset.RECORD_WRITER, "writer");
        runner.enqueue("{\"prompt\": broken");
        runner.run();
        runner.assertAllFlowFilesTransferred(LintPromptDataset.REL_FAILURE, 1);
        runner.getFlowFilesForRelationship(LintPromptDataset.REL_FAILURE).get(0).assertContentEquals("{\"prompt\": broken");
    }
}
