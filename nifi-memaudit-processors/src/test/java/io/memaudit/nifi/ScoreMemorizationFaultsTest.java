package io.memaudit.nifi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memaudit.core.scoring.Detectors;
import io.memaudit.core.scoring.PromptScore;
import io.memaudit.core.scoring.ScoringMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.nifi.json.JsonRecordSetWriter;
import org.apache.nifi.json.JsonTreeReader;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ScoreMemorization under faults, with a stub model service (the model is not the point: the faults around it are) and
 * real JSON record readers and writers. Faults provoked, each asserted to leave every FlowFile on exactly one relationship
 * (or, when stopped, back in its queue), and no unscored record on 'not memorized' nor, through EvaluateReleaseGate, on
 * 'approved':
 * <ol>
 *   <li>the service returns NaN for one prompt without an error (a service that does not fail closed);</li>
 *   <li>one batch fails;</li>
 *   <li>both at once, then the routed records gated;</li>
 *   <li>the writer fails on the second child: no child survives, the input goes to failure, no rollback loop;</li>
 *   <li>the service throws (disabled mid-task): the input goes to failure, penalized, with the exception type;</li>
 *   <li>libtorch throws a RuntimeException of its own (ArithmeticException here): the same;</li>
 *   <li>the processor is stopped between batches: the session rolls back, the input returns to its queue, nothing is
 *       routed as "stopped";</li>
 *   <li>unreadable content: the input goes to failure whole;</li>
 *   <li>a two-stage outcome screened in but without dmem, and a first step at or above the screening threshold without
 *       dmem: failure, never not memorized.</li>
 * </ol>
 */
class ScoreMemorizationFaultsTest {
    private static final String DATASET = """
            {"id":1,"prompt":"No acute process."}
            {"id":2,"prompt":"MEMO Compared to ___, new opacity."}
            {"id":3,"prompt":"NAN Stable effusion."}
            {"id":4,"prompt":"Clear lungs."}
            {"id":5,"prompt":"Normal heart size."}
            {"id":6,"prompt":"Small pleural effusion."}
            """;

    private TestRunner runner;
    private StubDiffusionModelService model;

    @BeforeEach
    void setUp() throws InitializationException {
        runner = TestRunners.newTestRunner(ScoreMemorization.class);
        model = new StubDiffusionModelService();
        runner.addControllerService("model", model);
        runner.enableControllerService(model);
        final JsonTreeReader reader = new JsonTreeReader();
        runner.addControllerService("reader", reader);
        runner.enableControllerService(reader);
        final JsonRecordSetWriter writer = new JsonRecordSetWriter();
        runner.addControllerService("writer", writer);
        runner.setProperty(writer, JsonRecordSetWriter.OUTPUT_GROUPING, JsonRecordSetWriter.OUTPUT_ONELINE);
        runner.enableControllerService(writer);
        runner.setProperty(ScoreMemorization.RECORD_READER, "reader");
        runner.setProperty(ScoreMemorization.RECORD_WRITER, "writer");
        runner.setProperty(ScoreMemorization.MODEL_SERVICE, "model");
        runner.setProperty(ScoreMemorization.MEMORIZATION_THRESHOLD, "0.5");
        runner.setProperty(ScoreMemorization.BATCH_SIZE, "2");
        runner.setProperty(ScoreMemorization.TOP_TOKENS, "0");
    }

    private List<String> lines(final Relationship relationship) {
        final List<String> lines = new ArrayList<>();
        runner.getFlowFilesForRelationship(relationship).forEach(flowFile -> lines.addAll(flowFile.getContent().lines().toList()));
        return lines;
    }

    private MockFlowFile failedInput() {
        runner.assertAllFlowFilesTransferred(ScoreMemorization.REL_FAILURE, 1);
        final MockFlowFile failed = runner.getFlowFilesForRelationship(ScoreMemorization.REL_FAILURE).get(0);
        failed.assertContentEquals(DATASET);
        assertTrue(failed.isPenalized());
        assertTrue(runner.isQueueEmpty(), "nothing is rolled back to be scored again");
        return failed;
    }

