package io.memaudit.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * The one guided DDIM sampling loop of memaudit. At every step it asks a {@link NoisePredictor} for the unconditional
 * and the text-conditional noise of every sample, shows both to its observers (the detectors, token significance), and
 * moves the latents along the classifier-free-guided update
 *
 * <pre>  eps = eps_u + w (eps_c - eps_u);   x_{t-1} = a_t x_t + b_t eps   (DDIM, eta 0)</pre>
 *
 * Everything that reads a trajectory (dmem, the first-step score, token significance) follows this loop, so they agree
 * on which samples they look at.
 */
public final class SamplingTrajectory {

    /** The two noise predictions of a step for every sample. */
    public interface NoisePredictor {
        /**
         * @param latents x_t of every sample [S, C, H, W]
         * @param timestep the model timestep t
         * @param work a manager scoped to this step
         * @return {eps_u, eps_c}, each [S, C, H, W]
         */
        NDArray[] predict(NDArray latents, int timestep, NDManager work);
    }

    /** Something that watches a trajectory step by step. */
    public interface Observer {
        void observe(Step step);
    }

    /** What observers see of one step. Arrays belong to the step's manager: copy what you keep. */
    public static final class Step {
        private final int index;
        private final int timestep;
        private final int samples;
        private final NDArray unconditionalNoise;
        private final NDArray conditionalNoise;
        private NDArray difference;
        private float[] distances;

        Step(final int index, final int timestep, final int samples, final NDArray unconditionalNoise,
             final NDArray conditionalNoise) {
            this.index = index;
            this.timestep = timestep;
            this.samples = samples;
            this.unconditionalNoise = unconditionalNoise;
            this.conditionalNoise = conditionalNoise;
        }

        /** 0 for the first step. */
        public int index() {
            return index;
        }

        public int timestep() {
            return timestep;
        }

        /** Samples in the batch: prompts x generations, generations of one prompt adjacent. */
        public int samples() {
            return samples;
        }

        public NDArray unconditionalNoise() {
            return unconditionalNoise;
        }

        public NDArray conditionalNoise() {
            return conditionalNoise;
        }

        /** eps_c - eps_u. */
        public NDArray difference() {
            if (difference == null) {
                difference = conditionalNoise.sub(unconditionalNoise);
            }
            return difference;
        }

        /** ||eps_c - eps_u||_2 over each sample's whole latent (the per-sample d_t of dmem). */
        public float[] distances() {
            if (distances == null) {
                distances = difference().square().sum(new int[] {1, 2, 3}).sqrt().toFloatArray();
            }
            return distances;
        }
    }

    private final DdimScheduler scheduler;

    public SamplingTrajectory(final DdimScheduler scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * Runs the first {@code stepsToRun} of {@code totalSteps} steps from {@code initialLatents} and returns the latents
     * reached (attached to {@code batch}).
     */
    public NDArray run(final NDManager batch, final NDArray initialLatents, final int totalSteps, final int stepsToRun,
                       final double guidance, final NoisePredictor predictor, final List<? extends Observer> observers) {
        final int[] timesteps = scheduler.timesteps(totalSteps);
        final int samples = (int) initialLatents.getShape().get(0);
        NDArray latents = initialLatents;
        for (int index = 0; index < stepsToRun; index++) {
            final DdimScheduler.Step update = scheduler.step(timesteps[index], totalSteps);
            final NDArray previous = latents;
            try (NDManager work = batch.newSubManager()) {
                work.tempAttachAll(previous);
                final NDArray[] noise = predictor.predict(previous, timesteps[index], work);
                final Step step = new Step(index, timesteps[index], samples, noise[0], noise[1]);
                for (final Observer observer : observers) {
                    observer.observe(step);
                }
                final NDArray guided = noise[0].add(step.difference().mul(guidance));
                latents = previous.mul(update.sampleScale()).add(guided.mul(update.noiseScale()));
                latents.attach(batch);
            }
            if (previous != initialLatents) {
                previous.close();
            }
        }
        return latents;
    }
}
