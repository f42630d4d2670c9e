package io.memaudit.nifi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.memaudit.nifi.service.StandardDiffusionModelService;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.nifi.json.JsonRecordSetWriter;
import org.apache.nifi.json.JsonTreeReader;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.Test;

/**
 * ScoreMemorization's Scored Output "one per input", the mode a chunked dataset uses: one child per input with every record
 * and the input's fragment attributes, so MergeRecord's Defragment strategy reassembles the dataset exactly.
 */
class ScoreMemorizationScoredOutputTest {
    private static final String TINY = Path.of("..", "models", "tiny-init").toAbsolutePath().normalize().toString();
    private static final Map<String, String> FRAGMENT = Map.of("fragment.identifier", "dataset-1", "fragment.index", "2",
            "fragment.count", "5", "filename", "captions.jsonl");

    private static TestRunner runner(final String threshold) throws InitializationException {
        final TestRunner runner = TestRunners.newTestRunner(ScoreMemorization.class);
        final StandardDiffusionModelService service = new StandardDiffusionModelService();
        runner.addControllerService("model", service);
        runner.setProperty(service, StandardDiffusionModelService.MODEL_DIRECTORY, TINY);
        runner.setProperty(service, StandardDiffusionModelService.DEVICE, "cpu");
        runner.enableControllerService(service);
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
        runner.setProperty(ScoreMemorization.MEMORIZATION_THRESHOLD, threshold);
        runner.setProperty(ScoreMemorization.GENERATIONS, "2");
        runner.setProperty(ScoreMemorization.STEPS, "4");
        runner.setProperty(ScoreMemorization.SCORED_OUTPUT, ScoreMemorization.ONE_PER_INPUT.getValue());
        return runner;
    }

    @Test
    void aChunkComesOutAsOneScoredChildWithEveryRecordInOrderAndItsFragmentAttributes() throws InitializationException {
        final TestRunner runner = runner("0.3");
        runner.enqueue("""
                {"id":1,"prompt":"No acute cardiopulmonary process."}
                {"id":2,"prompt":"Compared to ___, small left pleural effusion. Dr. ___ was notified."}
                {"id":3,"prompt":"Moderate cardiomegaly, similar to ___ and ___."}
                {"id":4,"prompt":""}
                """, FRAGMENT);
        runner.run();
        runner.assertTransferCount(ScoreMemorization.REL_SCORED, 1);
        runner.assertTransferCount(ScoreMemorization.REL_NOT_MEMORIZED, 0);
        runner.assertTransferCount(ScoreMemorization.REL_FAILURE, 0);
        runner.assertTransferCount(ScoreMemorization.REL_ORIGINAL, 1);
        final MockFlowFile scored = runner.getFlowFilesForRelationship(ScoreMemorization.REL_SCORED).get(0);
        FRAGMENT.forEach(scored::assertAttributeEquals);
        final List<String> lines = scored.getContent().lines().toList();
        assertEquals(4, lines.size(), lines.toString());
        for (int i = 0; i < lines.size(); i++) {
            assertTrue(lines.get(i).startsWith("{\"id\":" + (i + 1) + ",") && lines.get(i).contains("\"dmem\":"), lines.get(i));
        }
        final List<MockFlowFile> memorized = runner.getFlowFilesForRelationship(ScoreMemorization.REL_MEMORIZED);
        final MockFlowFile original = runner.getFlowFilesForRelationship(ScoreMemorization.REL_ORIGINAL).get(0);
        final int expectedMemorized = Integer.parseInt(original.getAttribute(ScoreMemorization.MEMORIZED_COUNT));
        assertTrue(expectedMemorized > 0 && expectedMemorized < 4, "the threshold splits the chunk: " + lines);
        assertEquals(1, memorized.size(), "a copy of the memorized records for review");
        assertEquals(expectedMemorized, memorized.get(0).getContent().lines().count());
        for (final String line : memorized.get(0).getContent().lines().toList()) {
            assertTrue(lines.contains(line), "the review copy holds the scored records as they are: " + line);
        }
    }

    @Test
    void aChunkWithARecordThatCouldNotBeScoredGoesWholeToFailureAndNeverToScored() throws InitializationException {
        final TestRunner runner = runner("1000");
        runner.enqueue("{\"id\":1,\"prompt\":\"Clear lungs.\"}\n{\"id\":2}\n{\"id\":3,\"prompt\":\"Small effusion.\"}\n", FRAGMENT);
        runner.run();
        runner.assertTransferCount(ScoreMemorization.REL_SCORED, 0);
        runner.assertTransferCount(ScoreMemorization.REL_NOT_MEMORIZED, 0);
        runner.assertTransferCount(ScoreMemorization.REL_FAILURE, 1);
        final MockFlowFile failed = runner.getFlowFilesForRelationship(ScoreMemorization.REL_FAILURE).get(0);
        FRAGMENT.forEach(failed::assertAttributeEquals);
        final List<String> lines = failed.getContent().lines().toList();
        assertEquals(3, lines.size(), "the whole chunk, so its dataset is never gated on part of its records: " + lines);
        assertTrue(lines.get(1).contains("\"score_error\":\"the text field is missing"), lines.get(1));
    }
}
