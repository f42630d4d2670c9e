package io.memaudit.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.memaudit.core.random.GaussianNoise;
import io.memaudit.core.random.RecordSeeds;
import io.memaudit.core.scoring.Detectors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * dmem (Wen et al. 2024, "Detecting, Explaining, and Mitigating Memorization in Diffusion Models"): along the guided DDIM
 * trajectory of a prompt, the magnitude of the text-conditional noise prediction's departure from the unconditional one,
 *
 * <pre>  d_t = || eps(x_t, prompt) - eps(x_t, "") ||_2   over the whole latent,</pre>
 *
 * averaged over the sampling steps and over {@code G} generations from different initial noise. Memorized prompts pull
 * the model onto a fixed track and score high. The first step's value alone (averaged over generations) is a cheaper
 * screen.
 *
 * <p>Each prompt's initial noise comes from the global seed and the prompt text, so a score never depends on the batch it
 * was computed in, the batch size or the order of prompts. Conditional and unconditional passes of every prompt and
 * generation in a batch go through the UNet in one call.
 */
public final class MemorizationScorer {
    private final DiffusionModel model;
    private final SamplingTrajectory trajectory;

    public MemorizationScorer(final DiffusionModel model) {
        this.model = Objects.requireNonNull(model, "model");
        this.trajectory = new SamplingTrajectory(new DdimScheduler(model.config().scheduler()));
    }

    /**
     * How to sample.
     *
     * @param generations trajectories per prompt (G)
     * @param steps DDIM steps (T); with {@code firstStepOnly} only the first is run
     * @param guidance classifier-free guidance scale w: eps = eps_u + w (eps_c - eps_u)
     * @param batchSize prompts per UNet call (each contributes 2G samples)
     * @param seed global seed for the per-prompt initial noise
     * @param initialNoise [G, C, H, W] used for every prompt instead of seeded noise (for cross-framework comparison), or null
     * @param firstStepOnly stop after the first step (dmem is then not computed)
     * @param keepSamples return each generation's final sample (decoded to an image when the bundle has a VAE decoder)
     */
    public record Options(int generations, int steps, double guidance, int batchSize, long seed, float[] initialNoise,
                          boolean firstStepOnly, boolean keepSamples) {
        public Options {
            if (generations < 1 || steps < 1 || batchSize < 1) {
                throw new IllegalArgumentException("generations " + generations + ", steps " + steps + " and batch size "
                        + batchSize + " must all be at least 1");
            }
        }

        /** Options that keep no samples. */
        public Options(final int generations, final int steps, final double guidance, final int batchSize, final long seed,
                       final float[] initialNoise, final boolean firstStepOnly) {
            this(generations, steps, guidance, batchSize, seed, initialNoise, firstStepOnly, false);
        }
    }

    /**
     * A prompt's scores.
     *
     * @param values each detector's value by name (see {@link DetectorRegistry}); first-step runs hold only the detectors
     *               known after one step
     * @param perStep mean of d_t over generations at each step run
     * @param samples each generation's final sample (image in [0, 1] when the bundle has a VAE decoder, else latent),
     *                flattened; null unless {@link Options#keepSamples()}
     */
    public record Score(Map<String, Double> values, double[] perStep, float[][] samples) {
        public Score {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }

        /** Mean of d_t over steps and generations; NaN when only the first step was run. */
        public double dmem() {
            return values.getOrDefault(Detectors.DMEM, Double.NaN);
        }

        /** Mean of d_t at the first step over generations. */
        public double firstStep() {
            return values.getOrDefault(Detectors.FIRST_STEP, Double.NaN);
        }
    }

    /** Scores prompts in order; {@code progress} receives the number of prompts finished after each batch. */
    public List<Score> score(final List<String> prompts, final Options options, final IntConsumer progress) {
        final int latentSize = model.config().latentSize();
        if (options.initialNoise() != null && options.initialNoise().length != options.generations() * latentSize) {
            throw new IllegalArgumentException("Initial noise holds " + options.initialNoise().length + " values; "
                    + options.generations() + " generations of " + model.config().latentShape() + " need "
                    + options.generations() * latentSize);
        }
        final List<Score> scores = new ArrayList<>(prompts.size());
        for (int start = 0; start < prompts.size(); start += options.batchSize()) {
            final List<String> batch = prompts.subList(start, Math.min(prompts.size(), start + options.batchSize()));
            scores.addAll(scoreBatch(batch, options));
            progress.accept(scores.size());
        }
        return scores;
    }

