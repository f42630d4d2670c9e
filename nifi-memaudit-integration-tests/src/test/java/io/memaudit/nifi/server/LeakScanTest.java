package io.memaudit.nifi.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** The check the real-server tests run on NiFi's logs, bulletins and gate reports must be able to fail. */
class LeakScanTest {
    private static final Map<String, String> CAPTIONS = CurateAndGateFlow.captions("ward-a", 12);
    private static final LeakScan LEAKS = LeakScan.of(CAPTIONS.values(), List.of("ward-a-ACC20250207001.jsonl"));
    private static final String NIFI_LOG = """
            2026-12-02 10:00:01,123 INFO [main] o.a.n.c.r.WriteAheadFlowFileRepository Successfully restored 12 FlowFiles and 0 Swap Files
            2026-12-02 10:00:02,456 ERROR [Timer-Driven Process Thread-3] i.m.nifi.RandomizeDeidMarkers RandomizeDeidMarkers[id=5a1f] \
            Failed to randomize markers in FlowFile 0d6e6d1c-7c1e-4c53-9a0e-2f7f9d2b4a11: Failed opening the Record Reader \
            (JsonEOFException). Check that the content matches the configured Record Reader. The full message, which can quote \
            record text, is logged at DEBUG.
            2026-12-02 10:00:03,789 INFO [Flow Service Tasks Thread-1] o.a.nifi.controller.StandardFlowService Saved flow \
            controller without interval changes; process group started, the FlowFile routed to failure unchanged
            """;

    @Test
    void aLogThatOnlyNamesFlowFilesByUuidIsClean(@TempDir final Path logs) throws IOException {
        Files.writeString(logs.resolve("nifi.log"), NIFI_LOG);
        assertEquals(1, LEAKS.assertNotInFiles(logs));
    }

    @Test
    void aPlantedPromptIsFoundInAFileWhateverItsCase(@TempDir final Path logs) throws IOException {
        final String prompt = CAPTIONS.values().iterator().next();
        Files.writeString(logs.resolve("nifi.log"), NIFI_LOG + "ERROR ... " + prompt.toUpperCase(Locale.ROOT) + "\n");
        final List<String> found = LEAKS.findInFiles(logs);
        assertTrue(found.stream().anyMatch(hit -> hit.contains("'" + prompt.toLowerCase(Locale.ROOT) + "'")), found.toString());
        assertThrows(AssertionFailedError.class, () -> LEAKS.assertNotInFiles(logs));
    }

    @Test
    void aParserMessageQuotingAFragmentIsFound() {
        // Jackson quotes up to 500 characters around the error: a fragment of a prompt, not the whole prompt
        final String message = "JsonParseException: Unexpected character ('}' (code 125)): was expecting double-quote "
                + "[Source: (String)\"{\"prompt\":\"Mild cardiomegaly with\"; line: 1, column: 28]";
        assertFalse(LEAKS.findIn("bulletin", message).isEmpty(), "a fragment with 'cardiomegaly'");
        assertThrows(AssertionFailedError.class, () -> LEAKS.assertNotIn("bulletin", message));
    }

    @Test
    void anInputFileNameIsFound() {
        final List<String> found = LEAKS.findIn("nifi-app.log", "INFO SplitRecord Successfully split StandardFlowFileRecord"
                + "[uuid=0d6e,claim=,offset=0,name=WARD-A-ACC20250207001.jsonl,size=1187] into 5 FlowFiles");
        assertEquals(2, found.size(), "the name, with and without its extension: " + found);
        assertEquals(1, LEAKS.findIn("nifi-app.log", "accession ward-a-ACC20250207001 was split").size(),
                "the name without its extension");
    }

    @Test
    void aWordInsideALongerWordIsNotALeak() {
        final LeakScan leaks = LeakScan.of(List.of("Tension pneumothorax"), List.of());
        assertEquals(List.of(), leaks.findIn("nifi.log", "Loaded 212 extensions; no pneumothoraxes"));
        assertEquals(1, leaks.findIn("nifi.log", "...quoting 'tension'...").size());
    }

    @Test
    void everyTestPromptHasADistinctiveWordSoAQuotedFragmentIsFound() {
        for (final String prompt : CurateAndGateFlow.captions("ward-b", 48).values()) {
            assertFalse(LeakScan.distinctiveWords(prompt).isEmpty(), prompt);
        }
    }

    @Test
    void distinctiveWordsAreLongAndNotNiFisVocabulary() {
        assertEquals(Set.of("cardiopulmonary"), LeakScan.distinctiveWords("No acute cardiopulmonary process. Series ward-a, image 0."));
        assertEquals(Set.of("right-sided"), LeakScan.distinctiveWords("Right-sided PICC line ending in the lower SVC."));
    }
}
