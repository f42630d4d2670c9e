package io.memaudit.nifi;

import static io.memaudit.nifi.FaultChecks.FILENAME;
import static io.memaudit.nifi.FaultChecks.assertFailedCleanly;
import static io.memaudit.nifi.FaultChecks.assertNothingLeaked;
import static io.memaudit.nifi.FaultChecks.triggerWithContentFault;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * Faults provoked in {@link LintPromptDataset}; under each one the dataset leaves on exactly one relationship (or, on
 * success, the dataset on success and its summary on summary: a summary is never left behind by a failure), is not queued
 * again, failures keep the original content and are penalized, and no log line above DEBUG, exception text or attribute
 * carries record text or the file name (see {@link FaultChecks}). Real JsonTreeReader and JsonRecordSetWriter throughout;
 * reader and writer faults come from {@link FailingRecordServices}, small test services that wrap the real ones, and
 * content repository faults from a session whose streams throw.
 *
 * <p>Faults (25):
 * <ol>
 *   <li>content that is not JSON (a truncated record), whose parser message quotes the text</li>
 *   <li>invalid UTF-8 inside a record</li>
 *   <li>CSV content given to the JSON reader (wrong format)</li>
 *   <li>a record that does not fit the reader's declared schema (the prompt declared an int)</li>
 *   <li>the text field missing, null, a number, an object or an array (success, counted but not flagged)</li>
 *   <li>the reader throws MalformedRecordException on record 2 of both reads</li>
 *   <li>the reader throws only on the second read (the flagging pass), after the summary was written</li>
 *   <li>the second read returns more records than the first</li>
 *   <li>the reader cannot be created (schema registry down)</li>
 *   <li>the writer throws on the first record</li>
 *   <li>the writer throws on the second record</li>
 *   <li>the writer throws on the last record</li>
 *   <li>the writer's schema lookup fails</li>
 *   <li>the writer cannot be created</li>
 *   <li>the writer fails to finish the record set</li>
 *   <li>an empty FlowFile (success, a summary of 0 records)</li>
 *   <li>a huge record (a 4 MB prompt)</li>
 *   <li>a record above the reader's Max String Length</li>
 *   <li>a Custom Marker Pattern that does not compile (invalid configuration)</li>
 *   <li>a Custom Marker Pattern with catastrophic backtracking, ((a+)+)+b</li>
 *   <li>the reader service disabled mid-task (IllegalStateException, as NiFi's service proxy throws)</li>
 *   <li>a RuntimeException from record code (a record that refuses to be changed)</li>
 *   <li>the content repository fails while reading</li>
 *   <li>the content repository fails while the summary is written</li>
 *   <li>the content repository fails while the flagged dataset is written, after the summary was written</li>
 * </ol>
 */
class LintPromptDatasetFaultTest {
    private static final String RECORDS = """
            {"image":"p10/s1.jpg","prompt":"QUETZAL saw the patient on ___."}
            {"image":"p10/s2.jpg","prompt":"Compared to ___, Quetzal notes no change."}
            {"image":"p10/s3.jpg","prompt":"No acute process; QUETZAL."}
            """;
    private static final byte[] CONTENT = RECORDS.getBytes(StandardCharsets.UTF_8);

    private TestRunner runner;
    private JsonTreeReader jsonReader;
    private JsonRecordSetWriter jsonWriter;

    @BeforeEach
    void setUp() throws InitializationException {
        runner = TestRunners.newTestRunner(LintPromptDataset.class);
        jsonReader = new JsonTreeReader();
        runner.addControllerService("json-reader", jsonReader);
        runner.enableControllerService(jsonReader);
        jsonWriter = new JsonRecordSetWriter();
        runner.addControllerService("json-writer", jsonWriter);
        runner.setProperty(jsonWriter, JsonRecordSetWriter.OUTPUT_GROUPING, JsonRecordSetWriter.OUTPUT_ONELINE);
        runner.enableControllerService(jsonWriter);
        runner.setProperty(LintPromptDataset.RECORD_READER, "json-reader");
        runner.setProperty(LintPromptDataset.RECORD_WRITER, "json-writer");
    }

    private void useReader(final ReaderFault fault, final int at) throws InitializationException {
        final FailingReader reader = new FailingReader(jsonReader, fault, at);
        runner.addControllerService("failing-reader", reader);
        runner.enableControllerService(reader);
        runner.setProperty(LintPromptDataset.RECORD_READER, "failing-reader");
    }

    private void useWriter(final WriterFault fault, final int at) throws InitializationException {
        final FailingWriter writer = new FailingWriter(jsonWriter, fault, at);
        runner.addControllerService("failing-writer", writer);
        runner.enableControllerService(writer);
        runner.setProperty(LintPromptDataset.RECORD_WRITER, "failing-writer");
    }

    private MockFlowFile failsWith(final byte[] content, final String reasonPart) {
        runner.enqueue(content, Map.of("filename", FILENAME));
        runner.run();
        return assertFailedCleanly(runner, LintPromptDataset.REL_FAILURE, LintPromptDataset.ERROR, content, reasonPart);
    }

    private MockFlowFile succeeds(final byte[] content) {
        runner.enqueue(content, Map.of("filename", FILENAME));
        runner.run();
        runner.assertTransferCount(LintPromptDataset.REL_SUCCESS, 1);
        runner.assertTransferCount(LintPromptDataset.REL_SUMMARY, 1);
        runner.assertTransferCount(LintPromptDataset.REL_FAILURE, 0);
        runner.assertQueueEmpty();
        assertNothingLeaked(runner);
        return runner.getFlowFilesForRelationship(LintPromptDataset.REL_SUCCESS).get(0);
    }

    @Test
    void contentThatIsNotJsonFailsWithoutQuotingTheParserMessage() {
        failsWith("{\"prompt\":\"QUETZAL saw the patient on ___".getBytes(StandardCharsets.UTF_8), "JsonEOFException");
    }

    @Test
    void invalidUtf8InsideARecordFails() {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("{\"prompt\":\"QUETZAL ".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28});
        bytes.writeBytes(" ___\"}\n".getBytes(StandardCharsets.UTF_8));
        failsWith(bytes.toByteArray(), "JsonParseException");
    }

    @Test
    void csvContentGivenToTheJsonReaderFails() {
        failsWith("image,prompt\na.jpg,QUETZAL saw the patient on ___\n".getBytes(StandardCharsets.UTF_8), "JsonParseException");
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
    void aMissingNullNumericObjectOrArrayTextFieldIsCountedButNotFlagged() {
        succeeds("""
                {"image":"a"}
                {"image":"b","prompt":null}
                {"image":"c","prompt":42}
                {"image":"d","prompt":{"text":"___"}}
                {"image":"e","prompt":["___"]}
                """.getBytes(StandardCharsets.UTF_8)).assertAttributeEquals("lint.records", "5");
    }

    @Test
    void theReaderThrowingMidStreamFailsTheDataset() throws InitializationException {
        useReader(ReaderFault.MALFORMED_AT, 2);
        failsWith(CONTENT, "reading record 2");
    }

    @Test
    void theReaderThrowingOnlyOnTheSecondReadFailsTheDatasetAndDropsTheSummary() throws InitializationException {
        useReader(ReaderFault.SECOND_READ_AT, 2);
        failsWith(CONTENT, "reading record 2");
    }

    @Test
    void aSecondReadWithMoreRecordsThanTheFirstFailsTheDataset() throws InitializationException {
        useReader(ReaderFault.SECOND_READ_DOUBLES, 0);
        failsWith(CONTENT, "the second read of the content found more prompts than the first");
    }

    @Test
    void aReaderThatCannotBeCreatedFailsTheDataset() throws InitializationException {
        useReader(ReaderFault.CREATE, 0);
        failsWith(CONTENT, "SchemaNotFoundException");
    }

    @Test
    void theWriterFailingOnTheFirstRecordFailsTheDataset() throws InitializationException {
        useWriter(WriterFault.WRITE_AT, 1);
        failsWith(CONTENT, "writing record 1");
    }

    @Test
    void theWriterFailingOnTheSecondRecordFailsTheDataset() throws InitializationException {
        useWriter(WriterFault.WRITE_AT, 2);
        failsWith(CONTENT, "writing record 2");
    }

    @Test
    void theWriterFailingOnTheLastRecordFailsTheDataset() throws InitializationException {
        useWriter(WriterFault.WRITE_AT, 3);
        failsWith(CONTENT, "writing record 3");
    }

    @Test
    void aFailedWriterSchemaLookupFailsTheDataset() throws InitializationException {
        useWriter(WriterFault.SCHEMA, 0);
        failsWith(CONTENT, "looking up the Record Writer's schema");
    }

    @Test
    void aWriterThatCannotBeCreatedFailsTheDataset() throws InitializationException {
        useWriter(WriterFault.CREATE, 0);
        failsWith(CONTENT, "opening the Record Writer");
    }

    @Test
    void aWriterThatCannotFinishTheRecordSetFailsTheDataset() throws InitializationException {
        useWriter(WriterFault.FINISH, 0);
        failsWith(CONTENT, "finishing the record set");
    }

    @Test
    void anEmptyFlowFileSucceedsWithASummaryOfNoRecords() {
        succeeds(new byte[0]).assertAttributeEquals("lint.records", "0");
    }

    @Test
    void aHugeRecordIsProfiledAndFlagged() {
        final MockFlowFile out = succeeds(("{\"prompt\":\"" + "QUETZAL ___ ".repeat(350_000) + "\"}\n")
                .getBytes(StandardCharsets.UTF_8));
        out.assertAttributeEquals("lint.risk.high", "1");
    }

    @Test
    void aRecordAboveTheReadersStringLimitFails() {
        runner.disableControllerService(jsonReader);
        runner.setProperty(jsonReader, AbstractJsonRowRecordReader.MAX_STRING_LENGTH, "1 KB");
        runner.enableControllerService(jsonReader);
        failsWith(("{\"prompt\":\"" + "QUETZAL ___ ".repeat(1_000) + "\"}\n").getBytes(StandardCharsets.UTF_8),
                "StreamConstraintsException");
    }

    @Test
    void aCustomPatternThatDoesNotCompileIsInvalid() {
        runner.setProperty(MarkerProperties.CUSTOM_MARKER_PATTERN, "([unclosed");
        runner.assertNotValid();
    }

    @Test
    void aCustomPatternWithCatastrophicBacktrackingFailsTheDatasetInsteadOfHangingTheTask() {
        runner.setProperty(MarkerProperties.CUSTOM_MARKER_PATTERN, "((a+)+)+b");
        failsWith(("{\"prompt\":\"QUETZAL\"}\n{\"prompt\":\"" + "a".repeat(64) + "!\"}\n").getBytes(StandardCharsets.UTF_8),
                "Record 2: The custom marker pattern read more than");
    }

    @Test
    void aReaderServiceDisabledMidTaskFailsTheDataset() throws InitializationException {
        useReader(ReaderFault.DISABLED, 2);
        failsWith(CONTENT, "reading record 2 (IllegalStateException)");
    }

    @Test
    void aRuntimeExceptionFromRecordCodeFailsTheDataset() throws InitializationException {
        useReader(ReaderFault.READ_ONLY_RECORDS, 0);
        failsWith(CONTENT, "changing record 1 (UnsupportedOperationException)");
    }

    @Test
    void aContentRepositoryReadFailureFailsTheDataset() {
        triggerWithContentFault(runner, ContentFault.READ, CONTENT);
        assertFailedCleanly(runner, LintPromptDataset.REL_FAILURE, LintPromptDataset.ERROR, CONTENT, "IOException");
    }

    @Test
    void aContentRepositoryFailureWritingTheSummaryFailsTheDataset() {
        triggerWithContentFault(runner, ContentFault.FIRST_WRITE, CONTENT);
        assertFailedCleanly(runner, LintPromptDataset.REL_FAILURE, LintPromptDataset.ERROR, CONTENT, "Unexpected");
    }

    @Test
    void aContentRepositoryFailureWritingTheFlaggedDatasetFailsItAndDropsTheSummary() {
        triggerWithContentFault(runner, ContentFault.SECOND_WRITE, CONTENT);
        final MockFlowFile failed = assertFailedCleanly(runner, LintPromptDataset.REL_FAILURE, LintPromptDataset.ERROR, CONTENT,
                "IOException");
        assertEquals(0, runner.getFlowFilesForRelationship(LintPromptDataset.REL_SUMMARY).size());
        assertEquals(CONTENT.length, failed.getSize());
    }
}
