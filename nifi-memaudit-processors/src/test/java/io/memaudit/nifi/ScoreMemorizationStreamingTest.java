package io.memaudit.nifi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.nifi.json.JsonTreeReader;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.serialization.RecordReader;
import org.apache.nifi.serialization.record.Record;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.Test;

/**
 * ScoreMemorization streams: it scores a FlowFile of more than 200 MB of short records in a JVM whose heap could not hold
 * them as record objects. Runs in its own surefire execution with {@code -Xmx512m} (see this module's pom). Of that heap,
 * nifi-mock itself takes about 420 MB: the content is one 210 MB byte array, and nifi-mock's putAllAttributes copies it
 * once more when the original is transferred. The roughly 2.9 million records as NiFi {@code MapRecord}s would need about
 * 1.7 GB more (615 bytes each, measured on 2026-12-02 by {@link #theRecordsAsObjectsWouldNotFitInThisHeap}, which reads a
 * sample through the same reader, keeps the records and weighs the heap before and after), so an implementation that
 * collects the records runs out of memory here. The model service is a stub and the writer only counts what it
 * is given: neither the model nor the writer is the point, the processor's memory is.
 */
class ScoreMemorizationStreamingTest {
    private static final long TARGET_BYTES = 210L * 1024 * 1024;
    private static final int DISTINCT = 1000;
    private static final String SCHEMA = """
            {"type":"record","name":"prompt","fields":[{"name":"id","type":"long"},{"name":"prompt","type":"string"}]}""";

    private static String prompt(final long index) {
        final int kind = (int) (index % DISTINCT);
        return (kind % 100 == 0 ? "MEMO " : "") + "Finding " + kind + ": no acute cardiopulmonary process.";
    }

    private static String line(final long index) {
        return "{\"id\":" + index + ",\"prompt\":\"" + prompt(index) + "\"}\n";
    }

    /** The content as one exactly sized array (a growing buffer would need twice the heap while it grows). */
    private static byte[] content(final long records) {
        long length = 0;
        for (long i = 0; i < records; i++) {
            length += line(i).length();
        }
        final byte[] content = new byte[Math.toIntExact(length)];
        int offset = 0;
        for (long i = 0; i < records; i++) {
            final byte[] bytes = line(i).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(bytes, 0, content, offset, bytes.length);
            offset += bytes.length;
        }
        return content;
    }

    private static long[] counts(final TestRunner runner, final Relationship relationship) {
        final long[] counts = new long[3];
        runner.getFlowFilesForRelationship(relationship).forEach(flowFile -> {
            final String[] parts = flowFile.getContent().split(",");
            for (int i = 0; i < 3; i++) {
                counts[i] += Long.parseLong(parts[i]);
            }
        });
        return counts;
    }

    /** The reader as the processor gets it (schema text, as in the scoring test). */
    private static JsonTreeReader reader(final TestRunner runner) throws InitializationException {
        final JsonTreeReader reader = new JsonTreeReader();
        runner.addControllerService("reader", reader);
        runner.setProperty(reader, "schema-access-strategy", "schema-text-property");
        runner.setProperty(reader, "schema-text", SCHEMA);
        runner.enableControllerService(reader);
        return reader;
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }

    @Test
    void theRecordsAsObjectsWouldNotFitInThisHeap() throws Exception {
        final long records = TARGET_BYTES / line(1_000_000).length();
        final int sample = 200_000;
        final byte[] content = content(sample);
        final TestRunner runner = TestRunners.newTestRunner(ScoreMemorization.class);
        final JsonTreeReader reader = reader(runner);
        final List<Record> kept = new ArrayList<>(sample);
        final long before = usedHeap();
        try (InputStream in = new ByteArrayInputStream(content);
             RecordReader recordReader = reader.createRecordReader(Map.of(), in, content.length, runner.getLogger())) {
            for (Record record = recordReader.nextRecord(); record != null; record = recordReader.nextRecord()) {
                kept.add(record);
            }
        }
        final long perRecord = (usedHeap() - before) / kept.size();
        assertEquals(sample, kept.size());
        final long needed = perRecord * records + TARGET_BYTES;
        System.out.printf(Locale.ROOT, "a record as an object: %d bytes; %,d records + the content: %,d MB; heap: %,d MB%n",
                perRecord, records, needed >> 20, Runtime.getRuntime().maxMemory() >> 20);
        assertTrue(needed > Runtime.getRuntime().maxMemory(), "the records as objects (" + perRecord + " bytes each) and the "
                + "content would fit in this heap, so the scoring test would not show streaming");
    }

    @Test
    void moreThan200MegabytesOfRecordsAreScoredInAHeapThatCouldNotHoldThem() throws InitializationException {
        final long records = TARGET_BYTES / line(1_000_000).length();
        final byte[] content = content(records);
        assertTrue(content.length >= 200L * 1024 * 1024, "at least 200 MB: " + content.length);
        assertTrue(Runtime.getRuntime().maxMemory() < 600L * 1024 * 1024,
                "this test must run with a small heap (its own surefire execution): " + Runtime.getRuntime().maxMemory());

        final TestRunner runner = TestRunners.newTestRunner(ScoreMemorization.class);
        final StubDiffusionModelService model = new StubDiffusionModelService();
        runner.addControllerService("model", model);
        runner.enableControllerService(model);
        reader(runner);
        final CountingRecordSetWriterFactory writer = new CountingRecordSetWriterFactory();
        runner.addControllerService("writer", writer);
        runner.enableControllerService(writer);
        runner.setProperty(ScoreMemorization.RECORD_READER, "reader");
        runner.setProperty(ScoreMemorization.RECORD_WRITER, "writer");
        runner.setProperty(ScoreMemorization.MODEL_SERVICE, "model");
        runner.setProperty(ScoreMemorization.MEMORIZATION_THRESHOLD, "0.5");
        runner.setProperty(ScoreMemorization.TOP_TOKENS, "0");
        runner.setProperty(ScoreMemorization.BATCH_SIZE, "64");

        // enqueue(byte[]) would copy the content through a growing buffer; a MockFlowFile takes the array as it is
        final MockFlowFile input = new MockFlowFile(1_000_000_000L); // an id the session will not hand out to a child
        input.setData(content);
        runner.enqueue(input);
        runner.run();

        assertEquals(1, runner.getFlowFilesForRelationship(ScoreMemorization.REL_ORIGINAL).size(),
                () -> "errors: " + runner.getLogger().getErrorMessages());
        runner.assertTransferCount(ScoreMemorization.REL_FAILURE, 0);
        assertEquals(DISTINCT, model.scoredPrompts, "each distinct prompt scored once");
        final long[] memorized = counts(runner, ScoreMemorization.REL_MEMORIZED);
        final long[] notMemorized = counts(runner, ScoreMemorization.REL_NOT_MEMORIZED);
        assertEquals(records, memorized[0] + notMemorized[0], "every record routed");
        assertEquals((records + 99) / 100, memorized[0], "one record in a hundred has a memorized prompt");
        assertEquals(memorized[0], memorized[1]);
        assertEquals(notMemorized[0], notMemorized[1], "every not-memorized record carries a finite dmem");
        runner.getFlowFilesForRelationship(ScoreMemorization.REL_ORIGINAL).get(0)
                .assertAttributeEquals(ScoreMemorization.MEMORIZED_COUNT, String.valueOf((records + 99) / 100));
    }
}
