package io.memaudit.training;

import io.memaudit.diffusion.DiffusionModel;
import io.memaudit.diffusion.MemorizationScorer;
import io.memaudit.core.scoring.PromptSignificance;
import io.memaudit.core.scoring.TokenRanking;
import io.memaudit.diffusion.TokenSignificance;
import io.memaudit.core.markers.MarkerDialect;
import io.memaudit.core.markers.MarkerFinder;
import io.memaudit.diffusion.MitigationEvaluation;
import io.memaudit.synthetic.HiddenDevice;
import io.memaudit.synthetic.ImageDistance;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Measures one model on the distinct training captions of a {@link TrainingSet}: dmem and the first-step score, the
 * replication ground truth, sample diversity, and token significance with where the marker token ranks.
 *
 * <p>Replication (the ground truth dmem is judged against): a caption's samples at a low guidance scale are compared with
 * its own training image(s) and with reference images; a sample replicates when its distance to an own image is below
 * {@link ImageDistance#REPLICATION_RATIO} times its distance to the nearest reference. References are "twins" (fresh
 * images drawn with identical findings: a model that learned the findings but not the image is as close to them as to
 * its own image) when the data carries the generator's ground truth, and otherwise the other training images. Distance:
 * sqrt(2 (1 - Pearson r)) on per-image standardised pixels. A caption is replicated when any of its samples replicates.
 */
public final class ModelEvaluator {
    private static final MarkerFinder MARKERS = MarkerFinder.of(EnumSet.of(MarkerDialect.MIMIC_CXR), null);

    /**
     * @param generations G for dmem
     * @param steps T for dmem and for the replication samples
     * @param guidance w for dmem (the bundle's, 7.5 for RadEdit)
     * @param batch prompts per UNet call
     * @param seed initial-noise seed
     * @param replicationSamples samples per caption for replication and diversity
     * @param replicationGuidance w for those samples (2-3: at 7.5 a tiny pixel model's samples are saturated)
     * @param twins reference images per training image when the data has ground truth
     * @param significanceSteps first steps averaged for token significance (0: skip token significance)
     * @param significanceGenerations generations for token significance
     */
    public record Settings(int generations, int steps, double guidance, int batch, long seed, int replicationSamples,
                           double replicationGuidance, int twins, int significanceSteps, int significanceGenerations) {
        /** The same settings with another noise seed. */
        public Settings withSeed(final long newSeed) {
            return new Settings(generations, steps, guidance, batch, newSeed, replicationSamples, replicationGuidance, twins,
                    significanceSteps, significanceGenerations);
        }
    }

    /**
     * One caption under one model.
     *
     * @param replicationRatio the smallest own-distance / nearest-reference-distance over samples and own images (below
     *                         the replication ratio: replicated)
     */
    public record PromptResult(String caption, String kind, boolean hasMarker, int rows, double dmem, double firstStep,
                               boolean replicated, double replicationRatio, double diversity, int markerRank,
                               double dmemAtReplicationGuidance, double deviceRate, boolean key, double hiddenFeatureShare) {
    }

    /**
     * A model's results.
     *
     * @param markerTokenRank rank of the marker piece {@code _} among all tokens by mean significance (0: absent or skipped)
     * @param markerTokenSignificance mean significance of {@code _} (NaN: absent or skipped)
     * @param topTokens the most significant tokens, with their mean significance
     */
    public record Result(List<PromptResult> prompts, int markerTokenRank, double markerTokenSignificance,
                         double markerTopShare, List<TokenRanking.Entry> topTokens, int rankedTokens) {

        public double meanDmem() {
            return prompts.stream().mapToDouble(PromptResult::dmem).average().orElse(Double.NaN);
        }

        public double meanDiversity() {
            return prompts.stream().mapToDouble(PromptResult::diversity).average().orElse(Double.NaN);
        }

        public double replicationRate() {
            return prompts.stream().filter(PromptResult::replicated).count() / (double) Math.max(1, prompts.size());
        }
    }

    private final Settings settings;
    private final int imageSize;
    private final Map<String, List<float[]>> twinCache = new HashMap<>();
    private HiddenDevice device;

    public ModelEvaluator(final Settings settings, final int imageSize) {
        this.settings = settings;
        this.imageSize = imageSize;
    }

    public Settings settings() {
        return settings;
    }

    /** The hidden-device detector calibrated for the last data that carried the device, or null. */
    public HiddenDevice device() {
        return device;
    }

    /**
     * Evaluates {@code model} on {@code prompts}, scoring each prompt's caption as {@code captions} gives it (the training
     * caption, or its rewrite under an arm). {@code stage} receives a short description of each phase.
     */
    public Result evaluate(final DiffusionModel model, final TrainingSet data, final List<TrainingSet.Prompt> prompts,
                           final List<String> captions, final Consumer<String> stage) throws Exception {
        return evaluate(model, data, prompts, captions, stage, settings.significanceSteps() > 0);
    }

