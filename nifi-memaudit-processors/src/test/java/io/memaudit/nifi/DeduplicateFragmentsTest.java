package io.memaudit.nifi;

import static io.memaudit.nifi.FaultChecks.FILENAME;
import static io.memaudit.nifi.FaultChecks.assertFailedCleanly;
import static io.memaudit.nifi.FaultChecks.assertNothingLeaked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.nifi.components.state.Scope;
import org.apache.nifi.processors.standard.MergeRecord;
import org.apache.nifi.json.JsonRecordSetWriter;
import org.apache.nifi.json.JsonTreeReader;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link DeduplicateFragments}: each fragment passes once, a repeat goes to 'duplicate', whatever the batch, across tasks
 * and across a restart (the state is the processor's local state, committed with the session); identifiers idle longer
 * than Remember Fragments For are forgotten.
 *
 * <p>Faults (8): no identifier; an empty identifier; no index; an index that is not a number; a negative index; an index
 * above the count; no count; a count of zero. Each goes to failure on its own, penalized, with the attribute named, and
 * does not hold back the good fragments of the same task.
 */
class DeduplicateFragmentsTest {
    private TestRunner runner;

    @BeforeEach
    void setUp() {
        runner = TestRunners.newTestRunner(DeduplicateFragments.class);
    }

    private static Map<String, String> fragment(final String identifier, final int index, final int count) {
        return Map.of("fragment.identifier", identifier, "fragment.index", String.valueOf(index),
                "fragment.count", String.valueOf(count), "filename", FILENAME);
    }

    @Test
    void eachFragmentPassesOnceAndARepeatGoesToDuplicateInTheSameTaskOrALaterOne() {
        runner.enqueue("a0", fragment("a", 0, 3));
        runner.enqueue("a1", fragment("a", 1, 3));
        runner.enqueue("a1 again", fragment("a", 1, 3));
        runner.enqueue("b1", fragment("b", 1, 2)); // another dataset's index 1 is its own
        runner.run();
        runner.assertTransferCount(DeduplicateFragments.REL_SUCCESS, 3);
        runner.assertTransferCount(DeduplicateFragments.REL_DUPLICATE, 1);
        runner.getFlowFilesForRelationship(DeduplicateFragments.REL_DUPLICATE).get(0).assertContentEquals("a1 again");

        runner.clearTransferState();
        runner.enqueue("a0 again", fragment("a", 0, 3));
        runner.enqueue("a2", fragment("a", 2, 3));
        runner.run();
        runner.assertTransferCount(DeduplicateFragments.REL_SUCCESS, 1);
        runner.getFlowFilesForRelationship(DeduplicateFragments.REL_SUCCESS).get(0).assertContentEquals("a2");
        runner.assertTransferCount(DeduplicateFragments.REL_DUPLICATE, 1);
        runner.getFlowFilesForRelationship(DeduplicateFragments.REL_DUPLICATE).get(0).assertContentEquals("a0 again");
        assertNothingLeaked(runner);
        assertTrue(FaultChecks.logLines(runner.getLogger(), false).stream().noneMatch(line -> line.contains("\"a\"")),
                "the identifier is not logged");
    }

    @Test
    void theSameFragmentsGiveTheSameRoutesWhateverTheBatchSize() {
        final List<Map<String, String>> arrivals = List.of(fragment("x", 0, 4), fragment("y", 0, 2), fragment("x", 0, 4),
                fragment("x", 3, 4), fragment("y", 1, 2), fragment("y", 0, 2), fragment("x", 1, 4), fragment("x", 3, 4));
        final List<String> expected = routes(arrivals, 100);
        assertEquals(List.of("success", "success", "duplicate", "success", "success", "duplicate", "success", "duplicate"),
                expected);
        assertEquals(expected, routes(arrivals, 1));
        assertEquals(expected, routes(arrivals, 3));
    }

    private static List<String> routes(final List<Map<String, String>> arrivals, final int batch) {
        final TestRunner fresh = TestRunners.newTestRunner(DeduplicateFragments.class);
        fresh.setProperty(DeduplicateFragments.BATCH_SIZE, String.valueOf(batch));
        for (int i = 0; i < arrivals.size(); i++) {
            fresh.enqueue(String.valueOf(i), arrivals.get(i));
        }
        fresh.run(arrivals.size());
        final String[] routes = new String[arrivals.size()];
        for (final String relationship : List.of("success", "duplicate")) {
            for (final MockFlowFile flowFile : fresh.getFlowFilesForRelationship(relationship)) {
                routes[Integer.parseInt(flowFile.getContent())] = relationship;
            }
        }
        return List.of(routes);
    }

    @Test
    void theStateSurvivesARestartAndIdleIdentifiersAreForgotten() throws IOException {
        runner.enqueue("a0", fragment("a", 0, 2));
        runner.run();
        final Map<String, String> state = runner.getStateManager().getState(Scope.LOCAL).toMap();
        assertEquals(List.of("a"), List.copyOf(state.keySet()), "one entry per identifier");

        // a restarted node reads the committed state back
        final TestRunner restarted = TestRunners.newTestRunner(DeduplicateFragments.class);
        restarted.getStateManager().setState(state, Scope.LOCAL);
        restarted.enqueue("a0 again", fragment("a", 0, 2));
        restarted.run();
        restarted.assertAllFlowFilesTransferred(DeduplicateFragments.REL_DUPLICATE, 1);

        // an entry last touched two days ago is past Remember Fragments For (6 hours): forgotten, and dropped from the state
        final Map<String, String> old = new HashMap<>(state);
        old.put("a", (System.currentTimeMillis() - 2 * 86_400_000L) + state.get("a").substring(state.get("a").indexOf(':')));
        final TestRunner later = TestRunners.newTestRunner(DeduplicateFragments.class);
        later.getStateManager().setState(old, Scope.LOCAL);
        later.enqueue("b0", fragment("b", 0, 1));
        later.run();
        later.assertAllFlowFilesTransferred(DeduplicateFragments.REL_SUCCESS, 1);
        assertEquals(List.of("b"), List.copyOf(later.getStateManager().getState(Scope.LOCAL).toMap().keySet()));
    }

    @Test
    void aRepeatedChunkNoLongerCompletesAMergeRecordDefragmentBinWithAnotherChunkMissing() throws Exception {
        // what the curate-and-gate flow does on the node where a dataset's scored chunks meet
        final TestRunner merge = TestRunners.newTestRunner(MergeRecord.class);
        final JsonTreeReader reader = new JsonTreeReader();
        final JsonRecordSetWriter writer = new JsonRecordSetWriter();
        merge.addControllerService("reader", reader);
        merge.addControllerService("writer", writer);
        merge.setProperty(writer, "output-grouping", "output-oneline");
        merge.enableControllerService(reader);
        merge.enableControllerService(writer);
        merge.setProperty(MergeRecord.RECORD_READER, "reader");
        merge.setProperty(MergeRecord.RECORD_WRITER, "writer");
        merge.setProperty(MergeRecord.MERGE_STRATEGY, MergeRecord.MERGE_STRATEGY_DEFRAGMENT);

        final List<Map<String, String>> arrivals = List.of(fragment("d", 0, 3), fragment("d", 1, 3), fragment("d", 1, 3),
                fragment("d", 2, 3));
        for (final Map<String, String> attributes : arrivals) {
            final String chunk = "{\"image\":\"i" + attributes.get("fragment.index") + "\"}\n";
            runner.enqueue(chunk.getBytes(StandardCharsets.UTF_8), attributes);
        }
        runner.run();
        runner.assertTransferCount(DeduplicateFragments.REL_DUPLICATE, 1);
        for (final MockFlowFile chunk : runner.getFlowFilesForRelationship(DeduplicateFragments.REL_SUCCESS)) {
            merge.enqueue(chunk.toByteArray(), chunk.getAttributes());
        }
        merge.run(2);
        merge.assertTransferCount("merged", 1);
        final String merged = merge.getFlowFilesForRelationship("merged").get(0).getContent();
        assertEquals(List.of("{\"image\":\"i0\"}", "{\"image\":\"i1\"}", "{\"image\":\"i2\"}"), merged.lines().toList());
    }

    private void failsWith(final Map<String, String> attributes, final String reasonPart) {
        final Map<String, String> withFilename = new HashMap<>(attributes);
        withFilename.put("filename", FILENAME);
        runner.enqueue("chunk", withFilename);
        runner.run();
        assertFailedCleanly(runner, DeduplicateFragments.REL_FAILURE, DeduplicateFragments.ERROR,
                "chunk".getBytes(StandardCharsets.UTF_8), reasonPart);
    }

    @Test
    void aFlowFileThatFailsDoesNotHoldBackTheFragmentsOfItsTask() {
        runner.enqueue("a0", fragment("a", 0, 2));
        runner.enqueue("bad", Map.of("fragment.identifier", "a", "fragment.index", "x", "fragment.count", "2"));
        runner.enqueue("a1", fragment("a", 1, 2));
        runner.run();
        runner.assertTransferCount(DeduplicateFragments.REL_SUCCESS, 2);
        runner.assertTransferCount(DeduplicateFragments.REL_FAILURE, 1);
        runner.assertQueueEmpty();
    }

    /** The eight faults: a FlowFile's fragment attributes, and what its failure reason must say. */
    static Stream<Arguments> unusableFragments() {
        return Stream.of(
                Arguments.of(Map.of("fragment.index", "0", "fragment.count", "1"), "fragment.identifier is missing"),
                Arguments.of(Map.of("fragment.identifier", " ", "fragment.index", "0", "fragment.count", "1"),
                        "fragment.identifier is missing or empty"),
                Arguments.of(Map.of("fragment.identifier", "a", "fragment.count", "1"), "fragment.index is missing"),
                Arguments.of(Map.of("fragment.identifier", "a", "fragment.index", "one", "fragment.count", "1"),
                        "fragment.index is not a whole number"),
                Arguments.of(Map.of("fragment.identifier", "a", "fragment.index", "-1", "fragment.count", "1"),
                        "fragment.index is negative"),
                Arguments.of(Map.of("fragment.identifier", "a", "fragment.index", "3", "fragment.count", "2"),
                        "fragment.index (3) is above fragment.count (2)"),
                Arguments.of(Map.of("fragment.identifier", "a", "fragment.index", "0"), "fragment.count is missing"),
                Arguments.of(Map.of("fragment.identifier", "a", "fragment.index", "0", "fragment.count", "0"),
                        "fragment.count must be between 1 and"));
    }

    @ParameterizedTest
    @MethodSource("unusableFragments")
    void aFlowFileWithoutUsableFragmentAttributesFailsNamingTheAttribute(final Map<String, String> attributes,
                                                                         final String reasonPart) {
        failsWith(attributes, reasonPart);
    }
}
