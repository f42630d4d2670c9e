package io.memaudit.nifi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.nifi.json.JsonTreeReader;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * EvaluateReleaseGate with a real JsonTreeReader. Faults provoked, each asserted to leave the input on exactly one
 * relationship and never on 'approved': unreadable content; a score that is the text "NaN" (as Jackson writes a
 * non-finite number), an infinite score, a score_error beside a score, a record without a score; a dataset with no score
 * field at all; an empty dataset; the hold policy with and without another rejecting rule.
 */
class EvaluateReleaseGateTest {
    private static final String SCORED = """
            {"prompt":"No acute process.","dmem":0.1}
            {"prompt":"Stable effusion.","dmem":0.2}
            {"prompt":"Compared to ___, new opacity.","dmem":0.9}
            {"prompt":"Clear lungs.","dmem":0.15}
            """;
    private static final String CLEAN = """
            {"prompt":"No acute process.","dmem":0.1}
            {"prompt":"Stable effusion.","dmem":0.2}
            """;

    private TestRunner runner;

    @BeforeEach
    void setUp() throws InitializationException {
        runner = TestRunners.newTestRunner(EvaluateReleaseGate.class);
        final JsonTreeReader reader = new JsonTreeReader();
        runner.addControllerService("reader", reader);
        runner.enableControllerService(reader);
        runner.setProperty(EvaluateReleaseGate.RECORD_READER, "reader");
        runner.setProperty(EvaluateReleaseGate.MEMORIZATION_THRESHOLD, "0.5");
    }

    private MockFlowFile decide(final String content, final org.apache.nifi.processor.Relationship expected) {
        runner.enqueue(content.getBytes(StandardCharsets.UTF_8), Map.of("filename", "MRN123-dataset.jsonl"));
        runner.run();
        runner.assertTransferCount(EvaluateReleaseGate.REL_REPORT, 1);
        runner.assertTransferCount(expected, 1);
        runner.assertTransferCount(EvaluateReleaseGate.REL_APPROVED, expected == EvaluateReleaseGate.REL_APPROVED ? 1 : 0);
        return runner.getFlowFilesForRelationship(expected).get(0);
    }

    private JsonNode report() throws Exception {
        final String text = runner.getFlowFilesForRelationship(EvaluateReleaseGate.REL_REPORT).get(0).getContent();
        assertFalse(text.contains("opacity") || text.contains("MRN123"), "no prompt text, no file name: " + text);
        return new ObjectMapper().readTree(text);
    }

    @Test
    void tooManyMemorizedRecordsReject() throws Exception {
        runner.setProperty(EvaluateReleaseGate.MARKER_RULE, "false");
        final MockFlowFile rejected = decide(SCORED, EvaluateReleaseGate.REL_REJECTED);
        rejected.assertAttributeEquals(EvaluateReleaseGate.DECISION, "rejected");
        assertTrue(rejected.getAttribute(EvaluateReleaseGate.REASONS).contains("memorized fraction 0.2500 exceeds 0.0100 (1 of 4"),
                rejected.getAttribute(EvaluateReleaseGate.REASONS));
        rejected.assertContentEquals(SCORED);
        final JsonNode report = report();
        assertEquals("rejected", report.path("decision").asText());
        assertEquals(4, report.path("records").asInt());
        assertEquals(1, report.path("memorized").asInt());
        assertEquals(rejected.getAttribute("uuid"), report.path("dataset").asText(), "the dataset is named by its uuid");
    }

    @Test
    void aGenerousPolicyApproves() {
        runner.setProperty(EvaluateReleaseGate.MARKER_RULE, "false");
        runner.setProperty(EvaluateReleaseGate.MAXIMUM_MEMORIZED_FRACTION, "0.5");
        decide(SCORED, EvaluateReleaseGate.REL_APPROVED).assertAttributeEquals(EvaluateReleaseGate.REASONS, "");
    }

    @Test
    void memorizedRecordsWithMarkersAndHighScoresReject() {
        runner.setProperty(EvaluateReleaseGate.MAXIMUM_MEMORIZED_FRACTION, "0.5");
        runner.setProperty(EvaluateReleaseGate.MAXIMUM_SCORE, "0.8");
        final String reasons = decide(SCORED, EvaluateReleaseGate.REL_REJECTED).getAttribute(EvaluateReleaseGate.REASONS);
        assertTrue(reasons.contains("1 memorized records are driven by de-identification markers (0 of 1 judged by token "
                + "significance"), reasons);
        assertTrue(reasons.contains("highest score 0.900000 exceeds 0.8"), reasons);
    }

    @Test
    void theMarkerRuleFollowsTokenAttributionWhenTheRecordHasIt() {
        runner.setProperty(EvaluateReleaseGate.MAXIMUM_MEMORIZED_FRACTION, "0.9");
        final String attributedBelow = "{\"prompt\":\"Compared to ___, new opacity.\",\"dmem\":0.9,\"marker_rank\":3}\n"
                + "{\"prompt\":\"Clear lungs.\",\"dmem\":0.1}\n";
        runner.enqueue(attributedBelow);
        runner.run();
        runner.assertTransferCount(EvaluateReleaseGate.REL_APPROVED, 1);
        runner.clearTransferState();

        runner.enqueue(attributedBelow.replace("\"marker_rank\":3", "\"marker_rank\":1"));
        runner.run();
        runner.assertTransferCount(EvaluateReleaseGate.REL_REJECTED, 1);
        final String reasons = runner.getFlowFilesForRelationship(EvaluateReleaseGate.REL_REJECTED).get(0)
                .getAttribute(EvaluateReleaseGate.REASONS);
        assertTrue(reasons.contains("1 of 1 judged by token significance, marker rank <= 1"), reasons);
        runner.clearTransferState();

        runner.setProperty(EvaluateReleaseGate.MARKER_RANK_LIMIT, "3");
        runner.enqueue(attributedBelow);
        runner.run();
        runner.assertTransferCount(EvaluateReleaseGate.REL_REJECTED, 1);
    }