    /**
     * As {@link #evaluate(DiffusionModel, TrainingSet, List, List, Consumer)}, with token significance only when
     * {@code significance} (and the settings ask for it).
     *
     * <p>Besides dmem at {@link Settings#guidance()}, each caption gets dmem along the replication samples' own
     * trajectories at {@link Settings#replicationGuidance()} (free: those trajectories are run anyway), and, when the data
     * carries the marker-feature design's ground truth, the share of its samples that show the hidden device.
     */
    public Result evaluate(final DiffusionModel model, final TrainingSet data, final List<TrainingSet.Prompt> prompts,
                           final List<String> captions, final Consumer<String> stage, final boolean withSignificance)
            throws Exception {
        stage.accept("dmem");
        final MemorizationScorer scorer = new MemorizationScorer(model);
        final List<MemorizationScorer.Score> scores = scorer.score(captions, new MemorizationScorer.Options(
                settings.generations(), settings.steps(), settings.guidance(), settings.batch(), settings.seed(), null, false),
                done -> { });
        stage.accept("replication");
        final List<MemorizationScorer.Score> samples = scorer.score(captions, new MemorizationScorer.Options(
                settings.replicationSamples(), settings.steps(), settings.replicationGuidance(), settings.batch(),
                settings.seed() + 1, null, false, true), done -> { });
        final List<PromptSignificance> significance = new ArrayList<>();
        TokenRanking ranking = null;
        if (withSignificance && settings.significanceSteps() > 0) {
            stage.accept("token significance");
            try (TokenSignificance gradients = new TokenSignificance(model)) {
                final List<double[]> values = gradients.compute(captions, new MemorizationScorer.Options(
                        settings.significanceGenerations(), settings.steps(), settings.guidance(), settings.batch(),
                        settings.seed(), null, false), settings.significanceSteps(), done -> { });
                for (int i = 0; i < captions.size(); i++) {
                    significance.add(PromptSignificance.of(captions.get(i), model.tokenized(captions.get(i)), values.get(i), MARKERS));
                }
            }
            ranking = TokenRanking.of(significance);
        }
        final boolean hasDevice = data.rows().stream().anyMatch(row -> row.image().hiddenFeature());
        if (hasDevice && device == null) {
            device = HiddenDevice.calibrate(imageSize, 60, settings.seed());
        }
        final List<PromptResult> results = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            final TrainingSet.Prompt prompt = prompts.get(i);
            final float[][] generated = samples.get(i).samples();
            final double ratio = replicationRatio(generated, prompt, data);
            results.add(new PromptResult(captions.get(i), prompt.kind(), MARKERS.count(prompt.caption()) > 0, prompt.rows(),
                    scores.get(i).dmem(), scores.get(i).firstStep(), ratio < ImageDistance.REPLICATION_RATIO, ratio,
                    MitigationEvaluation.meanPairwiseDistance(generated),
                    significance.isEmpty() ? 0 : significance.get(i).markerRank(), samples.get(i).dmem(),
                    hasDevice ? device.rate(generated) : Double.NaN, prompt.key(), prompt.hiddenFeatureShare()));
        }
        if (ranking == null) {
            return new Result(List.copyOf(results), 0, Double.NaN, Double.NaN, List.of(), 0);
        }
        final int rank = ranking.rankOf("_");
        return new Result(List.copyOf(results), rank, rank == 0 ? Double.NaN : ranking.tokens().get(rank - 1).meanSignificance(),
                ranking.markerTopShare(), ranking.tokens().subList(0, Math.min(15, ranking.tokens().size())),
                ranking.tokens().size());
    }

    /** min over samples and own images of d(sample, own) / min over references of d(sample, reference). */
    private double replicationRatio(final float[][] generated, final TrainingSet.Prompt prompt, final TrainingSet data) {
        double best = Double.POSITIVE_INFINITY;
        for (final TrainingSet.Image own : prompt.images()) {
            final List<float[]> references = references(own, prompt, data);
            for (final float[] sample : generated) {
                double nearest = Double.POSITIVE_INFINITY;
                for (final float[] reference : references) {
                    nearest = Math.min(nearest, ImageDistance.distance(sample, reference));
                }
                best = Math.min(best, ImageDistance.distance(sample, own.pixels()) / Math.max(nearest, 1e-12));
            }
        }
        return best;
    }

    private List<float[]> references(final TrainingSet.Image own, final TrainingSet.Prompt prompt, final TrainingSet data) {
        if (own.hasTwins()) {
            return twinCache.computeIfAbsent(own.key(), key -> TrainingSet.twins(own, settings.twins(), imageSize));
        }
        final List<float[]> others = new ArrayList<>();
        for (final TrainingSet.Row row : data.rows()) {
            if (!prompt.images().contains(row.image()) && others.stream().noneMatch(pixels -> pixels == row.image().pixels())) {
                others.add(row.image().pixels());
            }
        }
        return others;
    }
}
