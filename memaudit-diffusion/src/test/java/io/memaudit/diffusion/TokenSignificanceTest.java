package io.memaudit.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import ai.djl.Device;
import io.memaudit.core.markers.MarkerDialect;
import io.memaudit.core.markers.MarkerFinder;
import io.memaudit.core.scoring.PromptSignificance;
import io.memaudit.core.scoring.TokenRanking;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenSignificanceTest {
    private static final MarkerFinder MARKERS = MarkerFinder.of(EnumSet.of(MarkerDialect.MIMIC_CXR), null);
    private static final List<String> PROMPTS = List.of(
            "Compared to ___, small left pleural effusion. Dr. ___ was notified.",
            "No acute cardiopulmonary process.",
            "",
            "Moderate cardiomegaly, similar to ___ and ___.");

    private static DiffusionModel model;
    private static TokenSignificance significance;

    @BeforeAll
    static void load() throws BundleException {
        model = DiffusionModel.load(MemorizationScorerTest.TINY, Device.cpu());
        significance = new TokenSignificance(model);
    }

    @AfterAll
    static void close() {
        significance.close();
        model.close();
    }

    private static MemorizationScorer.Options options(final int batch) {
        return new MemorizationScorer.Options(2, 6, 7.5, batch, 42L, null, false);
    }

    @Test
    void engineGradientAgreesWithAFiniteDifference() {
        final double error = significance.gradientCheckError();
        assertTrue(error < 1e-3, "relative error " + error);
    }

    @Test
    void valuesDoNotDependOnBatchSizeOrOrder() {
        final List<double[]> one = significance.compute(PROMPTS, options(1), 3, done -> { });
        final List<double[]> all = significance.compute(PROMPTS, options(4), 3, done -> { });
        final List<double[]> reversed = significance.compute(PROMPTS.reversed(), options(3), 3, done -> { });
        for (int i = 0; i < PROMPTS.size(); i++) {
            assertArrayEquals(one.get(i), all.get(i), 1e-6, "prompt " + i);
            assertArrayEquals(one.get(i), reversed.get(PROMPTS.size() - 1 - i), 1e-6, "prompt " + i + " reversed");
        }
    }

    @Test
    void computingLeavesNoNativeArraysBehind() {
        final int before = model.liveArrays();
        for (int round = 0; round < 3; round++) {
            significance.compute(PROMPTS, options(2), 2, done -> { });
        }
        assertEquals(before, model.liveArrays(), "arrays under the model's manager after three rounds");
    }

    @Test
    void anEmptyPromptHasZeroSignificanceEverywhere() {
        final double[] empty = significance.compute(List.of(""), options(1), 2, done -> { }).get(0);
        for (final double value : empty) {
            assertEquals(0.0, value, "an empty prompt's eps_c equals eps_u: nothing to attribute");
        }
        final double[] other = significance.compute(List.of(PROMPTS.get(0)), options(1), 2, done -> { }).get(0);
        assertTrue(other[1] > 0, "a real prompt's first piece gets a positive significance");
    }

    @Test
    void piecesAreGroupedIntoWordsAndMarkers() {
        final String prompt = PROMPTS.get(0);
        final double[] values = significance.compute(List.of(prompt), options(1), 2, done -> { }).get(0);
        final PromptSignificance grouped = PromptSignificance.of(prompt, model.tokenized(prompt), values, MARKERS);

        assertEquals(2, grouped.markers().size());
        assertEquals("___", grouped.markers().get(0).text());
        final double underscores = grouped.tokens().stream()
                .filter(token -> token.start() >= prompt.indexOf("___") && token.start() < prompt.indexOf("___") + 3)
                .mapToDouble(PromptSignificance.Piece::significance).sum();
        assertEquals(underscores / 3, grouped.markers().get(0).significance(), 1e-12, "a marker is the mean of its three _ pieces");
        assertEquals(3, grouped.markers().get(0).pieces());
        assertEquals(3, grouped.tokens().stream().filter(token -> token.text().equals("_")
                && token.start() >= prompt.indexOf("___") && token.start() < prompt.indexOf("___") + 3).count());

        assertEquals(prompt.split("\\s+").length, grouped.words().size());
        final double wordTotal = grouped.words().stream().mapToDouble(word -> word.significance() * word.pieces()).sum();
        final double pieceTotal = grouped.tokens().stream().filter(token -> token.start() >= 0)
                .mapToDouble(PromptSignificance.Piece::significance).sum();
        assertEquals(pieceTotal, wordTotal, 1e-9, "every non-special piece belongs to exactly one word");
        double all = grouped.padding();
        for (final PromptSignificance.Piece token : grouped.tokens()) {
            all += token.significance();
        }
        double expected = 0;
        for (final double value : values) {
            expected += value;
        }
        assertEquals(expected, all, 1e-9, "tokens and padding account for every position");
        assertTrue(grouped.markerRank() >= 1 && grouped.markerRank() <= grouped.words().size());
        assertEquals(3, grouped.topWords(3).size());
        assertTrue(grouped.topWords(3).get(0).significance() >= grouped.topWords(3).get(2).significance());
    }

    @Test
    void spansStayAlignedAfterNonAsciiText() {
        final String prompt = "Größe stable — compared to ___ effusion.";
        final double[] values = significance.compute(List.of(prompt), options(1), 1, done -> { }).get(0);
        final PromptSignificance grouped = PromptSignificance.of(prompt, model.tokenized(prompt), values, MARKERS);
        assertEquals(1, grouped.markers().size());
        assertEquals(3, grouped.markers().get(0).pieces(), "the marker's three _ pieces, after non-ASCII characters");
        assertEquals("effusion.", grouped.words().get(grouped.words().size() - 1).text());
        assertTrue(grouped.words().stream().allMatch(word -> word.pieces() >= 1), grouped.words().toString());
    }

    @Test
    void rankingCountsOccurrencesAndMarkerRanks() {
        final List<double[]> values = significance.compute(PROMPTS, options(4), 1, done -> { });
        final List<PromptSignificance> grouped = new java.util.ArrayList<>();
        for (int i = 0; i < PROMPTS.size(); i++) {
            grouped.add(PromptSignificance.of(PROMPTS.get(i), model.tokenized(PROMPTS.get(i)), values.get(i), MARKERS));
        }
        final TokenRanking ranking = TokenRanking.of(grouped);
        assertEquals(2, ranking.promptsWithMarkers());
        final TokenRanking.Entry underscore = ranking.tokens().get(ranking.rankOf("_") - 1);
        assertEquals(12, underscore.occurrences(), "four markers of three pieces");
        assertEquals(2, underscore.prompts());
        assertTrue(ranking.meanMarkerRank() >= 1);
        for (int i = 1; i < ranking.tokens().size(); i++) {
            assertTrue(ranking.tokens().get(i - 1).meanSignificance() >= ranking.tokens().get(i).meanSignificance());
        }
        assertEquals(0, ranking.rankOf("[CLS]"), "special tokens are not ranked");
    }
}
