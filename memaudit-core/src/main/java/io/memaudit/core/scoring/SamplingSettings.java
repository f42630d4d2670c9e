package io.memaudit.core.scoring;

/**
 * How prompts are sampled when they are scored; the defaults live here, for the CLI and NiFi alike.
 *
 * @param generations trajectories per prompt (G)
 * @param steps DDIM steps (T)
 * @param guidance classifier-free guidance scale, or null for the model bundle's own (RadEdit: 7.5)
 * @param batchSize prompts per UNet call (each contributes 2G samples); results do not depend on it
 * @param seed global seed of each prompt's initial noise (derived from the seed and the prompt)
 */
public record SamplingSettings(int generations, int steps, Double guidance, int batchSize, long seed) {
    public static final int DEFAULT_GENERATIONS = 4;
    public static final int DEFAULT_STEPS = 50;
    public static final int DEFAULT_BATCH_SIZE = 8;
    public static final long DEFAULT_SEED = 0L;

    public SamplingSettings {
        if (generations < 1 || steps < 1 || batchSize < 1) {
            throw new IllegalArgumentException("generations " + generations + ", steps " + steps + " and batch size "
                    + batchSize + " must all be at least 1");
        }
        if (guidance != null && !Double.isFinite(guidance)) {
            throw new IllegalArgumentException("guidance " + guidance + " must be a finite number");
        }
    }

    /** RadEdit's settings as the seed paper scored: 4 generations, 50 steps, the bundle's guidance, batch 8, seed 0. */
    public static SamplingSettings defaults() {
        return new SamplingSettings(DEFAULT_GENERATIONS, DEFAULT_STEPS, null, DEFAULT_BATCH_SIZE, DEFAULT_SEED);
    }

    /** The same settings with at most {@code maximum} prompts per batch. */
    public SamplingSettings withBatchSizeAtMost(final int maximum) {
        return batchSize <= maximum ? this : new SamplingSettings(generations, steps, guidance, maximum, seed);
    }

    /** The guidance to use: this request's, or else the bundle's. */
    public double guidanceOr(final double bundleGuidance) {
        return guidance != null ? guidance : bundleGuidance;
    }
}
