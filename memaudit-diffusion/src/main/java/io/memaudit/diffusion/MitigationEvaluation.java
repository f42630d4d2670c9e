package io.memaudit.diffusion;

import io.memaudit.core.mitigation.Mitigation;
import io.memaudit.core.mitigation.PromptMitigations;
import io.memaudit.diffusion.DiffusionModel;
import io.memaudit.diffusion.MemorizationScorer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The seed paper's mitigation table: for each prompt and mitigation, N samples from different seeds, their diversity
 * (mean pairwise distance) and dmem. Memorized prompts give near-identical samples (low diversity); a mitigation that
 * worked would raise diversity and lower dmem.
 *
 * <p>Distance between two samples: the root mean square of their element-wise difference, on images in [0, 1] when the
 * bundle has a VAE decoder, otherwise on final latents.
 */
public final class MitigationEvaluation {
    private final DiffusionModel model;
    private final PromptMitigations mitigations;

    public MitigationEvaluation(final DiffusionModel model, final PromptMitigations mitigations) {
        this.model = model;
        this.mitigations = mitigations;
    }

    /** One prompt under one mitigation. */
    public record Outcome(String prompt, Mitigation mitigation, String mitigatedPrompt, double dmem, double diversity) {
    }

    /** Means over prompts per mitigation. */
    public record Summary(Mitigation mitigation, double meanDiversity, double meanDmem, int prompts) {
    }

    /**
     * @param options sampling settings; {@code generations} is the number of samples per prompt and mitigation
     * @param progress receives the number of (prompt, mitigation) pairs done
     */
    public List<Outcome> evaluate(final List<String> prompts, final List<Mitigation> which,
                                  final MemorizationScorer.Options options, final IntConsumer progress) {
        final MemorizationScorer.Options sampling = new MemorizationScorer.Options(options.generations(), options.steps(),
                options.guidance(), options.batchSize(), options.seed(), options.initialNoise(), false, true);
        final MemorizationScorer scorer = new MemorizationScorer(model);
        final List<Outcome> outcomes = new ArrayList<>();
        for (final String prompt : prompts) {
            final List<String> mitigated = new ArrayList<>();
            for (final Mitigation mitigation : which) {
                mitigated.add(mitigations.apply(mitigation, prompt, options.seed()));
            }
            final List<MemorizationScorer.Score> scores = scorer.score(mitigated, sampling, done -> { });
            for (int i = 0; i < which.size(); i++) {
                outcomes.add(new Outcome(prompt, which.get(i), mitigated.get(i), scores.get(i).dmem(),
                        meanPairwiseDistance(scores.get(i).samples())));
                progress.accept(outcomes.size());
            }
        }
        return outcomes;
    }

    /** Means per mitigation, in the order of {@link Mitigation}. */
    public static List<Summary> summarize(final List<Outcome> outcomes) {
        final Map<Mitigation, double[]> sums = new EnumMap<>(Mitigation.class);
        for (final Outcome outcome : outcomes) {
            final double[] sum = sums.computeIfAbsent(outcome.mitigation(), key -> new double[3]);
            sum[0] += outcome.diversity();
            sum[1] += outcome.dmem();
            sum[2]++;
        }
        final List<Summary> summaries = new ArrayList<>();
        sums.forEach((mitigation, sum) -> summaries.add(new Summary(mitigation, sum[0] / sum[2], sum[1] / sum[2], (int) sum[2])));
        return summaries;
    }

    /** Mean over all pairs of samples of the root mean square of their difference (0 for fewer than two samples). */
    public static double meanPairwiseDistance(final float[][] samples) {
        double total = 0;
        int pairs = 0;
        for (int a = 0; a < samples.length; a++) {
            for (int b = a + 1; b < samples.length; b++) {
                double squares = 0;
                for (int i = 0; i < samples[a].length; i++) {
                    final double difference = samples[a][i] - samples[b][i];
                    squares += difference * difference;
                }
                total += Math.sqrt(squares / samples[a].length);
                pairs++;
            }
        }
        return pairs == 0 ? 0 : total / pairs;
    }
}
