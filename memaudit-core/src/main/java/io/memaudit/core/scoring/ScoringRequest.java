package io.memaudit.core.scoring;

import java.util.List;
import java.util.Objects;

/**
 * One request to score prompts for memorization, built the same way by the command line and by NiFi.
 *
 * @param prompts the prompts, in order (duplicates are scored once and answered for each)
 * @param sampling how to sample
 * @param mode how much of the trajectory to run
 * @param screeningThreshold in two-stage mode, the first-step score at or above which a prompt gets the full dmem
 *                           (ignored otherwise)
 */
public record ScoringRequest(List<String> prompts, SamplingSettings sampling, ScoringMode mode, double screeningThreshold) {
    public ScoringRequest {
        prompts = List.copyOf(prompts);
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(mode, "mode");
        if (mode == ScoringMode.TWO_STAGE && !Double.isFinite(screeningThreshold)) {
            throw new IllegalArgumentException("two-stage scoring needs a finite screening threshold, got " + screeningThreshold);
        }
    }

    /** A full or first-step request (no screening). */
    public static ScoringRequest of(final List<String> prompts, final SamplingSettings sampling, final ScoringMode mode) {
        return new ScoringRequest(prompts, sampling, mode, mode == ScoringMode.TWO_STAGE ? Double.NaN : 0.0);
    }

    /** The same request for other prompts. */
    public ScoringRequest withPrompts(final List<String> others) {
        return new ScoringRequest(others, sampling, mode, screeningThreshold);
    }

    /** The same request with at most {@code maximum} prompts per batch. */
    public ScoringRequest withBatchSizeAtMost(final int maximum) {
        return new ScoringRequest(prompts, sampling.withBatchSizeAtMost(maximum), mode, screeningThreshold);
    }
}
