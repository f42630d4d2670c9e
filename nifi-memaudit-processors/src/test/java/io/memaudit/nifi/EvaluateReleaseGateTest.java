package io.memaudit.nifi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.apache.nifi.json.JsonTreeReader;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EvaluateReleaseGateTest {
    private static final String SCORED = """
            {"prompt":"No acute process.","dmem":0.1}
            {"prompt":"Stable effusion.","dmem":0.2}
            {"prompt":"Compared to ___, new opacity.","dmem":0.9}
            {"prompt":"Clear lungs.","dmem":0.15}
            {"prompt":"no score"}
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

    private MockFlowFile decide(final String relationship) {
        runner.enqueue(SCORED.getBytes(StandardCharsets.UTF_8), java.util.Map.of("filename", "dataset.jsonl"));
        runner.run();
        runner.assertTransferCount(EvaluateReleaseGate.REL_REPORT, 1);
        runner.assertTransferCount(relationship.equals("approved") ? EvaluateReleaseGate.REL_APPROVED : EvaluateReleaseGate.REL_REJECTED, 1);
        return runner.getFlowFilesForRelationship(relationship.equals("approved") ? EvaluateReleaseGate.REL_APPROVED
                : EvaluateReleaseGate.REL_REJECTED).get(0);
    }

    @Test
    void tooManyMemorizedRecordsReject() {
        runner.setProperty(EvaluateReleaseGate.MARKER_RULE, "false");
        final MockFlowFile rejected = decide("rejected");
        rejected.assertAttributeEquals(EvaluateReleaseGate.DECISION, "rejected");
        assertTrue(rejected.getAttribute(EvaluateReleaseGate.REASONS).contains("memorized fraction 0.2500 exceeds 0.0100 (1 of 4"),
                rejected.getAttribute(EvaluateReleaseGate.REASONS));
        rejected.assertContentEquals(SCORED);
        final String report = runner.getFlowFilesForRelationship(EvaluateReleaseGate.REL_REPORT).get(0).getContent();
        assertTrue(report.contains("\"unscored\": 1") && report.contains("\"decision\": \"rejected\""), report);
        assertFalse(report.contains("opacity"), "no prompt text in the report");
    }

    @Test
    void aGenerousPolicyApproves() {
        runner.setProperty(EvaluateReleaseGate.MARKER_RULE, "false");
        runner.setProperty(EvaluateReleaseGate.MAXIMUM_MEMORIZED_FRACTION, "0.5");
        decide("approved").assertAttributeEquals(EvaluateReleaseGate.REASONS, "");
    }

    @Test
    void memorizedRecordsWithMarkersAndHighScoresReject() {
        runner.setProperty(EvaluateReleaseGate.MAXIMUM_MEMORIZED_FRACTION, "0.5");
        runner.setProperty(EvaluateReleaseGate.MAXIMUM_SCORE, "0.8");
        final String reasons = decide("rejected").getAttribute(EvaluateReleaseGate.REASONS);
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
    void unreadableDatasetsFailUnchanged() {
        runner.enqueue("{broken");
        runner.run();
        runner.assertAllFlowFilesTransferred(EvaluateReleaseGate.REL_FAILURE, 1);
        runner.getFlowFilesForRelationship(EvaluateReleaseGate.REL_FAILURE).get(0).assertContentEquals("{broken");
    }

    @Test
    void aFractionOutsideZeroToOneIsInvalid() {
        runner.setProperty(EvaluateReleaseGate.MAXIMUM_MEMORIZED_FRACTION, "1.5");
        runner.assertNotValid();
    }
}