    @Test
    void aNanScoreWithoutAnErrorGoesToFailureNotToNotMemorized() {
        runner.enqueue(DATASET);
        runner.run();
        final List<String> failed = lines(ScoreMemorization.REL_FAILURE);
        assertEquals(1, failed.size(), failed.toString());
        assertTrue(failed.get(0).contains("\"id\":3") && failed.get(0).contains("\"score_error\":\"not a finite score: dmem is NaN\""),
                failed.get(0));
        assertTrue(lines(ScoreMemorization.REL_NOT_MEMORIZED).stream().noneMatch(line -> line.contains(StubDiffusionModelService.NAN)));
        assertEquals(1, lines(ScoreMemorization.REL_MEMORIZED).size());
        assertEquals(4, lines(ScoreMemorization.REL_NOT_MEMORIZED).size());
    }

    @Test
    void aFailedBatchAndANanPromptNeverReachNotMemorizedNorThroughTheGateApproved() throws InitializationException {
        model.failingBatch = 2;
        runner.setProperty(ScoreMemorization.MEMORIZATION_THRESHOLD, "1.0");
        runner.enqueue(DATASET);
        runner.run();
        final List<String> failed = lines(ScoreMemorization.REL_FAILURE);
        assertEquals(3, failed.size(), "the NaN prompt and the last batch's two prompts: " + failed);
        assertEquals(2, failed.stream().filter(line -> line.contains("scoring failed: EngineException")).count(), failed.toString());
        final List<String> notMemorized = lines(ScoreMemorization.REL_NOT_MEMORIZED);
        assertEquals(3, notMemorized.size());
        assertTrue(notMemorized.stream().noneMatch(line -> line.contains("\"id\":3") || line.contains("\"id\":5")
                || line.contains("\"id\":6")), notMemorized.toString());
        runner.getFlowFilesForRelationship(ScoreMemorization.REL_ORIGINAL).get(0).assertAttributeEquals(ScoreMemorization.FAILURE_COUNT, "3");

        // merged downstream (as MergeRecord would), the gate rejects the dataset with the failed records in it
        final String merged = String.join("\n", notMemorized) + "\n" + String.join("\n", failed) + "\n";
        final TestRunner gate = TestRunners.newTestRunner(EvaluateReleaseGate.class);
        final JsonTreeReader reader = new JsonTreeReader();
        gate.addControllerService("reader", reader);
        gate.enableControllerService(reader);
        gate.setProperty(EvaluateReleaseGate.RECORD_READER, "reader");
        gate.setProperty(EvaluateReleaseGate.MEMORIZATION_THRESHOLD, "1.0");
        gate.setProperty(EvaluateReleaseGate.MAXIMUM_MEMORIZED_FRACTION, "1.0");
        gate.enqueue(merged);
        gate.run();
        gate.assertTransferCount(EvaluateReleaseGate.REL_APPROVED, 0);
        gate.assertTransferCount(EvaluateReleaseGate.REL_REJECTED, 1);
        final String reasons = gate.getFlowFilesForRelationship(EvaluateReleaseGate.REL_REJECTED).get(0)
                .getAttribute(EvaluateReleaseGate.REASONS);
        assertTrue(reasons.contains("3 of 6 records were not scored (3 failed"), reasons);
        // the not-memorized child alone would pass: the gate's rejection is the failed records' doing
        gate.clearTransferState();
        gate.enqueue(String.join("\n", notMemorized) + "\n");
        gate.run();
        gate.assertTransferCount(EvaluateReleaseGate.REL_APPROVED, 1);
    }

    @Test
    void aWriterFailureOnTheSecondChildSendsTheInputToFailureWithNoChildren() throws InitializationException {
        final FailingRecordSetWriterFactory failing = new FailingRecordSetWriterFactory();
        runner.addControllerService("failing-writer", failing);
        runner.enableControllerService(failing);
        failing.delegate = (org.apache.nifi.serialization.RecordSetWriterFactory) runner.getControllerService("writer");
        runner.setProperty(ScoreMemorization.RECORD_WRITER, "failing-writer");
        runner.enqueue(DATASET);
        runner.run();
        final MockFlowFile failed = failedInput();
        assertTrue(failed.getAttribute(ScoreMemorization.ERROR).contains("IOException"), failed.getAttribute(ScoreMemorization.ERROR));
        assertFalse(failed.getAttribute(ScoreMemorization.ERROR).contains("disk full"), "exception messages stay at DEBUG");
        assertEquals(0, runner.getFlowFilesForRelationship(ScoreMemorization.REL_MEMORIZED).size()
                + runner.getFlowFilesForRelationship(ScoreMemorization.REL_NOT_MEMORIZED).size());
    }

