package io.memaudit.core.recaption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memaudit.core.markers.MarkerDialect;
import io.memaudit.core.markers.MarkerFinder;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RuleBasedRecaptionerTest {
    private static final RuleBasedRecaptioner RECAPTIONER = new RuleBasedRecaptioner();
    private static final MarkerFinder MIMIC_CXR = MarkerFinder.of(EnumSet.of(MarkerDialect.MIMIC_CXR), null);
    private static final Set<String> CLINICAL_WORDS = Set.of("effusion", "effusions", "pneumothorax", "opacity",
            "cardiomegaly", "left", "right", "consolidation", "atelectasis", "catheter", "tube", "edema", "pneumonia",
            "enlarged", "nodule");

    /** MIMIC-style impressions (written for this test, no real report text) and their expected rewrites. */
    static Stream<Arguments> impressions() {
        return Stream.of(
                Arguments.of("Compared to ___, no significant interval change.",
                        "No significant interval change."),
                Arguments.of("Small right apical pneumothorax, unchanged from ___. Dr. ___ was notified.",
                        "Small right apical pneumothorax, unchanged."),
                Arguments.of("No acute cardiopulmonary process. Findings were discussed with Dr. ___ by telephone at ___ on ___.",
                        "No acute cardiopulmonary process."),
                Arguments.of("Mild cardiomegaly, similar to ___ and ___; no focal consolidation.",
                        "Mild cardiomegaly, similar to prior; no focal consolidation."),
                Arguments.of("Heart size is mildly enlarged compared to ___.",
                        "Heart size is mildly enlarged compared to prior."),
                Arguments.of("Since ___, there has been interval increase in the small left pleural effusion.",
                        "There has been interval increase in the small left pleural effusion."),
                Arguments.of("Stable right lower lobe opacity since ___.",
                        "Stable right lower lobe opacity."),
                Arguments.of("Interval placement of a right internal jugular catheter, with tip in the low SVC, as requested by Dr. ___.",
                        "Interval placement of a right internal jugular catheter, with tip in the low SVC."),
                Arguments.of("New moderate right pneumothorax. These findings were communicated to Dr. ___ at ___ p.m. on ___ by telephone, at the time of discovery.",
                        "New moderate right pneumothorax."),
                Arguments.of("Endotracheal tube terminates 4 cm above the carina. Comparison is made to ___.",
                        "Endotracheal tube terminates 4 cm above the carina."),
                Arguments.of("Persistent small bilateral pleural effusions, unchanged from ___ at ___.",
                        "Persistent small bilateral pleural effusions, unchanged."),
                Arguments.of("As compared to the previous radiograph from ___, the right-sided chest tube has been removed. No pneumothorax.",
                        "The right-sided chest tube has been removed. No pneumothorax."),
                Arguments.of("Bibasilar atelectasis. Recommend follow-up radiograph; findings discussed with ___ ___, NP, at ___ on ___.",
                        "Bibasilar atelectasis. Recommend follow-up radiograph."),
                Arguments.of("Right PICC line tip in the mid SVC. Compared to ___ at ___, the left effusion has decreased.",
                        "Right PICC line tip in the mid SVC. The left effusion has decreased."),
                Arguments.of("In comparison with the study of ___, there is little change.",
                        "There is little change."),
                Arguments.of("Patchy left basilar opacity, new since ___, concerning for pneumonia.",
                        "Patchy left basilar opacity, new, concerning for pneumonia."),
                Arguments.of("Mild pulmonary edema. The referring physician, Dr. ___, was paged at ___ p.m.",
                        "Mild pulmonary edema."));
    }

    @ParameterizedTest
    @MethodSource("impressions")
    void rewritesMarkerBearingImpressions(final String caption, final String expected) {
        assertEquals(expected, RECAPTIONER.recaption(caption));
    }

    @ParameterizedTest
    @MethodSource("impressions")
    void leavesNoMarkerAndNeverEmptiesACaptionWithContent(final String caption, final String ignored) {
        final String rewritten = RECAPTIONER.recaption(caption);
        assertEquals(0, MIMIC_CXR.count(rewritten), rewritten);
        assertFalse(rewritten.isBlank());
    }

    @ParameterizedTest
    @MethodSource("impressions")
    void keepsEveryClinicalWordOfTheMarkerFreeClauses(final String caption, final String ignored) {
        final String rewritten = RECAPTIONER.recaption(caption).toLowerCase(Locale.ROOT);
        for (final String clause : caption.split("[.,;]\\s")) {
            if (MIMIC_CXR.count(clause) > 0) {
                continue;
            }
            for (final String word : clause.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
                if (CLINICAL_WORDS.contains(word)) {
                    assertTrue(rewritten.contains(word), () -> "'" + word + "' lost from: " + caption);
                }
            }
        }
    }

    @Test
    void returnsCaptionsWithoutMarkersUnchanged() {
        for (final String caption : List.of("No acute cardiopulmonary process.", "  moderate  cardiomegaly ,no effusion",
                "file_name a__b", "")) {
            assertSame(caption, RECAPTIONER.recaption(caption));
        }
    }

    @Test
    void fallsBackToRemovingTheMarkersWhenEveryClauseWouldGo() {
        assertEquals("Dr. was paged at.", RECAPTIONER.recaption("Dr. ___ was paged at ___."));
        assertEquals("", RECAPTIONER.recaption("___"));
        assertEquals("", RECAPTIONER.recaption("___, ___."));
    }

    @Test
    void deletesBareMarkersTidily() {
        assertEquals("Stable left upper lobe nodule.", RECAPTIONER.recaption("Stable left upper lobe ___ nodule."));
    }

    @Test
    void usesTheDialectsOfTheGivenFinder() {
        final Recaptioner notes = new RuleBasedRecaptioner(MarkerFinder.of(EnumSet.of(MarkerDialect.MIMIC_NOTES), null));
        assertEquals("Small right effusion, unchanged.",
                notes.recaption("Small right effusion, unchanged from [**2151-10-3**]. Seen by Dr. [**Last Name **]."));
        assertEquals("Small right effusion, unchanged from ___.", notes.recaption("Small right effusion, unchanged from ___."));
    }

    @Test
    void givesTheSameResultsFromFourThreads() throws Exception {
        final List<String> captions = impressions().map(arguments -> (String) arguments.get()[0]).toList();
        final List<String> expected = captions.stream().map(RECAPTIONER::recaption).toList();
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            final List<Future<List<String>>> results = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                results.add(pool.submit(() -> {
                    final List<String> rewritten = new ArrayList<>();
                    for (int round = 0; round < 20; round++) {
                        rewritten.clear();
                        captions.forEach(caption -> rewritten.add(RECAPTIONER.recaption(caption)));
                    }
                    return rewritten;
                }));
            }
            for (final Future<List<String>> result : results) {
                assertEquals(expected, result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void isNamedForReports() {
        assertEquals("rule-based", RECAPTIONER.name());
    }
}
