package io.memaudit.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import ai.djl.Device;
import io.memaudit.core.markers.MarkerDialect;
import io.memaudit.core.mitigation.Mitigation;
import io.memaudit.core.mitigation.PromptMitigations;
import io.memaudit.diffusion.BundleException;
import io.memaudit.diffusion.DiffusionModel;
import io.memaudit.diffusion.MemorizationScorer;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class MitigationTest {
    private static final String PROMPT = "Compared to ___, small left pleural effusion. Dr. ___ was notified.";
    private final PromptMitigations mitigations = new PromptMitigations(List.of("alpha", "beta", "gamma"), 2,
            EnumSet.of(MarkerDialect.MIMIC_CXR));

    @Test
    void randomWordAdditionInsertsVocabularyWordsReproducibly() {
        final String mitigated = mitigations.apply(Mitigation.RANDOM_WORDS, PROMPT, 5);
        final String[] words = mitigated.split(" ");
        assertEquals(PROMPT.split(" ").length + 2, words.length);
        assertEquals(2, List.of(words).stream().filter(List.of("alpha", "beta", "gamma")::contains).count());
        assertEquals(mitigated, mitigations.apply(Mitigation.RANDOM_WORDS, PROMPT, 5));
        assertNotEquals(mitigated, mitigations.apply(Mitigation.RANDOM_WORDS, PROMPT, 6));
    }

    @Test
    void randomNumberAdditionInsertsIntegersBelow100000() {
        final String mitigated = mitigations.apply(Mitigation.RANDOM_NUMBERS, PROMPT, 5);
        final List<String> numbers = List.of(mitigated.split(" ")).stream().filter(word -> word.matches("\\d+")).toList();
        assertEquals(2, numbers.size(), mitigated);
        assertTrue(numbers.stream().allMatch(number -> Integer.parseInt(number) < 100_000));
    }

    @Test
    void markerMitigationsUseTheMarkerEngine() {
        assertEquals("Compared to, small left pleural effusion. Dr. was notified.",
                mitigations.apply(Mitigation.REMOVE_MARKERS, PROMPT, 1));
        assertFalse(mitigations.apply(Mitigation.RANDOM_TAG, PROMPT, 1).contains("___"));
        assertEquals(PROMPT, mitigations.apply(Mitigation.ORIGINAL, PROMPT, 1));
    }

    @Test
    void pairwiseDistanceIsTheMeanRootMeanSquareDifference() {
        final float[][] samples = {{0, 0, 0, 0}, {1, 1, 1, 1}, {0, 0, 2, 2}};
        // pairs: (0,1) rms 1; (0,2) rms sqrt(8/4); (1,2) rms sqrt(4/4)
        assertEquals((1 + Math.sqrt(2) + 1) / 3, MitigationEvaluation.meanPairwiseDistance(samples), 1e-12);
        assertEquals(0, MitigationEvaluation.meanPairwiseDistance(new float[][] {{1, 2}}));
    }

    @Test
    void everyPromptGetsAnOutcomePerMitigationOnTheTinyModel() throws BundleException {
        try (DiffusionModel model = DiffusionModel.load(Path.of("..", "models", "tiny-init"), Device.cpu())) {
            final MitigationEvaluation evaluation = new MitigationEvaluation(model,
                    new PromptMitigations(model.vocabularyWords(), 1, EnumSet.of(MarkerDialect.MIMIC_CXR)));
            final MemorizationScorer.Options options = new MemorizationScorer.Options(4, 5, 7.5, 6, 3L, null, false);
            final List<MitigationEvaluation.Outcome> outcomes = evaluation.evaluate(List.of(PROMPT, "No acute process."),
                    List.of(Mitigation.values()), options, done -> { });
            assertEquals(2 * Mitigation.values().length, outcomes.size());
            assertTrue(outcomes.stream().allMatch(outcome -> outcome.diversity() > 0 && outcome.dmem() > 0), outcomes.toString());
            final MemorizationScorer.Score direct = new MemorizationScorer(model).score(List.of(PROMPT), options, done -> { }).get(0);
            assertEquals(direct.dmem(), outcomes.get(0).dmem(), direct.dmem() * 1e-5, "original = plain scoring");
            assertTrue(model.decodesImages());
            final List<MitigationEvaluation.Summary> summaries = MitigationEvaluation.summarize(outcomes);
            assertEquals(Mitigation.values().length, summaries.size());
            assertEquals(2, summaries.get(0).prompts());
        }
    }
}
