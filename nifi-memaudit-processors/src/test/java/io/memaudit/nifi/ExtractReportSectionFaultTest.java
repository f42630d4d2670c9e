package io.memaudit.nifi;

import static io.memaudit.nifi.FaultChecks.FILENAME;
import static io.memaudit.nifi.FaultChecks.assertFailedCleanly;
import static io.memaudit.nifi.FaultChecks.assertNothingLeaked;
import static io.memaudit.nifi.FaultChecks.assertOneOut;
import static io.memaudit.nifi.FaultChecks.logLines;
import static io.memaudit.nifi.FaultChecks.triggerWithContentFault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.memaudit.core.provenance.Provenance;
import io.memaudit.nifi.FaultChecks.ContentFault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults provoked in {@link ExtractReportSection}, and where the prompt goes. Under each fault the report leaves on exactly
 * one relationship, unchanged and penalized on failure, is not queued again, and no log line above DEBUG, exception text or
 * attribute carries report text or the file name (see {@link FaultChecks}).
 *
 * <p>Faults (12): an empty report; a binary report; invalid UTF-8; no text in any preferred section; a report above Maximum
 * Report Size; a prompt above Maximum Prompt Length; a Section Preference that names no section (invalid configuration);
 * the content repository failing while reading, with an IOException or an unchecked exception; the content repository
 * failing while the prompt is written into the content; a large report (2 MB impression) in content mode, which succeeds;
 * the same report in attributes mode, which fails on Maximum Prompt Length.
 */
class ExtractReportSectionFaultTest {
    private static final byte[] REPORT = """
            FINAL REPORT
            FINDINGS: QUETZAL saw the patient. Lungs are clear.
            IMPRESSION: No acute process. Quetzal notes stable ___.
            """.getBytes(StandardCharsets.UTF_8);

    private TestRunner runner;

    @BeforeEach
    void setUp() {
        runner = TestRunners.newTestRunner(ExtractReportSection.class);
    }

    private MockFlowFile failsWith(final byte[] content, final String reasonPart) {
        runner.enqueue(content, Map.of("filename", FILENAME));
        runner.run();
        return assertFailedCleanly(runner, ExtractReportSection.REL_FAILURE, ExtractReportSection.ERROR, content, reasonPart);
    }

    @Test
    void anEmptyReportFails() {
        failsWith(new byte[0], "empty");
    }

    @Test
    void aBinaryReportFails() {
        failsWith(new byte[] {'Q', 0, 1, 2, 3, 'U', 0x7f, 0}, "binary");
    }

    @Test
    void invalidUtf8Fails() {
        failsWith(new byte[] {'Q', 'U', (byte) 0xC3, (byte) 0x28, 'Z'}, "not UTF-8");
    }

    @Test
    void aReportWithoutAPreferredSectionFails() {
        runner.setProperty(ExtractReportSection.SECTION_PREFERENCE, "comparison");
        failsWith(REPORT, "no text in any preferred section");
    }

    @Test
    void aReportAboveTheMaximumSizeFails() {
        runner.setProperty(ExtractReportSection.MAXIMUM_REPORT_SIZE, "10 B");
        failsWith(REPORT, "above Maximum Report Size");
    }

    @Test
    void aPromptAboveTheMaximumLengthFails() {
        runner.setProperty(ExtractReportSection.MAXIMUM_PROMPT_LENGTH, "10");
        failsWith(REPORT, "above Maximum Prompt Length");
    }

    @Test
    void aSectionPreferenceThatNamesNoSectionIsInvalid() {
        runner.setProperty(ExtractReportSection.SECTION_PREFERENCE, " , ");
        runner.assertNotValid();
    }

    @Test
    void aContentRepositoryReadFailureFailsTheReport() {
        triggerWithContentFault(runner, ContentFault.READ, REPORT);
        assertFailedCleanly(runner, ExtractReportSection.REL_FAILURE, ExtractReportSection.ERROR, REPORT, "unexpected");
    }

    @Test
    void anUncheckedReadFailureFailsTheReport() {
        triggerWithContentFault(runner, ContentFault.READ_UNCHECKED, REPORT);
        assertFailedCleanly(runner, ExtractReportSection.REL_FAILURE, ExtractReportSection.ERROR, REPORT,
                "unexpected IllegalStateException");
    }

    @Test
    void aContentRepositoryWriteFailureInContentModeFailsTheReport() {
        runner.setProperty(ExtractReportSection.PROMPT_DESTINATION, PromptDestination.CONTENT);
        triggerWithContentFault(runner, ContentFault.FIRST_WRITE, REPORT);
        assertFailedCleanly(runner, ExtractReportSection.REL_FAILURE, ExtractReportSection.ERROR, REPORT, "unexpected");
    }

    @Test
    void aLargeReportInContentModeSucceedsWithThePromptInTheContent() throws IOException {
        runner.setProperty(ExtractReportSection.PROMPT_DESTINATION, PromptDestination.CONTENT);
        final String impression = "Quetzal notes stable ___. ".repeat(80_000);
        runner.enqueue(("IMPRESSION: " + impression).getBytes(StandardCharsets.UTF_8), Map.of("filename", FILENAME));
        runner.run();
        final MockFlowFile out = assertOneOut(runner, ExtractReportSection.REL_SUCCESS);
        final JsonNode json = Provenance.JSON.readTree(out.toByteArray());
        assertEquals(impression.strip(), json.get("prompt").asText());
        assertEquals(80_000, json.get("sentences").size());
        out.assertAttributeEquals(ExtractReportSection.SENTENCE_COUNT, "80000");
        assertNothingLeaked(runner);
    }

    @Test
    void theSameLargeReportInAttributesModeFailsOnTheMaximumPromptLength() {
        failsWith(("IMPRESSION: " + "Quetzal notes stable ___. ".repeat(80_000)).getBytes(StandardCharsets.UTF_8),
                "above Maximum Prompt Length (8192)");
    }

    @Test
    void contentModeKeepsReportTextOutOfTheAttributes() throws IOException {
        runner.setProperty(ExtractReportSection.PROMPT_DESTINATION, PromptDestination.CONTENT);
        runner.enqueue(REPORT, Map.of("filename", FILENAME));
        runner.run();
        final MockFlowFile out = assertOneOut(runner, ExtractReportSection.REL_SUCCESS);
        assertNull(out.getAttribute(ExtractReportSection.PROMPT));
        assertNull(out.getAttribute(ExtractReportSection.SENTENCES));
        out.assertAttributeEquals(ExtractReportSection.SECTION, "impression");
        out.assertAttributeEquals("mime.type", "application/json");
        final JsonNode json = Provenance.JSON.readTree(out.toByteArray());
        assertEquals("No acute process. Quetzal notes stable ___.", json.get("prompt").asText());
        assertEquals("impression", json.get("section").asText());
        assertEquals(2, json.get("sentences").size());
        assertNothingLeaked(runner);
        assertFalse(logLines(runner.getLogger(), true).stream().anyMatch(line -> line.contains("Quetzal")));
    }

    @Test
    void attributesModeStaysTheDefault() {
        runner.enqueue(REPORT, Map.of("filename", FILENAME));
        runner.run();
        assertOneOut(runner, ExtractReportSection.REL_SUCCESS)
                .assertAttributeEquals(ExtractReportSection.PROMPT, "No acute process. Quetzal notes stable ___.");
        assertNothingLeaked(runner);
    }
}