    @Test
    void recordsWithoutAUsableScoreAreNeverApproved() throws Exception {
        runner.setProperty(EvaluateReleaseGate.MAXIMUM_MEMORIZED_FRACTION, "1.0");
        for (final String bad : new String[] {
                "{\"prompt\":\"Clear lungs.\",\"dmem\":\"NaN\"}",
                "{\"prompt\":\"Clear lungs.\",\"dmem\":\"Infinity\"}",
                "{\"prompt\":\"Clear lungs.\",\"dmem\":0.1,\"score_error\":\"scoring failed: EngineException\"}",
                "{\"prompt\":\"Clear lungs.\",\"dmem\":null,\"score_error\":\"not a finite score: dmem is NaN\"}",
                "{\"prompt\":\"Clear lungs.\"}"}) {
            runner.clearTransferState();
            final MockFlowFile rejected = decide(CLEAN + bad + "\n", EvaluateReleaseGate.REL_REJECTED);
            assertTrue(rejected.getAttribute(EvaluateReleaseGate.REASONS).contains("1 of 3 records were not scored"),
                    bad + ": " + rejected.getAttribute(EvaluateReleaseGate.REASONS));
            rejected.assertAttributeEquals("gate.unscored", "1");
            assertEquals(1, report().path("unscored").asInt() + report().path("failed").asInt(), bad);
        }
    }

    @Test
    void aDatasetWithoutTheScoreFieldOrWithoutRecordsIsRejectedSayingWhy() throws Exception {
        final MockFlowFile rejected = decide("{\"prompt\":\"Clear lungs.\",\"dmem_first_step\":0.1}\n", EvaluateReleaseGate.REL_REJECTED);
        assertTrue(rejected.getAttribute(EvaluateReleaseGate.REASONS).startsWith("no record has a usable score in /dmem"),
                rejected.getAttribute(EvaluateReleaseGate.REASONS));
        rejected.assertAttributeEquals("gate.max.score", "");
        assertTrue(report().path("max_score").isNull());
        runner.clearTransferState();
        decide("", EvaluateReleaseGate.REL_REJECTED).assertAttributeEquals(EvaluateReleaseGate.REASONS, "the dataset has no records");
    }

    @Test
    void theHoldPolicyAddsHeldAndHoldsOnlyDatasetsWhoseOnlyProblemIsUnscoredRecords() {
        assertFalse(runner.getProcessor().getRelationships().contains(EvaluateReleaseGate.REL_HELD), "no 'held' by default");
        runner.setProperty(EvaluateReleaseGate.UNSCORED_RECORDS, "hold");
        assertTrue(runner.getProcessor().getRelationships().contains(EvaluateReleaseGate.REL_HELD));
        runner.setProperty(EvaluateReleaseGate.MAXIMUM_MEMORIZED_FRACTION, "1.0");
        decide(CLEAN + "{\"prompt\":\"Clear lungs.\"}\n", EvaluateReleaseGate.REL_HELD)
                .assertAttributeEquals(EvaluateReleaseGate.DECISION, "held");
        runner.clearTransferState();
        runner.setProperty(EvaluateReleaseGate.MAXIMUM_MEMORIZED_FRACTION, "0.01");
        runner.setProperty(EvaluateReleaseGate.MARKER_RULE, "false");
        decide(SCORED + "{\"prompt\":\"Clear lungs.\"}\n", EvaluateReleaseGate.REL_REJECTED);
    }

    @Test
    void screenedOutRecordsCountOnlyWithAScreeningScoreField() {
        final String twoStage = CLEAN + "{\"prompt\":\"Clear lungs.\",\"dmem\":null,\"dmem_first_step\":0.2}\n";
        decide(twoStage, EvaluateReleaseGate.REL_REJECTED);
        runner.clearTransferState();
        runner.setProperty(EvaluateReleaseGate.SCREENING_SCORE_FIELD, "/dmem_first_step");
        decide(twoStage, EvaluateReleaseGate.REL_APPROVED);
    }

    @Test
    void unreadableDatasetsFailUnchanged() {
        runner.enqueue("{broken");
        runner.run();
        runner.assertAllFlowFilesTransferred(EvaluateReleaseGate.REL_FAILURE, 1);
        final MockFlowFile failed = runner.getFlowFilesForRelationship(EvaluateReleaseGate.REL_FAILURE).get(0);
        failed.assertContentEquals("{broken");
        assertTrue(failed.isPenalized());
        assertFalse(failed.getAttribute(EvaluateReleaseGate.ERROR).contains("broken"));
    }

    @Test
    void aFractionOutsideZeroToOneOrANanThresholdIsInvalid() {
        runner.setProperty(EvaluateReleaseGate.MAXIMUM_MEMORIZED_FRACTION, "1.5");
        runner.assertNotValid();
        runner.setProperty(EvaluateReleaseGate.MAXIMUM_MEMORIZED_FRACTION, "0.5");
        runner.assertValid();
        runner.setProperty(EvaluateReleaseGate.MEMORIZATION_THRESHOLD, "NaN");
        runner.assertNotValid();
    }
}
