package io.memaudit.core.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memaudit.core.markers.MarkerDialect;
import io.memaudit.core.markers.MarkerFinder;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptLintTest {

    private static LintReport lint(final List<String> prompts) {
        final PromptLint lint = new PromptLint(MarkerFinder.of(EnumSet.of(MarkerDialect.MIMIC_CXR, MarkerDialect.TAGS), null));
        prompts.forEach(lint::add);
        return lint.finish();
    }

    @Test
    void markerFormsAreCountedByOccurrenceAndDistinctPrompt() {
        final LintReport report = lint(List.of(
                "Compared to ___ and ___.",
                "Compared to ___ and ___.",
                "Dr. ____ notified on ___.",
                "Per <PERSON>."));
        assertEquals(List.of(new LintReport.MarkerForm("___", 5, 2), new LintReport.MarkerForm("____", 1, 1),
                new LintReport.MarkerForm("<PERSON>", 1, 1)), report.markerForms());
        assertEquals(4, report.promptsWithMarkers());
    }

    @Test
    void exactAndNearDuplicatesAreFound() {
        final LintReport report = lint(List.of(
                "No acute process.", "No acute process.", "No acute process.",
                "No acute process", "no acute PROCESS!",
                "Effusion since ___.", "Effusion since ___ .",
                "Something else entirely."));
        assertEquals(1, report.duplicateGroups());
        assertEquals(3, report.duplicateRecords());
        assertEquals(3, report.largestDuplicateGroup());
        assertEquals(2, report.nearDuplicateGroups());
        assertEquals(7, report.nearDuplicateRecords());
        assertEquals(6, report.distinctPrompts());
        assertEquals(5, report.uniquePrompts());
    }

    @Test
    void uniquePromptsWithMarkersAreHighRiskAndRepeatedOnesMedium() {
        final LintReport report = lint(List.of(
                "Compared to ___, new left lower lobe opacity.",
                "No acute process.", "No acute process.",
                "Stable since ___.", "Stable since ___.",
                "Short."));
        assertEquals(PromptRisk.Level.HIGH, report.risk(0).level());
        assertEquals(List.of("marker", "unique", "long"), report.risk(0).reasons());
        assertEquals(PromptRisk.Level.LOW, report.risk(1).level());
        assertEquals(PromptRisk.Level.MEDIUM, report.risk(3).level());
        assertEquals(PromptRisk.Level.LOW, report.risk(5).level());
        assertEquals(1.0 / 6, report.uniqueWithMarkersShare(), 1e-12);
    }

    @Test
    void recordsWithoutTextAreCountedButNotProfiled() {
        final PromptLint lint = new PromptLint(MarkerFinder.of(EnumSet.of(MarkerDialect.MIMIC_CXR), null));
        lint.add(null);
        lint.add("Two words");
        final LintReport report = lint.finish();
        assertEquals(2, report.records());
        assertEquals(1, report.prompts());
        assertEquals(new LintReport.Lengths(2.0, 2, 2, 2, 2), report.lengths());
        assertTrue(report.toTable().contains("records 2 | with text 1"), report.toTable());
    }

    @Test
    void anEmptyDatasetGivesAnEmptyReport() {
        final LintReport report = lint(List.of());
        assertEquals(0, report.prompts());
        assertEquals(0, report.uniqueWithMarkersShare());
        assertTrue(report.toTable().contains("risk: high 0"));
    }
}
