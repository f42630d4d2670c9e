package io.memaudit.diffusion;

/**
 * Deterministic DDIM sampling (eta = 0) as diffusers' {@code DDIMScheduler} defines it, for epsilon-predicting models
 * without sample clipping. Computed in double precision (diffusers uses float32; the two agree to about 1e-6 relative).
 *
 * <p>One step is linear in the sample and the predicted noise, so {@link #step} returns the two coefficients:
 * {@code x_prev = sampleScale * x_t + noiseScale * eps}.
 */
public final class DdimScheduler {
    private final SchedulerConfig config;
    private final double[] alphasCumprod;
    private final double finalAlphaCumprod;

    public DdimScheduler(final SchedulerConfig config) {
        this.config = config;
        final int count = config.trainTimesteps();
        alphasCumprod = new double[count];
        double product = 1.0;
        for (int i = 0; i < count; i++) {
            product *= 1.0 - beta(i);
            alphasCumprod[i] = product;
        }
        finalAlphaCumprod = config.setAlphaToOne() ? 1.0 : alphasCumprod[0];
    }

    public SchedulerConfig config() {
        return config;
    }

    private double beta(final int index) {
        final double fraction = index / (double) (config.trainTimesteps() - 1);
        return switch (config.betaSchedule()) {
            case LINEAR -> config.betaStart() + (config.betaEnd() - config.betaStart()) * fraction;
            case SCALED_LINEAR -> {
                final double start = Math.sqrt(config.betaStart());
                final double root = start + (Math.sqrt(config.betaEnd()) - start) * fraction;
                yield root * root;
            }
        };
    }

    /** The product of (1 - beta) up to training timestep {@code t}; for {@code t < 0}, the value after the last step. */
    public double alphaCumprod(final int t) {
        return t < 0 ? finalAlphaCumprod : alphasCumprod[t];
    }

    /** The training timesteps visited by {@code steps} sampling steps, largest first. */
    public int[] timesteps(final int steps) {
        final int train = config.trainTimesteps();
        if (steps < 1 || steps > train) {
            throw new IllegalArgumentException("Sampling steps " + steps + " must be between 1 and " + train);
        }
        final int[] timesteps = new int[steps];
        switch (config.spacing()) {
            case LEADING -> {
                final int ratio = train / steps;
                for (int i = 0; i < steps; i++) {
                    timesteps[i] = (steps - 1 - i) * ratio + config.stepsOffset();
                }
            }
            case TRAILING -> {
                final double ratio = train / (double) steps;
                for (int i = 0; i < steps; i++) {
                    timesteps[i] = (int) Math.round(train - i * ratio) - 1;
                }
            }
        }
        return timesteps;
    }

    /** Coefficients of one DDIM update from training timestep {@code t} in a run of {@code steps} steps. */
    public Step step(final int t, final int steps) {
        final int previous = t - config.trainTimesteps() / steps;
        final double alpha = alphaCumprod(t);
        final double alphaPrevious = alphaCumprod(previous);
        final double sampleScale = Math.sqrt(alphaPrevious) / Math.sqrt(alpha);
        final double noiseScale = Math.sqrt(1.0 - alphaPrevious) - sampleScale * Math.sqrt(1.0 - alpha);
        return new Step(t, previous, sampleScale, noiseScale);
    }

    /**
     * One DDIM update: {@code x_previous = sampleScale * x_t + noiseScale * eps}.
     *
     * @param timestep the training timestep the model is evaluated at
     * @param previousTimestep the timestep the update lands on (negative after the last step)
     */
    public record Step(int timestep, int previousTimestep, double sampleScale, double noiseScale) {
    }
}
