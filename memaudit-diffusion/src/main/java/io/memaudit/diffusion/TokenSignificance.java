package io.memaudit.diffusion;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.memaudit.core.random.GaussianNoise;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * Token significance (Wen et al. 2024): which tokens drive a prompt's memorization. At each of the first {@code K} steps of
 * the prompt's guided DDIM trajectory and for each generation, the gradient of
 *
 * <pre>  d_t = || eps(x_t, e) - eps(x_t, "") ||_2</pre>
 *
 * with respect to the text encoder's output {@code e} (the conditional branch only), its L2 norm over the hidden dimension
 * at every token position, averaged over the steps and generations. Trajectories and initial noise are exactly those of
 * {@link MemorizationScorer} for the same options, so the two agree on which samples they look at.
 *
 * <p>Gradients through TorchScript need the UNet loaded with trainable tensors: this class loads {@code unet.pt} a second
 * time (frozen) and holds it until closed. Before first use it checks the engine's gradient against a central finite
 * difference, because some libtorch CPU kernels return wrong input gradients (2.7.1: 3x3 convolutions with fewer than 16
 * output channels) and a wrong attribution must not pass silently.
 */
public final class TokenSignificance implements AutoCloseable {
    /** Largest relative disagreement between the engine's gradient and a finite difference that still passes. */
    static final double GRADIENT_CHECK_TOLERANCE = 0.02;
    private static final long PROBE_SEED = 20250207L;

    private final DiffusionModel model;
    private final MemorizationScorer scorer;
    private final DdimScheduler scheduler;
    private final SamplingTrajectory trajectory;
    private final Model unet;
    private boolean checked;

    /** Loads the gradient-capable UNet of {@code model}'s bundle. */
    public TokenSignificance(final DiffusionModel model) throws BundleException {
        this.model = Objects.requireNonNull(model, "model");
        this.scorer = new MemorizationScorer(model);
        this.scheduler = new DdimScheduler(model.config().scheduler());
        this.trajectory = new SamplingTrajectory(scheduler);
        // the second load of unet.pt is a second chance to run a swapped file: it must still be the file the model loaded
        BundleIntegrity.requireUnchanged(model.directory(), "unet.pt", model.verifiedFiles());
        this.unet = Model.newInstance("unet-gradients", model.device(), "PyTorch");
        try {
            unet.load(model.directory(), "unet", Map.of("trainParam", "true"));
            unet.getBlock().freezeParameters(true);
        } catch (final IOException | MalformedModelException | RuntimeException e) {
            unet.close();
            throw new BundleException(model.directory().resolve("unet.pt") + ": cannot load it with gradients ("
                    + e.getMessage() + ")", e);
        }
    }

    /**
     * Per-position significance of each prompt ([text_max_length] values, padding included).
     *
     * @param options sampling settings as for {@link MemorizationScorer}; {@code firstStepOnly} and {@code keepSamples}
     *                are ignored
     * @param significanceSteps how many of the trajectory's first steps to average over (1 to {@code options.steps()})
     * @param progress receives the number of prompts finished after each batch
     */
    public List<double[]> compute(final List<String> prompts, final MemorizationScorer.Options options,
                                  final int significanceSteps, final IntConsumer progress) {
        if (significanceSteps < 1 || significanceSteps > options.steps()) {
            throw new IllegalArgumentException("Significance steps " + significanceSteps + " must be between 1 and the "
                    + options.steps() + " sampling steps");
        }
        if (!checked) {
            verifyGradients();
        }
        final List<double[]> results = new ArrayList<>(prompts.size());
        for (int start = 0; start < prompts.size(); start += options.batchSize()) {
            final List<String> batch = prompts.subList(start, Math.min(prompts.size(), start + options.batchSize()));
            results.addAll(computeBatch(batch, options, significanceSteps));
            progress.accept(results.size());
        }
        return results;
    }

    private List<double[]> computeBatch(final List<String> prompts, final MemorizationScorer.Options options,
                                        final int significanceSteps) {
        final int generations = options.generations();
        final int samples = prompts.size() * generations;
        final int length = model.config().textMaxLength();
        final double[][] totals = new double[prompts.size()][length];
        try (NDManager batch = model.newSubManager()) {
            final NDArray conditional = model.encodeText(batch, prompts).repeat(0, generations);
            final NDArray unconditional = model.encodeText(batch, List.of("")).repeat(0, samples);
            final NDArray initial = batch.create(scorer.initialNoise(prompts, options), model.latentShape(samples));
            // the conditional pass runs with gradients; each step adds the per-position gradient norm to the totals
            trajectory.run(batch, initial, options.steps(), significanceSteps, options.guidance(), (sample, timestep, work) -> {
                work.tempAttachAll(conditional, unconditional);
                final NDArray time = work.full(new Shape(samples), timestep, DataType.INT64);
                final NDArray unconditionalNoise = model.predictNoise(sample, time, unconditional);
                final NDArray leaf = conditional.duplicate();
                leaf.setRequiresGradient(true);
                final NDArray conditionalNoise = gradientOfDistance(sample, time, leaf, unconditionalNoise);
                final float[] perPosition = leaf.getGradient().square().sum(new int[] {2}).sqrt().toFloatArray();
                for (int index = 0; index < samples; index++) {
                    final double[] total = totals[index / generations];
                    for (int position = 0; position < length; position++) {
                        total[position] += perPosition[index * length + position];
                    }
                }
                return new NDArray[] {unconditionalNoise, conditionalNoise};
            }, List.of());
        }
        final List<double[]> results = new ArrayList<>(prompts.size());
        for (final double[] total : totals) {
            for (int position = 0; position < length; position++) {
                total[position] /= (double) generations * significanceSteps;
            }
            results.add(total);
        }
        return results;
    }

