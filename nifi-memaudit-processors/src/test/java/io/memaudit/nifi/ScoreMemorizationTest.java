package io.memaudit.nifi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.memaudit.nifi.service.StandardDiffusionModelService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.nifi.json.JsonRecordSetWriter;
import org.apache.nifi.json.JsonTreeReader;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ScoreMemorization with a real StandardDiffusionModelService on models/tiny-init. */
class ScoreMemorizationTest {
    private static final String TINY = Path.of("..", "models", "tiny-init").toAbsolutePath().normalize().toString();
    private static final String DATASET = """
            {"id":1,"prompt":"No acute cardiopulmonary process."}
            {"id":2,"prompt":"Compared to ___, small left pleural effusion. Dr. ___ was notified."}
            {"id":3,"prompt":"No acute cardiopulmonary process."}
            {"id":4}
            {"id":5,"prompt":"Moderate cardiomegaly, similar to ___ and ___."}
            {"id":6,"prompt":""}
            """;

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
        runner.setProperty(ScoreMemorization.BATCH_SIZE, "2");
        return runner;
    }

    private static List<String> lines(final TestRunner runner, final org.apache.nifi.processor.Relationship relationship) {
        final List<String> lines = new ArrayList<>();
        for (final MockFlowFile flowFile : runner.getFlowFilesForRelationship(relationship)) {
            lines.addAll(flowFile.getContent().lines().toList());
        }
        return lines;
    }

    @Test
    void recordsAreScoredAndSplitByTheThresholdWithNothingLost() throws InitializationException {
        final TestRunner runner = runner("0.3");
        runner.enqueue(DATASET);
        runner.run();
        runner.assertTransferCount(ScoreMemorization.REL_ORIGINAL, 1);
        final List<String> memorized = lines(runner, ScoreMemorization.REL_MEMORIZED);
        final List<String> notMemorized = lines(runner, ScoreMemorization.REL_NOT_MEMORIZED);
        final List<String> failed = lines(runner, ScoreMemorization.REL_FAILURE);
        assertEquals(6, memorized.size() + notMemorized.size() + failed.size());
        assertEquals(1, failed.size());
        assertTrue(failed.get(0).contains("\"id\":4") && failed.get(0).contains("\"score_error\":\"the text field is missing"),
                failed.get(0));
        assertFalse(memorized.isEmpty(), "the threshold leaves some records memorized");
        for (final String line : memorized) {
            assertTrue(dmem(line) >= 0.3, line);
            assertTrue(line.matches(".*\"top_tokens\":\"[^\"]+ [0-9.e-]+(; [^\"]+ [0-9.e-]+){0,4}\".*"), line);
            assertTrue(line.contains("\"top_words\":\""), line);
            final boolean hasMarker = line.contains("___");
            assertEquals(hasMarker, !line.contains("\"marker_rank\":0"), "marker_rank is 0 exactly without a marker: " + line);
        }
        for (final String line : notMemorized) {
            assertTrue(dmem(line) < 0.3, line);
            assertTrue(line.contains("\"top_tokens\":\"\"") && line.contains("\"marker_rank\":-1"),
                    "only memorized records are attributed, the others carry the same fields empty: " + line);
            assertTrue(line.contains("\"dmem_first_step\":"), line);
        }
        assertTrue(notMemorized.stream().anyMatch(line -> line.contains("\"id\":6") && dmem(line) == 0.0), notMemorized.toString());
        final MockFlowFile original = runner.getFlowFilesForRelationship(ScoreMemorization.REL_ORIGINAL).get(0);
        original.assertAttributeEquals(ScoreMemorization.MEMORIZED_COUNT, String.valueOf(memorized.size()));
        original.assertAttributeEquals(ScoreMemorization.FAILURE_COUNT, "1");
        original.assertContentEquals(DATASET);
    }

    private static double dmem(final String line) {
        final java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\"dmem\":([0-9.eE-]+)").matcher(line);
        assertTrue(matcher.find(), line);
        return Double.parseDouble(matcher.group(1));
    }

    @Test
    void fourConcurrentTasksGiveTheSameScoresAsOne() throws InitializationException {
        final List<String> single = scoreEach(1);
        assertEquals(single, scoreEach(4));
    }

    private static List<String> scoreEach(final int threads) throws InitializationException {
        final TestRunner runner = runner("1000");
        runner.setThreadCount(threads);
        final List<String> inputs = DATASET.lines().filter(line -> line.contains("prompt")).toList();
        for (final String input : inputs) {
            runner.enqueue(input);
        }
        runner.run(inputs.size());
        return lines(runner, ScoreMemorization.REL_NOT_MEMORIZED).stream().sorted().toList();
    }

    @Test
    void twoStageModeComputesFullScoresOnlyForScreenedRecords() throws InitializationException {
        final TestRunner runner = runner("0.0");
        runner.setProperty(ScoreMemorization.SCORING_MODE, "two-stage");
        runner.setProperty(ScoreMemorization.SCREENING_THRESHOLD, "1.0");
        runner.enqueue(DATASET);
        runner.run();
        final List<String> memorized = lines(runner, ScoreMemorization.REL_MEMORIZED);
        final List<String> notMemorized = lines(runner, ScoreMemorization.REL_NOT_MEMORIZED);
        assertTrue(memorized.stream().allMatch(line -> line.contains("\"dmem\":") && !line.contains("\"dmem\":null")), memorized.toString());
        assertTrue(notMemorized.stream().allMatch(line -> line.contains("\"dmem\":null")), notMemorized.toString());
        assertTrue(!memorized.isEmpty() && !notMemorized.isEmpty(), memorized + " / " + notMemorized);
    }

    @Test
    void aPromptLongerThanTheEncoderTakesIsScoredTruncatedAndFlagged() throws InitializationException {
        final TestRunner runner = runner("1000");
        runner.enqueue("{\"prompt\":\"" + "small left pleural effusion ".repeat(40) + "\"}\n{\"prompt\":\"Clear lungs.\"}\n");
        runner.run();
        final List<String> lines = lines(runner, ScoreMemorization.REL_NOT_MEMORIZED);
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).contains("\"prompt_truncated\":true") && lines.get(0).contains("\"dmem\":"), lines.get(0));
        assertTrue(lines.get(1).contains("\"prompt_truncated\":false"), lines.get(1));
    }

    @Test
    void unreadableContentGoesToFailureWhole() throws InitializationException {
        final TestRunner runner = runner("0.3");
        runner.enqueue("{\"prompt\": broken");
        runner.run();
        runner.assertAllFlowFilesTransferred(ScoreMemorization.REL_FAILURE, 1);
        runner.getFlowFilesForRelationship(ScoreMemorization.REL_FAILURE).get(0).assertContentEquals("{\"prompt\": broken");
    }

    @Test
    void aBundleThatCannotLoadKeepsTheServiceDisabledAndSaysWhy(@TempDir final Path directory) throws IOException {
        final Path bundle = Files.createDirectories(directory.resolve("bundle"));
        try (Stream<Path> files = Files.list(Path.of(TINY))) {
            for (final Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                Files.copy(file, bundle.resolve(file.getFileName()));
            }
        }
        Files.writeString(bundle.resolve("unet.pt"), "corrupt");
        final TestRunner runner = TestRunners.newTestRunner(ScoreMemorization.class);
        final StandardDiffusionModelService service = new StandardDiffusionModelService();
        try {
            runner.addControllerService("model", service);
        } catch (final InitializationException e) {
            throw new AssertionError(e);
        }
        runner.setProperty(service, StandardDiffusionModelService.MODEL_DIRECTORY, bundle.toString());
        runner.assertValid(service);
        final Throwable failure = assertThrows(Throwable.class, () -> runner.enableControllerService(service));
        final StringBuilder messages = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            messages.append(cause.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("unet.pt: SHA-256 ") && messages.toString().contains("does not match bundle.json"),
                messages.toString());
        runner.setProperty(service, StandardDiffusionModelService.MODEL_DIRECTORY, directory.resolve("missing").toString());
        runner.assertNotValid(service);
    }
}
