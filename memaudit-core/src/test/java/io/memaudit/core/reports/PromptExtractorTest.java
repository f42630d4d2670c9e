package io.memaudit.core.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PromptExtractorTest {
    private static final String MIMIC_STYLE = """
                                             FINAL REPORT
             EXAMINATION:  CHEST (PA AND LAT)
            \s
             INDICATION:  ___-year-old man with cough.
            \s
             COMPARISON:  ___.
            \s
             FINDINGS:\s
            \s
             The lungs are clear without focal consolidation.  No pleural effusion or
             pneumothorax is seen.
            \s
             IMPRESSION:\s
            \s
             No acute cardiopulmonary process.  Findings discussed with Dr. ___ at ___
             on ___.
            """;

    private final PromptExtractor extractor = new PromptExtractor();

    @Test
    void mimicStyleReportsYieldTheirImpressionWithWrappedLinesJoined() throws UnusableReportException {
        final ExtractedPrompt prompt = extractor.extract(MIMIC_STYLE);
        assertEquals("impression", prompt.section());
        assertEquals("No acute cardiopulmonary process. Findings discussed with Dr. ___ at ___ on ___.", prompt.text());
        assertEquals(List.of("No acute cardiopulmonary process.", "Findings discussed with Dr. ___ at ___ on ___."),
                prompt.sentences());
    }

    @Test
    void sectionsAreParsedInOrderWithCanonicalNames() {
        final List<String> names = ReportSections.parse(MIMIC_STYLE).stream().map(ReportSection::name).toList();
        assertEquals(List.of("technique", "indication", "comparison", "findings", "impression"), names);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "IMPRESSIONS:|impression",
            "Impression:|impression",
            "CONCLUSION:|impression",
            "FINDINGS/IMPRESSION:|impression",
            "IMPRESSION :|impression",
            "  IMPRESSION:|impression",
    })
    void headerVariantsAreRecognised(final String header, final String section) throws UnusableReportException {
        final String report = "FINDINGS: Clear lungs.\n" + header + " Stable cardiomegaly.\n";
        final ExtractedPrompt prompt = extractor.extract(report);
        assertEquals(section, prompt.section());
        assertEquals("Stable cardiomegaly.", prompt.text());
    }

    @Test
    void bodiesStartingOnTheHeaderLineAndSpanningLinesAreKept() throws UnusableReportException {
        final ExtractedPrompt prompt = extractor.extract("IMPRESSION: Small left\r\n  effusion.\r\nRECOMMENDATION(S): CT.\r\n");
        assertEquals("Small left effusion.", prompt.text());
    }

    @Test
    void withoutAnImpressionTheFindingsAreUsed() throws UnusableReportException {
        final ExtractedPrompt prompt = extractor.extract("INDICATION: Cough.\n\nFINDINGS: Mild edema.\n");
        assertEquals("findings", prompt.section());
        assertEquals("Mild edema.", prompt.text());
    }

    @Test
    void withoutHeadersTheLastParagraphIsUsed() throws UnusableReportException {
        final ExtractedPrompt prompt = extractor.extract("Chest, two views.\n\nHeart size normal.\nLungs clear.\n\n");
        assertEquals(PromptExtractor.LAST_PARAGRAPH, prompt.section());
        assertEquals("Heart size normal. Lungs clear.", prompt.text());
    }

    @Test
    void anEmptyImpressionFallsBackToTheNextPreference() throws UnusableReportException {
        final ExtractedPrompt prompt = extractor.extract("FINDINGS: Clear.\nIMPRESSION:\n\n");
        assertEquals("findings", prompt.section());
    }

    @Test
    void theBannerAndTimesInTextAreNotHeaders() throws UnusableReportException {
        final ExtractedPrompt prompt = extractor.extract("    FINAL REPORT\nIMPRESSION: Called AT 10:30 to Dr. ___.\n");
        assertEquals("Called AT 10:30 to Dr. ___.", prompt.text());
    }

    @Test
    void aConfiguredPreferenceIsFollowed() throws UnusableReportException {
        final PromptExtractor findingsFirst = PromptExtractor.fromPreference("findings, impression");
        assertEquals("findings", findingsFirst.extract(MIMIC_STYLE).section());
        assertEquals(List.of("findings", "impression"), findingsFirst.preference());
    }

    @Test
    void unusableReportsSayWhy() {
        assertTrue(assertThrows(UnusableReportException.class, () -> extractor.extract("")).getMessage().contains("empty"));
        assertTrue(assertThrows(UnusableReportException.class, () -> extractor.extract(" \n\t\n")).getMessage().contains("empty"));
        assertTrue(assertThrows(UnusableReportException.class, () -> extractor.extract("PK\u0003\u0004\u0000\u0000binary"))
                .getMessage().contains("binary"));
        assertTrue(assertThrows(UnusableReportException.class,
                () -> new PromptExtractor(List.of("impression")).extract("FINDINGS: Clear.\n")).getMessage()
                .contains("no text in any preferred section (impression)"));
        assertTrue(assertThrows(UnusableReportException.class, () -> extractor.extract("IMPRESSION: ___ ...\n"))
                .getMessage().contains("no text"));
    }

    @Test
    void aTenMegabyteReportIsParsedInOneGo() throws UnusableReportException {
        final String findings = "The lungs are clear. ".repeat(500_000);
        final ExtractedPrompt prompt = extractor.extract("FINDINGS:\n" + findings + "\n");
        assertEquals("findings", prompt.section());
        assertTrue(prompt.text().length() > 10_000_000 - 100);
    }
}
