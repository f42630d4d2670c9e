package io.memaudit.nifi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memaudit.nifi.FailingRecordServices.FailingReader;
import io.memaudit.nifi.FailingRecordServices.ReaderFault;
import io.memaudit.nifi.FaultChecks.ContentFault;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.nifi.json.AbstractJsonRowRecordReader;
import org.apache.nifi.json.JsonTreeReader;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * EvaluateReleaseGate with a real JsonTreeReader; reader faults come from {@link FailingRecordServices} (test services that
 * wrap the real reader and fail at a chosen point) and content repository faults from a session whose streams throw
 * ({@link FaultChecks}). Faults provoked, each asserted to leave the input on exactly one relationship and never on
 * 'approved', 26 in all.
 *
 * <p>Records the gate cannot count as not memorized, and datasets it cannot approve (rejected or held, with a report):
 * <ol>
 *   <li>a score that is the text "NaN" (as Jackson writes a non-finite number)</li>
 *   <li>an infinite score</li>
 *   <li>a score_error beside a score</li>
 *   <li>a null score with a score_error</li>
 *   <li>a record without a score</li>
 *   <li>a dataset with no score field at all</li>
 *   <li>an empty dataset</li>
 *   <li>the hold policy with only unscored records against the dataset (held)</li>
 *   <li>the hold policy with another rejecting rule (rejected)</li>
 *   <li>a dataset reassembled with a repeated chunk in place of a missing one: the record count is right, a Record Key
 *       Field value repeats (rejected as not whole)</li>
 *   <li>a dataset with fewer records than its Expected Record Count (rejected as not whole)</li>
 * </ol>
 * Faults that stop the gate from judging the dataset: it goes to 'failure' unchanged and penalized, without a report, with
 * gate.error naming the stage and the exception types, and nothing is queued again; no log line above DEBUG and no
 * attribute carries record text or the file name. The policy would approve each dataset without the fault.
 * <ol start="10">
 *   <li>content that is not JSON (a truncated record; the parser's message quotes it)</li>
 *   <li>CSV content given to the JSON reader</li>
 *   <li>invalid UTF-8 inside a record</li>
 *   <li>a record above the reader's Max String Length</li>
 *   <li>a reader that cannot be created (schema registry down: SchemaNotFoundException)</li>
 *   <li>the reader throws MalformedRecordException on record 2 (mid-stream)</li>
 *   <li>the reader throws IOException on the last record</li>
 *   <li>the reader service disabled mid-task (IllegalStateException, as NiFi's service proxy throws)</li>
 *   <li>the reader throws an unchecked exception of its own (UnsupportedOperationException, a reader bug)</li>
 *   <li>a Custom Marker Pattern with catastrophic backtracking, ((a+)+)+b, on a memorized record's text
 *       (MarkerScanLimitException)</li>
 *   <li>a Custom Marker Pattern that overflows the stack, (a|b)*c on a long memorized text</li>
 *   <li>the content repository fails while reading (IOException)</li>
 *   <li>the content repository fails while reading with an unchecked exception</li>
 *   <li>the content repository fails while writing the report (the report is dropped)</li>
 *   <li>an Expected Record Count whose attribute is missing or not a number</li>
 * </ol>
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
    private JsonTreeReader jsonReader;

    @BeforeEach
    void setUp() throws InitializationException {
        runner = TestRunners.newTestRunner(EvaluateReleaseGate.class);
        jsonReader = new JsonTreeReader();
        runner.addControllerService("reader", jsonReader);
        runner.enableControllerService(jsonReader);
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

    /** Scored records with patient-like text that the fault tests' policy approves when nothing goes wrong. */
    private static final String PATIENT_DATASET = """
            {"prompt":"QUETZAL saw the patient on ___.","dmem":0.1}
            {"prompt":"Compared to ___, Quetzal notes no change.","dmem":0.9}
            {"prompt":"No acute process; QUETZAL.","dmem":0.2}
            {"prompt":"Stable, QUETZAL.","dmem":0.15}
            """;
    private static final byte[] PATIENT_CONTENT = PATIENT_DATASET.getBytes(StandardCharsets.UTF_8);

    @Test
    void aDatasetWithARepeatedChunkInPlaceOfAMissingOneIsRejectedAsNotWholeThoughItsCountIsRight() throws Exception {
        approvingPolicy();
        runner.setProperty(EvaluateReleaseGate.RECORD_KEY_FIELD, "/image");
        runner.setProperty(EvaluateReleaseGate.EXPECTED_RECORD_COUNT, "${dataset.record.count}");
        final String whole = """
                {"image":"a.jpg","prompt":"No acute process.","dmem":0.1}
                {"image":"b.jpg","prompt":"Stable effusion.","dmem":0.2}
                {"image":"c.jpg","prompt":"Clear lungs.","dmem":0.15}
                """;
        runner.enqueue(whole, Map.of("dataset.record.count", "3"));
        runner.run();
        runner.assertTransferCount(EvaluateReleaseGate.REL_APPROVED, 1);
        runner.clearTransferState();

        final String repeated = whole.replace("\"image\":\"c.jpg\"", "\"image\":\"b.jpg\"");
        runner.enqueue(repeated, Map.of("dataset.record.count", "3", "filename", "MRN123-dataset.jsonl"));
        runner.run();
        runner.assertTransferCount(EvaluateReleaseGate.REL_REJECTED, 1);
        runner.assertTransferCount(EvaluateReleaseGate.REL_APPROVED, 0);
        final MockFlowFile rejected = runner.getFlowFilesForRelationship(EvaluateReleaseGate.REL_REJECTED).get(0);
        assertTrue(rejected.getAttribute(EvaluateReleaseGate.REASONS).contains("the dataset is not whole: 1 records repeat "
                + "the /image of an earlier record"), rejected.getAttribute(EvaluateReleaseGate.REASONS));
        assertEquals(1, report().path("wholeness").path("repeated_keys").asInt());
        assertFalse(rejected.getAttribute(EvaluateReleaseGate.REASONS).contains("b.jpg"), "the key is not quoted");
    }

    @Test
    void aDatasetWithFewerRecordsThanExpectedIsRejectedAsNotWhole() {
        approvingPolicy();
        runner.setProperty(EvaluateReleaseGate.EXPECTED_RECORD_COUNT, "${dataset.record.count}");
        runner.enqueue(CLEAN, Map.of("dataset.record.count", "3"));
        runner.run();
        runner.assertTransferCount(EvaluateReleaseGate.REL_REJECTED, 1);
        assertEquals("the dataset is not whole: 2 records read, 3 expected; a dataset is gated whole or not at all",
                runner.getFlowFilesForRelationship(EvaluateReleaseGate.REL_REJECTED).get(0)
                        .getAttribute(EvaluateReleaseGate.REASONS));
    }

    @Test
    void anExpectedRecordCountThatIsMissingOrNotANumberFailsTheDataset() {
        approvingPolicy();
        runner.setProperty(EvaluateReleaseGate.EXPECTED_RECORD_COUNT, "${dataset.record.count}");
        failsWith(PATIENT_CONTENT, "Expected Record Count did not evaluate to a whole number");
        runner.clearTransferState();
        runner.enqueue(PATIENT_CONTENT, Map.of("filename", FaultChecks.FILENAME, "dataset.record.count", "three"));
        runner.run();
        final MockFlowFile failed = FaultChecks.assertOneOut(runner, EvaluateReleaseGate.REL_FAILURE);
        assertFalse(failed.getAttribute(EvaluateReleaseGate.ERROR).contains("three"), "the value is not quoted");
        FaultChecks.assertNothingLeaked(runner);
    }

    private void approvingPolicy() {
        runner.setProperty(EvaluateReleaseGate.MAXIMUM_MEMORIZED_FRACTION, "1.0");
        runner.setProperty(EvaluateReleaseGate.MARKER_RULE, "false");
    }

    private MockFlowFile failsWith(final byte[] content, final String reasonPart) {
        runner.enqueue(content, Map.of("filename", FaultChecks.FILENAME));
        runner.run();
        return FaultChecks.assertFailedCleanly(runner, EvaluateReleaseGate.REL_FAILURE, EvaluateReleaseGate.ERROR, content,
                reasonPart);
    }

    private void useReader(final ReaderFault fault, final int at) throws InitializationException {
        final FailingReader reader = new FailingReader(jsonReader, fault, at);
        runner.addControllerService("failing-reader", reader);
        runner.enableControllerService(reader);
        runner.setProperty(EvaluateReleaseGate.RECORD_READER, "failing-reader");
    }

    @Test
    void theFaultTestsDatasetIsApprovedWhenNothingGoesWrong() {
        approvingPolicy();
        runner.enqueue(PATIENT_CONTENT, Map.of("filename", FaultChecks.FILENAME));
        runner.run();
        runner.assertTransferCount(EvaluateReleaseGate.REL_APPROVED, 1);
        runner.assertTransferCount(EvaluateReleaseGate.REL_REPORT, 1);
        runner.assertTransferCount(EvaluateReleaseGate.REL_FAILURE, 0);
        FaultChecks.assertNothingLeaked(runner);
    }

    @Test
    void contentThatIsNotJsonFailsWithoutQuotingTheParserMessage() {
        approvingPolicy();
        failsWith("{\"prompt\":\"QUETZAL saw the patient on ___\",\"dmem\":0.".getBytes(StandardCharsets.UTF_8),
                "Failed opening the Record Reader (");
    }

    @Test
    void csvContentGivenToTheJsonReaderFails() {
        approvingPolicy();
        failsWith("prompt,dmem\nQUETZAL saw the patient on ___,0.1\n".getBytes(StandardCharsets.UTF_8), "JsonParseException");
    }

    @Test
    void invalidUtf8InsideARecordFails() {
        approvingPolicy();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("{\"prompt\":\"QUETZAL ".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28});
        bytes.writeBytes(" ___\",\"dmem\":0.1}\n".getBytes(StandardCharsets.UTF_8));
        failsWith(bytes.toByteArray(), "JsonParseException");
    }

    @Test
    void aRecordAboveTheReadersStringLimitFails() {
        approvingPolicy();
        runner.disableControllerService(jsonReader);
        runner.setProperty(jsonReader, AbstractJsonRowRecordReader.MAX_STRING_LENGTH, "1 KB");
        runner.enableControllerService(jsonReader);
        failsWith(("{\"prompt\":\"" + "QUETZAL ___ ".repeat(1_000) + "\",\"dmem\":0.1}\n").getBytes(StandardCharsets.UTF_8),
                "StreamConstraintsException");
    }

    @Test
    void aReaderThatCannotBeCreatedFailsTheDataset() throws InitializationException {
        approvingPolicy();
        useReader(ReaderFault.CREATE, 0);
        failsWith(PATIENT_CONTENT, "Failed opening the Record Reader (SchemaNotFoundException)");
    }

    @Test
    void theReaderThrowingMidStreamFailsTheDataset() throws InitializationException {
        approvingPolicy();
        useReader(ReaderFault.MALFORMED_AT, 2);
        failsWith(PATIENT_CONTENT, "Failed reading record 2 (MalformedRecordException)");
    }

    @Test
    void theReaderThrowingIoOnTheLastRecordFailsTheDataset() throws InitializationException {
        approvingPolicy();
        useReader(ReaderFault.IO_AT, 4);
        failsWith(PATIENT_CONTENT, "Failed reading record 4 (IOException)");
    }

    @Test
    void aReaderServiceDisabledMidTaskFailsTheDataset() throws InitializationException {
        approvingPolicy();
        useReader(ReaderFault.DISABLED, 2);
        failsWith(PATIENT_CONTENT, "Failed reading record 2 (IllegalStateException)");
    }

    @Test
    void anUncheckedExceptionFromTheReaderFailsTheDataset() throws InitializationException {
        approvingPolicy();
        useReader(ReaderFault.UNCHECKED_AT, 3);
        failsWith(PATIENT_CONTENT, "Failed reading record 3 (UnsupportedOperationException)");
    }

    @Test
    void aCustomPatternWithCatastrophicBacktrackingFailsTheDatasetInsteadOfHangingTheTask() {
        runner.setProperty(EvaluateReleaseGate.MAXIMUM_MEMORIZED_FRACTION, "1.0");
        runner.setProperty(MarkerProperties.CUSTOM_MARKER_PATTERN, "((a+)+)+b");
        final MockFlowFile failed = failsWith(("{\"prompt\":\"QUETZAL\",\"dmem\":0.1}\n{\"prompt\":\"" + "a".repeat(64)
                + "!\",\"dmem\":0.9}\n").getBytes(StandardCharsets.UTF_8),
                "Failed evaluating record 2 (MarkerScanLimitException): The custom marker pattern read more than");
        assertFalse(failed.getAttribute(EvaluateReleaseGate.ERROR).contains("aaaa"));
    }

    @Test
    void aCustomPatternThatOverflowsTheStackFailsTheDataset() {
        runner.setProperty(EvaluateReleaseGate.MAXIMUM_MEMORIZED_FRACTION, "1.0");
        runner.setProperty(MarkerProperties.CUSTOM_MARKER_PATTERN, "(a|b)*c");
        failsWith(("{\"prompt\":\"" + "ab".repeat(500_000) + "c\",\"dmem\":0.9}\n").getBytes(StandardCharsets.UTF_8),
                "Failed evaluating record 1 (MarkerScanLimitException): The custom marker pattern recursed too deeply");
    }

    @Test
    void aContentRepositoryReadFailureFailsTheDataset() {
        approvingPolicy();
        FaultChecks.triggerWithContentFault(runner, ContentFault.READ, PATIENT_CONTENT);
        FaultChecks.assertFailedCleanly(runner, EvaluateReleaseGate.REL_FAILURE, EvaluateReleaseGate.ERROR, PATIENT_CONTENT,
                "IOException");
    }

    @Test
    void anUncheckedContentRepositoryReadFailureFailsTheDataset() {
        approvingPolicy();
        FaultChecks.triggerWithContentFault(runner, ContentFault.READ_UNCHECKED, PATIENT_CONTENT);
        FaultChecks.assertFailedCleanly(runner, EvaluateReleaseGate.REL_FAILURE, EvaluateReleaseGate.ERROR, PATIENT_CONTENT,
                "IllegalStateException");
    }

    @Test
    void aReportThatCannotBeWrittenIsDroppedAndTheDatasetFails() {
        approvingPolicy();
        FaultChecks.triggerWithContentFault(runner, ContentFault.FIRST_WRITE, PATIENT_CONTENT);
        FaultChecks.assertFailedCleanly(runner, EvaluateReleaseGate.REL_FAILURE, EvaluateReleaseGate.ERROR, PATIENT_CONTENT,
                "Failed writing the report (");
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
