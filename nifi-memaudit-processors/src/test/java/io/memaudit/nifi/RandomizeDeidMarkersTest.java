package io.memaudit.nifi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.nifi.csv.CSVReader;
import org.apache.nifi.csv.CSVRecordSetWriter;
import org.apache.nifi.json.JsonRecordSetWriter;
import org.apache.nifi.json.JsonTreeReader;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RandomizeDeidMarkersTest {
    private static final String JSON_LINES = """
            {"image":"p10/s1.jpg","prompt":"Compared to ___, stable. Dr. ___ notified.","split":"train"}
            {"image":"p10/s2.jpg","prompt":"No acute cardiopulmonary process.","split":"train"}
            {"image":"p10/s3.jpg","prompt":null,"split":"test"}
            {"image":"p10/s4.jpg","split":"test"}
            {"image":"p10/s5.jpg","prompt":42,"split":"val"}
            """;

    private TestRunner runner;

    @BeforeEach
    void setUp() throws InitializationException {
        runner = TestRunners.newTestRunner(RandomizeDeidMarkers.class);
        useJson(runner);
        runner.setProperty(RandomizeDeidMarkers.RANDOM_SEED, "7");
    }

    private static void useJson(final TestRunner runner) throws InitializationException {
        final JsonTreeReader reader = new JsonTreeReader();
        runner.addControllerService("reader", reader);
        runner.enableControllerService(reader);
        final JsonRecordSetWriter writer = new JsonRecordSetWriter();
        runner.addControllerService("writer", writer);
        runner.setProperty(writer, JsonRecordSetWriter.OUTPUT_GROUPING, JsonRecordSetWriter.OUTPUT_ONELINE);
        runner.enableControllerService(writer);
        runner.setProperty(RandomizeDeidMarkers.RECORD_READER, "reader");
        runner.setProperty(RandomizeDeidMarkers.RECORD_WRITER, "writer");
    }

    private MockFlowFile runOnce(final String content) {
        return runOnce(content, Map.of());
    }

    private MockFlowFile runOnce(final String content, final Map<String, String> attributes) {
        runner.enqueue(content.getBytes(StandardCharsets.UTF_8), attributes);
        runner.run();
        runner.assertTransferCount(RandomizeDeidMarkers.REL_SUCCESS, 1);
        runner.assertTransferCount(RandomizeDeidMarkers.REL_FAILURE, 0);
        return runner.getFlowFilesForRelationship(RandomizeDeidMarkers.REL_SUCCESS).get(0);
    }

    private MockFlowFile runExpectingFailure(final byte[] content) {
        runner.enqueue(content);
        runner.run();
        runner.assertTransferCount(RandomizeDeidMarkers.REL_SUCCESS, 0);
        runner.assertTransferCount(RandomizeDeidMarkers.REL_FAILURE, 1);
        runner.assertQueueEmpty();
        final MockFlowFile failed = runner.getFlowFilesForRelationship(RandomizeDeidMarkers.REL_FAILURE).get(0);
        assertTrue(java.util.Arrays.equals(content, failed.toByteArray()), "original content must be intact");
        return failed;
    }

    @Test
    void jsonRecordsGetTheirMarkersReplacedAndCounted() {
        final MockFlowFile out = runOnce(JSON_LINES);
        final List<String> lines = out.getContent().lines().toList();
        assertEquals(5, lines.size());
        assertTrue(lines.get(0).matches("\\{\"image\":\"p10/s1.jpg\",\"prompt\":\"Compared to [A-Z0-9]{6}, stable\\. "
                + "Dr\\. [A-Z0-9]{6} notified\\.\",\"split\":\"train\",\"deid_marker_count\":2}"), lines.get(0));
        assertEquals("{\"image\":\"p10/s2.jpg\",\"prompt\":\"No acute cardiopulmonary process.\",\"split\":\"train\","
                + "\"deid_marker_count\":0}", lines.get(1));
        out.assertAttributeEquals(RandomizeDeidMarkers.RECORD_COUNT, "5");
        out.assertAttributeEquals(RandomizeDeidMarkers.MARKER_TOTAL, "2");
        out.assertAttributeEquals(RandomizeDeidMarkers.RECORDS_WITH_MARKERS, "1");
        out.assertAttributeEquals("mime.type", "application/json");
    }

    @Test
    void missingNullAndNonStringFieldsPassUnchangedWithCountZero() {
        final List<String> lines = runOnce(JSON_LINES).getContent().lines().toList();
        assertEquals("{\"image\":\"p10/s3.jpg\",\"prompt\":null,\"split\":\"test\",\"deid_marker_count\":0}", lines.get(2));
        assertTrue(lines.get(3).contains("\"image\":\"p10/s4.jpg\"") && lines.get(3).contains("\"deid_marker_count\":0"),
                lines.get(3));
        assertTrue(lines.get(4).contains("\"prompt\":42") && lines.get(4).contains("\"deid_marker_count\":0"), lines.get(4));
    }

    @Test
    void csvRecordsKeepEveryColumnAndGainTheCountColumn() throws InitializationException {
        final CSVReader reader = new CSVReader();
        runner.addControllerService("csv-reader", reader);
        runner.enableControllerService(reader);
        final CSVRecordSetWriter writer = new CSVRecordSetWriter();
        runner.addControllerService("csv-writer", writer);
        runner.enableControllerService(writer);
        runner.setProperty(RandomizeDeidMarkers.RECORD_READER, "csv-reader");
        runner.setProperty(RandomizeDeidMarkers.RECORD_WRITER, "csv-writer");
        runner.setProperty(RandomizeDeidMarkers.REPLACEMENT_STRATEGY, ReplacementStrategy.FIXED);
        runner.setProperty(RandomizeDeidMarkers.FIXED_REPLACEMENT, "[PHI]");

        final MockFlowFile out = runOnce("""
                image,prompt,split
                a.jpg,"Seen on ___, by Dr.___",train
                b.jpg,Normal chest,test
                """);
        assertEquals(List.of("image,prompt,split,deid_marker_count", "a.jpg,\"Seen on [PHI], by Dr.[PHI]\",train,2",
                "b.jpg,Normal chest,test,0"), out.getContent().lines().toList());
        out.assertAttributeEquals(RandomizeDeidMarkers.MARKER_TOTAL, "2");
    }

    @Test
    void theSameSeedGivesTheSameOutputAndTheSeedCanComeFromAnAttribute() {
        runner.setProperty(RandomizeDeidMarkers.RANDOM_SEED, "${dataset.seed}");
        final String first = runOnce(JSON_LINES, Map.of("dataset.seed", "11")).getContent();
        runner.clearTransferState();
        final String second = runOnce(JSON_LINES, Map.of("dataset.seed", "11")).getContent();
        runner.clearTransferState();
        final String third = runOnce(JSON_LINES, Map.of("dataset.seed", "12")).getContent();
        assertEquals(first, second);
        assertFalse(first.equals(third));
    }

    @Test
    void aSeedThatIsNotANumberRoutesToFailureWithTheReason() {
        runner.setProperty(RandomizeDeidMarkers.RANDOM_SEED, "${dataset.seed}");
        runner.enqueue(JSON_LINES, Map.of("dataset.seed", "abc"));
        runner.run();
        runner.assertAllFlowFilesTransferred(RandomizeDeidMarkers.REL_FAILURE, 1);
        final MockFlowFile failed = runner.getFlowFilesForRelationship(RandomizeDeidMarkers.REL_FAILURE).get(0);
        assertTrue(failed.getAttribute(RandomizeDeidMarkers.ERROR).contains("'abc'"));
        failed.assertContentEquals(JSON_LINES);
    }

    @Test
    void recordKeyMakesIdenticalCaptionsDiffer() {
        runner.setProperty(RandomizeDeidMarkers.RECORD_KEY_FIELD, "/image");
        final String content = IntStream.range(0, 20)
                .mapToObj(i -> "{\"image\":\"" + i + ".jpg\",\"prompt\":\"No change since ___.\"}")
                .collect(Collectors.joining("\n"));
        final long distinct = runOnce(content).getContent().lines().map(line -> line.replaceAll("\"image\":\"\\d+.jpg\",", ""))
                .distinct().count();
        assertEquals(20, distinct);
    }

    @Test
    void typedSurrogatesWriteTheInferredKinds() {
        runner.setProperty(RandomizeDeidMarkers.REPLACEMENT_STRATEGY, ReplacementStrategy.TYPED_SURROGATE);
        runner.setProperty(RandomizeDeidMarkers.MARKER_KINDS_FIELD, "deid_marker_kinds");
        final String line = runOnce(JSON_LINES).getContent().lines().findFirst().orElseThrow();
        assertTrue(line.endsWith("\"deid_marker_count\":2,\"deid_marker_kinds\":\"date,name\"}"), line);
        final Matcher matcher = Pattern.compile("Compared to (\\d{1,2}/\\d{1,2}/\\d{4}), stable\\. Dr\\. ([A-Z][a-z]+) notified")
                .matcher(line);
        assertTrue(matcher.find(), line);
    }

    @Test
    void kindsCanBeInferredForRandomTagsToo() {
        runner.setProperty(RandomizeDeidMarkers.MARKER_KINDS_FIELD, "deid_marker_kinds");
        final String line = runOnce(JSON_LINES).getContent().lines().findFirst().orElseThrow();
        assertTrue(line.matches(".*Compared to [A-Z0-9]{6}, stable.*\"deid_marker_kinds\":\"date,name\"}"), line);
    }

    @Test
    void nestedFieldsAreReachedByRecordPath() {
        runner.setProperty(RandomizeDeidMarkers.TEXT_FIELD, "/report/impression");
        runner.setProperty(RandomizeDeidMarkers.REPLACEMENT_STRATEGY, ReplacementStrategy.REMOVE);
        final String line = runOnce("{\"report\":{\"impression\":\"Unchanged from ___.\",\"findings\":\"___ here\"}}")
                .getContent().trim();
        assertEquals("{\"report\":{\"impression\":\"Unchanged from.\",\"findings\":\"___ here\"},\"deid_marker_count\":1}", line);
    }

    @Test
    void malformedJsonGoesToFailureWithItsContentIntact() {
        final MockFlowFile failed = runExpectingFailure("{\"prompt\":\"Dr. ___\"}\n{\"prompt\": oops".getBytes(StandardCharsets.UTF_8));
        final String error = failed.getAttribute(RandomizeDeidMarkers.ERROR);
        assertTrue(error.contains("Record Reader"), error);
        assertFalse(error.contains("oops"), "error attribute must not quote content: " + error);
    }

    @Test
    void invalidUtf8JsonGoesToFailure() {
        final byte[] content = {'{', '"', 'p', 'r', 'o', 'm', 'p', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        runExpectingFailure(content);
    }

    @Test
    void malformedCsvGoesToFailure() throws InitializationException {
        final CSVReader reader = new CSVReader();
        runner.addControllerService("csv-reader", reader);
        runner.enableControllerService(reader);
        runner.setProperty(RandomizeDeidMarkers.RECORD_READER, "csv-reader");
        runExpectingFailure("image,prompt\na.jpg,\"Seen on ___ never closed\nb.jpg,x\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void emptyContentIsAnEmptyRecordSet() {
        final MockFlowFile out = runOnce("");
        out.assertAttributeEquals(RandomizeDeidMarkers.RECORD_COUNT, "0");
        out.assertAttributeEquals(RandomizeDeidMarkers.MARKER_TOTAL, "0");
    }

    @Test
    void aMultiMegabyteRecordIsRewrittenWhole() {
        final String prompt = "Compared to ___, no change. ".repeat(100_000);
        final MockFlowFile out = runOnce("{\"prompt\":\"" + prompt + "\"}");
        out.assertAttributeEquals(RandomizeDeidMarkers.MARKER_TOTAL, "100000");
        assertFalse(out.getContent().contains("___"));
        assertTrue(out.getSize() > prompt.length());
    }

    @Test
    void outputIsTheSameWithOneThreadOrFour() {
        final List<String> inputs = IntStream.range(0, 40)
                .mapToObj(i -> "{\"id\":" + i + ",\"prompt\":\"Case " + i + " compared to ___ and ___.\"}").toList();
        final List<String> single = runAll(inputs, 1);
        final TestRunner parallel = TestRunners.newTestRunner(RandomizeDeidMarkers.class);
        runner = parallel;
        try {
            useJson(runner);
        } catch (final InitializationException e) {
            throw new AssertionError(e);
        }
        runner.setProperty(RandomizeDeidMarkers.RANDOM_SEED, "7");
        assertEquals(single, runAll(inputs, 4));
    }

    private List<String> runAll(final List<String> inputs, final int threads) {
        runner.setThreadCount(threads);
        for (final String input : inputs) {
            runner.enqueue(input, Map.of("index", String.valueOf(inputs.indexOf(input))));
        }
        runner.run(inputs.size());
        runner.assertAllFlowFilesTransferred(RandomizeDeidMarkers.REL_SUCCESS, inputs.size());
        return runner.getFlowFilesForRelationship(RandomizeDeidMarkers.REL_SUCCESS).stream()
                .sorted(java.util.Comparator.comparingInt(flowFile -> Integer.parseInt(flowFile.getAttribute("index"))))
                .map(MockFlowFile::getContent).toList();
    }

    @Test
    void invalidMarkerOptionsMakeTheProcessorInvalid() {
        runner.setProperty(MarkerProperties.MARKER_DIALECTS, "mimic-cxr,custom");
        runner.assertNotValid();
        runner.setProperty(MarkerProperties.CUSTOM_MARKER_PATTERN, "<<[a-z]+>>");
        runner.assertValid();
        runner.setProperty(MarkerProperties.MARKER_DIALECTS, "mimic-cxr,nonsense");
        runner.assertNotValid();
        runner.setProperty(MarkerProperties.MARKER_DIALECTS, "mimic-cxr");
        runner.setProperty(RandomizeDeidMarkers.TAG_ALPHABET, "A_B");
        runner.assertNotValid();
    }

    @Test
    void lookAlikeMarkersAreReplacedAndEverythingElseIsKept() {
        runner.setProperty(MarkerProperties.MARKER_DIALECTS, "mimic-cxr,mimic-notes");
        runner.setProperty(RandomizeDeidMarkers.REPLACEMENT_STRATEGY, ReplacementStrategy.FIXED);
        runner.setProperty(RandomizeDeidMarkers.FIXED_REPLACEMENT, "[PHI]");
        final MockFlowFile out = runOnce("{\"prompt\":\"Dr. \uFF3F\uFF3F\uFF3F saw _\u200B_\u200B_ on [\u00A0**Date**\u00A0]\u00A0.\"}\n");
        assertEquals("{\"prompt\":\"Dr. [PHI] saw [PHI] on [PHI]\u00A0.\",\"deid_marker_count\":3}", out.getContent().strip());
    }
}
