package io.memaudit.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** dmem on models/tiny-init with the real PyTorch engine. */
class MemorizationScorerTest {
    static final Path TINY = Path.of("..", "models", "tiny-init");
    private static final List<String> PROMPTS = List.of(
            "No acute cardiopulmonary process.",
            "Compared to ___, small left pleural effusion. Dr. ___ was notified.",
            "Moderate cardiomegaly, similar to ___ and ___.",
            "Lines and tubes in standard position.",
            "Right apical pneumothorax measuring 1.2 cm.");

    private static DiffusionModel model;

    @BeforeAll
    static void load() throws BundleException {
        model = DiffusionModel.load(TINY, Device.cpu());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static MemorizationScorer.Options options(final int batchSize) {
        return new MemorizationScorer.Options(2, 6, 7.5, batchSize, 11L, null, false);
    }

    @Test
    void scoresDoNotDependOnBatchSizeOrOrder() {
        final MemorizationScorer scorer = new MemorizationScorer(model);
        final List<MemorizationScorer.Score> one = scorer.score(PROMPTS, options(1), done -> { });
        final List<MemorizationScorer.Score> three = scorer.score(PROMPTS, options(3), done -> { });
        final List<MemorizationScorer.Score> reversed = scorer.score(PROMPTS.reversed(), options(5), done -> { });
        for (int i = 0; i < PROMPTS.size(); i++) {
            final double expected = one.get(i).dmem();
            assertTrue(expected > 0, "dmem of a real prompt is positive");
            assertEquals(expected, three.get(i).dmem(), expected * 1e-5, "batch 3, prompt " + i);
            assertEquals(expected, reversed.get(PROMPTS.size() - 1 - i).dmem(), expected * 1e-5, "reversed, prompt " + i);
            assertEquals(one.get(i).firstStep(), three.get(i).firstStep(), one.get(i).firstStep() * 1e-5);
        }
    }

    @Test
    void scoringFiveHundredPromptsLeavesNoNativeArraysBehind() {
        final List<String> prompts = java.util.stream.IntStream.range(0, 500)
                .mapToObj(i -> "Case " + i + ": small left pleural effusion since ___.").toList();
        final int before = model.liveArrays();
        final int[] highWater = {0};
        new MemorizationScorer(model).score(prompts, new MemorizationScorer.Options(1, 2, 7.5, 50, 3L, null, false),
                done -> highWater[0] = Math.max(highWater[0], model.liveArrays()));
        assertEquals(before, model.liveArrays(), "arrays left under the model's manager after scoring");
        assertEquals(before, highWater[0], "arrays left between batches");
    }

    @Test
    void scoresDoNotDependOnTheEnginesThreadCount() {
        final MemorizationScorer scorer = new MemorizationScorer(model);
        final int threads = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        try {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
            final List<MemorizationScorer.Score> one = scorer.score(PROMPTS, options(5), done -> { });
            ai.djl.pytorch.jni.JniUtils.setNumThreads(2);
            final List<MemorizationScorer.Score> two = scorer.score(PROMPTS, options(5), done -> { });
            for (int i = 0; i < PROMPTS.size(); i++) {
                assertEquals(one.get(i).dmem(), two.get(i).dmem(), one.get(i).dmem() * 1e-5, "prompt " + i);
            }
        } finally {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
    }

    @Test
    void theEmptyPromptHasNoTextSignal() {
        final List<MemorizationScorer.Score> scores = new MemorizationScorer(model).score(List.of("", PROMPTS.get(0)),
                options(2), done -> { });
        assertEquals(0.0, scores.get(0).dmem(), 1e-6);
        assertTrue(scores.get(1).dmem() > 1e-3);
    }

    @Test
    void firstStepOnlyRunsOneStepAndMatchesTheFullRunsFirstStep() {
        final MemorizationScorer scorer = new MemorizationScorer(model);
        final MemorizationScorer.Score full = scorer.score(PROMPTS.subList(0, 1), options(1), done -> { }).get(0);
        final MemorizationScorer.Score first = scorer.score(PROMPTS.subList(0, 1),
                new MemorizationScorer.Options(2, 6, 7.5, 1, 11L, null, true), done -> { }).get(0);
        assertTrue(Double.isNaN(first.dmem()));
        assertEquals(1, first.perStep().length);
        assertEquals(full.firstStep(), first.firstStep(), full.firstStep() * 1e-6);
        assertEquals(6, full.perStep().length);
    }
}