    @Test
    void aServiceDisabledMidTaskSendsTheInputToFailurePenalizedWithTheExceptionType() {
        model.scoreFailure = new IllegalStateException("The diffusion model service is not enabled");
        runner.enqueue(DATASET);
        runner.run();
        final String error = failedInput().getAttribute(ScoreMemorization.ERROR);
        assertTrue(error.contains("IllegalStateException"), error);
        assertFalse(error.contains("not enabled"), error);
    }

    @Test
    void libtorchThrowingSendsTheInputToFailureWithTheExceptionType() {
        model.scoreFailure = new ArithmeticException("native: CUDA error");
        runner.enqueue(DATASET);
        runner.run();
        assertTrue(failedInput().getAttribute(ScoreMemorization.ERROR).contains("ArithmeticException"));
    }

    @Test
    void stoppedBetweenBatchesTheInputReturnsToItsQueueUnrouted() {
        final ScoreMemorization processor = (ScoreMemorization) runner.getProcessor();
        model.beforeBatch = batch -> {
            if (batch == 1) {
                processor.updateScheduledFalse();
            }
        };
        runner.enqueue(DATASET);
        runner.run();
        runner.assertTransferCount(ScoreMemorization.REL_FAILURE, 0);
        runner.assertTransferCount(ScoreMemorization.REL_NOT_MEMORIZED, 0);
        runner.assertTransferCount(ScoreMemorization.REL_MEMORIZED, 0);
        runner.assertTransferCount(ScoreMemorization.REL_ORIGINAL, 0);
        assertEquals(1, runner.getQueueSize().getObjectCount(), "the input is back in its queue");

        model.beforeBatch = batch -> { };
        runner.run();
        runner.assertTransferCount(ScoreMemorization.REL_ORIGINAL, 1);
        assertTrue(runner.isQueueEmpty());
    }

    @Test
    void unreadableContentGoesToFailureWhole() {
        runner.enqueue("{\"prompt\": broken");
        runner.run();
        runner.assertAllFlowFilesTransferred(ScoreMemorization.REL_FAILURE, 1);
        assertEquals(0, model.scoredPrompts, "nothing is scored from unreadable content");
    }

    @Test
    void twoStageOutcomesWithoutDmemAreNotMemorizedOnlyWhenScreenedOut() {
        final PromptScore screenedOut = new PromptScore(Map.of(Detectors.FIRST_STEP, 0.2), false, null);
        final PromptScore screenedIn = new PromptScore(Map.of(Detectors.FIRST_STEP, 0.7), false, null);
        final PromptScore infinite = new PromptScore(Map.of(Detectors.DMEM, Double.POSITIVE_INFINITY), false, null);
        assertEquals(ScoreMemorization.REL_NOT_MEMORIZED, ScoreMemorization.route(screenedOut, ScoringMode.TWO_STAGE, 1.0, 0.5).relationship());
        assertNull(ScoreMemorization.route(screenedOut, ScoringMode.TWO_STAGE, 1.0, 0.5).error());
        assertEquals(ScoreMemorization.REL_FAILURE, ScoreMemorization.route(screenedIn, ScoringMode.TWO_STAGE, 1.0, 0.5).relationship());
        assertEquals(ScoreMemorization.REL_FAILURE, ScoreMemorization.route(screenedOut, ScoringMode.FULL, 1.0, 0.5).relationship());
        assertEquals(ScoreMemorization.REL_FAILURE, ScoreMemorization.route(infinite, ScoringMode.FULL, 1.0, 0.5).relationship());
    }
}