    /**
     * Runs the conditional pass on {@code leaf} with gradients and back-propagates the sum over samples of
     * d = ||eps_c - eps_u||; returns eps_c (detached). The gradient of a norm is (eps_c - eps_u) / d, taken as 0 where d is
     * 0 (an empty prompt), as PyTorch's norm does.
     */
    private NDArray gradientOfDistance(final NDArray sample, final NDArray time, final NDArray leaf,
                                       final NDArray unconditionalNoise) {
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            final NDArray conditionalNoise = unet.getBlock()
                    .forward(new ParameterStore(leaf.getManager(), false), new NDList(sample, time, leaf), true)
                    .singletonOrThrow();
            final NDArray difference = conditionalNoise.sub(unconditionalNoise);
            final NDArray direction = difference.stopGradient()
                    .div(difference.stopGradient().square().sum(new int[] {1, 2, 3}, true).sqrt().maximum(1e-20f));
            collector.backward(difference.mul(direction).sum());
            return conditionalNoise.stopGradient();
        }
    }

    /**
     * Compares the engine's gradient of the summed distance along a random direction with a central finite difference,
     * once, on a probe prompt at the first timestep.
     *
     * @throws IllegalStateException when they disagree by more than {@link #GRADIENT_CHECK_TOLERANCE}
     */
    void verifyGradients() {
        final double error = gradientCheckError();
        if (!(error <= GRADIENT_CHECK_TOLERANCE)) {
            throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                    "%s: the engine's gradient through unet.pt disagrees with a finite difference by %.1f%% (tolerance %.0f%%): "
                    + "token significance would be wrong. libtorch 2.7.1's CPU kernels are known to return wrong input "
                    + "gradients for 3x3 convolutions with fewer than 16 output channels; give such layers 16 or more output "
                    + "channels (then a 1x1 projection) or run on a GPU.",
                    model.directory().resolve("unet.pt"), 100 * error, 100 * GRADIENT_CHECK_TOLERANCE));
        }
        checked = true;
    }

    /** Relative difference between the analytic and the finite-difference directional derivative. */
    double gradientCheckError() {
        final int timestep = scheduler.timesteps(1)[0];
        try (NDManager probe = model.newSubManager()) {
            final Shape latent = model.latentShape(1);
            final NDArray sample = probe.create(GaussianNoise.sample(PROBE_SEED, (int) latent.size()), latent);
            final NDArray time = probe.full(new Shape(1), timestep, DataType.INT64);
            final NDArray conditional = model.encodeText(probe, List.of("probe significance: compared to ___ , dr . ___"));
            final NDArray unconditionalNoise = model.predictNoise(sample, time, model.encodeText(probe, List.of("")));
            final NDArray direction = probe.create(GaussianNoise.sample(PROBE_SEED + 1, (int) conditional.size()),
                    conditional.getShape());
            final NDArray leaf = conditional.duplicate();
            leaf.setRequiresGradient(true);
            gradientOfDistance(sample, time, leaf, unconditionalNoise);
            final double analytic = leaf.getGradient().mul(direction).sum().toType(DataType.FLOAT64, false).getDouble();
            final double epsilon = 1e-2 * conditional.abs().mean().getFloat();
            final double plus = distance(sample, time, conditional.add(direction.mul(epsilon)), unconditionalNoise);
            final double minus = distance(sample, time, conditional.sub(direction.mul(epsilon)), unconditionalNoise);
            final double numeric = (plus - minus) / (2 * epsilon);
            return Math.abs(analytic - numeric) / Math.max(1e-12, Math.max(Math.abs(analytic), Math.abs(numeric)));
        }
    }

    private double distance(final NDArray sample, final NDArray time, final NDArray hidden, final NDArray unconditionalNoise) {
        return model.predictNoise(sample, time, hidden).sub(unconditionalNoise).toType(DataType.FLOAT64, false)
                .square().sum().sqrt().getDouble();
    }

    @Override
    public void close() {
        unet.close();
    }
}