    private List<Score> scoreBatch(final List<String> prompts, final Options options) {
        final int generations = options.generations();
        final int samples = prompts.size() * generations;
        final int steps = options.firstStepOnly() ? 1 : options.steps();
        final List<Detector> detectors = DetectorRegistry.all().stream()
                .filter(detector -> !options.firstStepOnly() || detector.description().firstStepOnly()).toList();
        final List<Detector.Accumulator> accumulators = new ArrayList<>();
        for (final Detector detector : detectors) {
            accumulators.add(detector.start(prompts.size(), generations, steps));
        }
        final double[][] perStep = new double[prompts.size()][steps];
        final List<SamplingTrajectory.Observer> observers = new ArrayList<>(accumulators);
        observers.add(step -> {
            final float[] distances = step.distances();
            for (int sample = 0; sample < samples; sample++) {
                perStep[sample / generations][step.index()] += distances[sample] / (double) generations;
            }
        });
        float[][] finals = null;
        try (NDManager batch = model.newSubManager()) {
            final NDArray conditional = model.encodeText(batch, prompts).repeat(0, generations);
            final NDArray unconditional = model.encodeText(batch, List.of("")).repeat(0, samples);
            final NDArray hidden = unconditional.concat(conditional, 0);
            final NDArray initial = batch.create(initialNoise(prompts, options), model.latentShape(samples));
            final NDArray latents = trajectory.run(batch, initial, options.steps(), steps, options.guidance(),
                    (sample, timestep, work) -> {
                        work.tempAttachAll(hidden);
                        final NDArray noise = model.predictNoise(sample.concat(sample, 0),
                                work.full(new Shape(2L * samples), timestep, DataType.INT64), hidden);
                        return new NDArray[] {noise.get("0:" + samples), noise.get(samples + ":")};
                    }, observers);
            if (options.keepSamples()) {
                finals = flattenedRows(model.decode(latents));
            }
        }
        final List<double[]> values = accumulators.stream().map(Detector.Accumulator::values).toList();
        final List<Score> scores = new ArrayList<>(prompts.size());
        for (int prompt = 0; prompt < prompts.size(); prompt++) {
            final Map<String, Double> promptValues = new LinkedHashMap<>();
            for (int i = 0; i < detectors.size(); i++) {
                promptValues.put(detectors.get(i).description().name(), values.get(i)[prompt]);
            }
            final float[][] promptSamples = finals == null ? null
                    : java.util.Arrays.copyOfRange(finals, prompt * generations, (prompt + 1) * generations);
            scores.add(new Score(promptValues, perStep[prompt], promptSamples));
        }
        return scores;
    }

    private static float[][] flattenedRows(final NDArray batch) {
        final int rows = (int) batch.getShape().get(0);
        final int width = (int) (batch.getShape().size() / rows);
        final float[] values = batch.toFloatArray();
        final float[][] result = new float[rows][];
        for (int row = 0; row < rows; row++) {
            result[row] = java.util.Arrays.copyOfRange(values, row * width, (row + 1) * width);
        }
        return result;
    }

    /** [prompts * G * C * H * W]: each prompt's G noises, seeded by the global seed and the prompt (or the given noise). */
    float[] initialNoise(final List<String> prompts, final Options options) {
        final int perPrompt = options.generations() * model.config().latentSize();
        final float[] noise = new float[prompts.size() * perPrompt];
        for (int i = 0; i < prompts.size(); i++) {
            final float[] values = options.initialNoise() != null ? options.initialNoise()
                    : GaussianNoise.sample(RecordSeeds.derive(options.seed(), null, prompts.get(i)), perPrompt);
            System.arraycopy(values, 0, noise, i * perPrompt, perPrompt);
        }
        return noise;
    }
}
