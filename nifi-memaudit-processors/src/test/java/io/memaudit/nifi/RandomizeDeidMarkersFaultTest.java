package io.memaudit.nifi;

import static io.memaudit.nifi.FaultChecks.FILENAME;
import static io.memaudit.nifi.FaultChecks.assertFailedCleanly;
import static io.memaudit.nifi.FaultChecks.assertNothingLeaked;
import static io.memaudit.nifi.FaultChecks.assertOneOut;
import static io.memaudit.nifi.FaultChecks.triggerWithContentFault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.memaudit.nifi.FailingRecordServices.FailingReader;
import io.memaudit.nifi.FailingRecordServices.FailingWriter;
import io.memaudit.nifi.FailingRecordServices.ReaderFault;
import io.memaudit.nifi.FailingRecordServices.WriterFault;
import io.memaudit.nifi.FaultChecks.ContentFault;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.nifi.json.AbstractJsonRowRecordReader;
import org.apache.nifi.json.JsonRecordSetWriter;
import org.apache.nifi.json.JsonTreeReader;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.schema.access.SchemaAccessUtils;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults provoked in {@link RandomizeDeidMarkers}; under each one the FlowFile leaves on exactly one relationship, is not
 * queued again, failures keep the original content and are penalized, and no log line above DEBUG, no exception text in a
 * log line and no attribute carries record text or the file name (see {@link FaultChecks}). Real JsonTreeReader and
 * JsonRecordSetWriter throughout; reader and writer faults come from {@link FailingRecordServices}, small test services
 * that wrap the real ones and fail at a chosen point, and content repository faults from a session whose streams throw.
 *
 * <p>Records mode, 25 faults:
 * <ol>
 *   <li>content that is not JSON (a truncated record), whose parser message quotes the text</li>
 *   <li>invalid UTF-8 inside a record</li>
 *   <li>CSV content given to the JSON reader (wrong format)</li>
 *   <li>a record that does not fit the reader's declared schema (the prompt declared an int)</li>
 *   <li>the text field missing, null, a number, an object or an array (success, count 0)</li>
 *   <li>the reader throws MalformedRecordException on record 2 (mid-stream)</li>
 *   <li>the reader throws IOException on the last record</li>
 *   <li>the reader cannot be created (schema registry down: SchemaNotFoundException)</li>
 *   <li>the writer throws on the first record</li>
 *   <li>the writer throws on the second record</li>
 *   <li>the writer throws on the last record</li>
 *   <li>the writer's schema lookup fails</li>
 *   <li>the writer cannot be created</li>
 *   <li>the writer fails to finish the record set</li>
 *   <li>the writer fails to close</li>
 *   <li>an empty FlowFile (success, 0 records)</li>
 *   <li>a huge record (a 4 MB prompt with 100,000 markers; success)</li>
 *   <li>a record above the reader's Max String Length</li>
 *   <li>a Custom Marker Pattern that does not compile (invalid configuration)</li>
 *   <li>a Custom Marker Pattern with catastrophic backtracking, ((a+)+)+b</li>
 *   <li>a Custom Marker Pattern that overflows the stack, (a|b)*c on a long text</li>
 *   <li>the reader service disabled mid-task (IllegalStateException, as NiFi's service proxy throws)</li>
 *   <li>a RuntimeException from record code (a record that refuses to be changed)</li>
 *   <li>the content repository fails while reading</li>
 *   <li>the content repository fails while writing</li>
 * </ol>
 * Text mode, 6 more: the content repository fails while reading, with an unchecked exception, or while writing; a
 * catastrophic Custom Marker Pattern; invalid UTF-8; a Random Seed that is not a number.
 */
class RandomizeDeidMarkersFaultTest {
    private static final String RECORDS = """
            {"image":"p10/s1.jpg","prompt":"QUETZAL saw the patient on ___.","split":"train"}
            {"image":"p10/s2.jpg","prompt":"Compared to ___, Quetzal notes no change.","split":"train"}
            {"image":"p10/s3.jpg","prompt":"No acute process; QUETZAL.","split":"test"}
            """;
    private static final byte[] CONTENT = RECORDS.getBytes(StandardCharsets.UTF_8);

    private TestRunner runner;
    private JsonTreeReader jsonReader;
    private JsonRecordSetWriter jsonWriter;

    @BeforeEach
    void setUp() throws InitializationException {
        runner = TestRunners.newTestRunner(RandomizeDeidMarkers.class);
        jsonReader = new JsonTreeReader();
        runner.addControllerService("json-reader", jsonReader);
        runner.enableControllerService(jsonReader);
        jsonWriter = new JsonRecordSetWriter();
        runner.addControllerService("json-writer", jsonWriter);
        runner.setProperty(jsonWriter, JsonRecordSetWriter.OUTPUT_GROUPING, JsonRecordSetWriter.OUTPUT_ONELINE);
        runner.enableControllerService(jsonWriter);
        runner.setProperty(RandomizeDeidMarkers.RECORD_READER, "json-reader");
        runner.setProperty(RandomizeDeidMarkers.RECORD_WRITER, "json-writer");
        runner.setProperty(RandomizeDeidMarkers.RANDOM_SEED, "7");
    }

    private void useReader(final ReaderFault fault, final int at) throws InitializationException {
        final FailingReader reader = new FailingReader(jsonReader, fault, at);
        runner.addControllerService("failing-reader", reader);
        runner.enableControllerService(reader);
        runner.setProperty(RandomizeDeidMarkers.RECORD_READER, "failing-reader");
    }

    private void useWriter(final WriterFault fault, final int at) throws InitializationException {
        final FailingWriter writer = new FailingWriter(jsonWriter, fault, at);
        runner.addControllerService("failing-writer", writer);
        runner.enableControllerService(writer);
        runner.setProperty(RandomizeDeidMarkers.RECORD_WRITER, "failing-writer");
    }

    private MockFlowFile failsWith(final byte[] content, final String reasonPart) {
        runner.enqueue(content, Map.of("filename", FILENAME));
        runner.run();
        return assertFailedCleanly(runner, RandomizeDeidMarkers.REL_FAILURE, RandomizeDeidMarkers.ERROR, content, reasonPart);
    }

    private MockFlowFile succeeds(final byte[] content) {
        runner.enqueue(content, Map.of("filename", FILENAME));
        runner.run();
        final MockFlowFile out = assertOneOut(runner, RandomizeDeidMarkers.REL_SUCCESS);
        assertNothingLeaked(runner);
        return out;
    }

    @Test
    void contentThatIsNotJsonFailsWithoutQuotingTheParserMessage() {
        // JsonTreeReader infers the schema from the content when it opens, so a parse error surfaces there
        failsWith("{\"prompt\":\"QUETZAL saw the patient on ___".getBytes(StandardCharsets.UTF_8),
                "opening the Record Reader (JsonEOFException)");
    }

    @Test
    void invalidUtf8InsideARecordFails() {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("{\"prompt\":\"QUETZAL ".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28});
        bytes.writeBytes(" ___\"}\n".getBytes(StandardCharsets.UTF_8));
        failsWith(bytes.toByteArray(), "opening the Record Reader (JsonParseException)");
    }

    @Test
    void csvContentGivenToTheJsonReaderFails() {
        failsWith("image,prompt\na.jpg,QUETZAL saw the patient on ___\n".getBytes(StandardCharsets.UTF_8),
                "opening the Record Reader (JsonParseException)");
    }

    @Test
    void aRecordThatDoesNotFitTheDeclaredSchemaFails() {
        runner.disableControllerService(jsonReader);
        runner.setProperty(jsonReader, SchemaAccessUtils.SCHEMA_ACCESS_STRATEGY, SchemaAccessUtils.SCHEMA_TEXT_PROPERTY);
        runner.setProperty(jsonReader, SchemaAccessUtils.SCHEMA_TEXT, """
                {"type":"record","name":"caption","fields":[{"name":"image","type":"string"},{"name":"prompt","type":"int"}]}""");
        runner.enableControllerService(jsonReader);
        failsWith(CONTENT, "record 1");
    }

    @Test
    void aMissingNullNumericObjectOrArrayTextFieldPassesWithCountZero() {
        final MockFlowFile out = succeeds("""
                {"image":"a"}
                {"image":"b","prompt":null}
                {"image":"c","prompt":42}
                {"image":"d","prompt":{"text":"___"}}
                {"image":"e","prompt":["___"]}
                """.getBytes(StandardCharsets.UTF_8));
        out.assertAttributeEquals(RandomizeDeidMarkers.RECORD_COUNT, "5");
        out.assertAttributeEquals(RandomizeDeidMarkers.MARKER_TOTAL, "0");
    }

    @Test
    void theReaderThrowingMidStreamFailsTheFlowFile() throws InitializationException {
        useReader(ReaderFault.MALFORMED_AT, 2);
        failsWith(CONTENT, "reading record 2");
    }

    @Test
    void theReaderThrowingIoOnTheLastRecordFailsTheFlowFile() throws InitializationException {
        useReader(ReaderFault.IO_AT, 3);
        failsWith(CONTENT, "reading record 3");
    }

    @Test
    void aReaderThatCannotBeCreatedFailsTheFlowFile() throws InitializationException {
        useReader(ReaderFault.CREATE, 0);
        failsWith(CONTENT, "opening the Record Reader");
    }

    @Test
    void theWriterFailingOnTheFirstRecordFailsTheFlowFile() throws InitializationException {
        useWriter(WriterFault.WRITE_AT, 1);
        failsWith(CONTENT, "writing record 1");
    }

    @Test
    void theWriterFailingOnTheSecondRecordFailsTheFlowFile() throws InitializationException {
        useWriter(WriterFault.WRITE_AT, 2);
        failsWith(CONTENT, "writing record 2");
    }

    @Test
    void theWriterFailingOnTheLastRecordFailsTheFlowFile() throws InitializationException {
        useWriter(WriterFault.WRITE_AT, 3);
        failsWith(CONTENT, "writing record 3");
    }

    @Test
    void aFailedWriterSchemaLookupFailsTheFlowFile() throws InitializationException {
        useWriter(WriterFault.SCHEMA, 0);
        failsWith(CONTENT, "looking up the Record Writer's schema");
    }

    @Test
    void aWriterThatCannotBeCreatedFailsTheFlowFile() throws InitializationException {
        useWriter(WriterFault.CREATE, 0);
        failsWith(CONTENT, "opening the Record Writer");
    }

    @Test
    void aWriterThatCannotFinishTheRecordSetFailsTheFlowFile() throws InitializationException {
        useWriter(WriterFault.FINISH, 0);
        failsWith(CONTENT, "finishing the record set");
    }

    @Test
    void aWriterThatCannotCloseFailsTheFlowFile() throws InitializationException {
        useWriter(WriterFault.CLOSE, 0);
        failsWith(CONTENT, "closing the Record Writer");
    }

    @Test
    void anEmptyFlowFileSucceedsWithNoRecords() {
        succeeds(new byte[0]).assertAttributeEquals(RandomizeDeidMarkers.RECORD_COUNT, "0");
    }

    @Test
    void aHugeRecordIsRewrittenWhole() {
        final String prompt = "QUETZAL ___ ".repeat(100_000);
        final MockFlowFile out = succeeds(("{\"prompt\":\"" + prompt + "\"}\n").getBytes(StandardCharsets.UTF_8));
        out.assertAttributeEquals(RandomizeDeidMarkers.MARKER_TOTAL, "100000");
        assertFalse(out.getContent().contains("___"));
    }

    @Test
    void aRecordAboveTheReadersStringLimitFails() {
        runner.disableControllerService(jsonReader);
        runner.setProperty(jsonReader, AbstractJsonRowRecordReader.MAX_STRING_LENGTH, "1 KB");
        runner.enableControllerService(jsonReader);
        failsWith(("{\"prompt\":\"" + "QUETZAL ___ ".repeat(1_000) + "\"}\n").getBytes(StandardCharsets.UTF_8),
                "opening the Record Reader (StreamConstraintsException)");
    }

    @Test
    void aCustomPatternThatDoesNotCompileIsInvalid() {
        runner.setProperty(MarkerProperties.CUSTOM_MARKER_PATTERN, "([unclosed");
        runner.assertNotValid();
    }

    @Test
    void aCustomPatternWithCatastrophicBacktrackingFailsTheRecordInsteadOfHangingTheTask() {
        runner.setProperty(MarkerProperties.CUSTOM_MARKER_PATTERN, "((a+)+)+b");
        final MockFlowFile failed = failsWith(("{\"prompt\":\"QUETZAL\"}\n{\"prompt\":\"" + "a".repeat(64) + "!\"}\n")
                .getBytes(StandardCharsets.UTF_8), "Record 2: The custom marker pattern read more than");
        assertFalse(failed.getAttribute(RandomizeDeidMarkers.ERROR).contains("aaaa"));
    }

    @Test
    void aCustomPatternThatOverflowsTheStackFailsTheRecord() {
        runner.setProperty(MarkerProperties.CUSTOM_MARKER_PATTERN, "(a|b)*c");
        failsWith(("{\"prompt\":\"" + "ab".repeat(500_000) + "c\"}\n").getBytes(StandardCharsets.UTF_8),
                "Record 1: The custom marker pattern recursed too deeply");
    }

    @Test
    void aReaderServiceDisabledMidTaskFailsTheFlowFile() throws InitializationException {
        useReader(ReaderFault.DISABLED, 2);
        failsWith(CONTENT, "reading record 2 (IllegalStateException)");
    }

    @Test
    void aRuntimeExceptionFromRecordCodeFailsTheFlowFile() throws InitializationException {
        useReader(ReaderFault.READ_ONLY_RECORDS, 0);
        failsWith(CONTENT, "changing record 1 (UnsupportedOperationException)");
    }

    @Test
    void aContentRepositoryReadFailureFailsTheFlowFile() {
        triggerWithContentFault(runner, ContentFault.READ, CONTENT);
        assertFailedCleanly(runner, RandomizeDeidMarkers.REL_FAILURE, RandomizeDeidMarkers.ERROR, CONTENT,
                "the Record Reader (IOException)");
    }

    @Test
    void aContentRepositoryWriteFailureFailsTheFlowFile() {
        triggerWithContentFault(runner, ContentFault.FIRST_WRITE, CONTENT);
        assertFailedCleanly(runner, RandomizeDeidMarkers.REL_FAILURE, RandomizeDeidMarkers.ERROR, CONTENT, "IOException");
    }

    private static final byte[] REPORT = "FINDINGS: QUETZAL saw the patient on ___.\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void textModeContentRepositoryReadFailureFailsTheFlowFile() {
        runner.setProperty(RandomizeDeidMarkers.INPUT_MODE, InputMode.TEXT);
        triggerWithContentFault(runner, ContentFault.READ, REPORT);
        assertFailedCleanly(runner, RandomizeDeidMarkers.REL_FAILURE, RandomizeDeidMarkers.ERROR, REPORT, "Unexpected");
    }

    @Test
    void textModeUncheckedReadFailureFailsTheFlowFile() {
        runner.setProperty(RandomizeDeidMarkers.INPUT_MODE, InputMode.TEXT);
        triggerWithContentFault(runner, ContentFault.READ_UNCHECKED, REPORT);
        assertFailedCleanly(runner, RandomizeDeidMarkers.REL_FAILURE, RandomizeDeidMarkers.ERROR, REPORT,
                "Unexpected IllegalStateException");
    }

    @Test
    void textModeContentRepositoryWriteFailureFailsTheFlowFile() {
        runner.setProperty(RandomizeDeidMarkers.INPUT_MODE, InputMode.TEXT);
        triggerWithContentFault(runner, ContentFault.FIRST_WRITE, REPORT);
        assertFailedCleanly(runner, RandomizeDeidMarkers.REL_FAILURE, RandomizeDeidMarkers.ERROR, REPORT, "Unexpected");
    }

    @Test
    void textModeCatastrophicCustomPatternFailsTheReport() {
        runner.setProperty(RandomizeDeidMarkers.INPUT_MODE, InputMode.TEXT);
        runner.setProperty(MarkerProperties.CUSTOM_MARKER_PATTERN, "((a+)+)+b");
        failsWith(("QUETZAL " + "a".repeat(64) + "!").getBytes(StandardCharsets.UTF_8), "The custom marker pattern read more than");
    }

    @Test
    void textModeInvalidUtf8FailsTheReport() {
        runner.setProperty(RandomizeDeidMarkers.INPUT_MODE, InputMode.TEXT);
        failsWith(new byte[] {'Q', 'U', (byte) 0xC3, (byte) 0x28, '_', '_', '_'}, "not valid UTF-8");
    }

    @Test
    void aSeedThatIsNotANumberFailsTheFlowFile() {
        runner.setProperty(RandomizeDeidMarkers.RANDOM_SEED, "${dataset.seed}");
        final byte[] content = CONTENT;
        runner.enqueue(content, Map.of("filename", FILENAME, "dataset.seed", "abc"));
        runner.run();
        assertEquals("abc", assertFailedCleanly(runner, RandomizeDeidMarkers.REL_FAILURE, RandomizeDeidMarkers.ERROR, content,
                "not a whole number").getAttribute("dataset.seed"));
    }
}
