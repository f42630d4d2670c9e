package io.memaudit.core.gate;

import java.util.Objects;

/**
 * The rules of the release gate.
 *
 * @param memorizationThreshold score at or above which a record counts as memorized
 * @param maximumMemorizedFraction largest share of decided records that may be memorized (0 to 1)
 * @param maximumScore reject when any record scores above this; null for no such rule
 * @param markerRule reject when a memorized record is driven by a de-identification marker
 * @param markerRankLimit a memorized record whose marker ranks at or above this (1 = the top word) is marker-driven
 * @param unscoredRecords what a record without a usable score does to the dataset (never approves it)
 */
public record GatePolicy(double memorizationThreshold, double maximumMemorizedFraction, Double maximumScore,
                         boolean markerRule, int markerRankLimit, UnscoredRecords unscoredRecords) {
    public GatePolicy {
        if (!Double.isFinite(memorizationThreshold)) {
            throw new IllegalArgumentException("memorization threshold must be a finite number, got " + memorizationThreshold);
        }
        if (!(maximumMemorizedFraction >= 0 && maximumMemorizedFraction <= 1)) {
            throw new IllegalArgumentException("maximum memorized fraction must be between 0 and 1, got "
                    + maximumMemorizedFraction);
        }
        if (maximumScore != null && !Double.isFinite(maximumScore)) {
            throw new IllegalArgumentException("maximum score must be a finite number, got " + maximumScore);
        }
        if (markerRankLimit < 1) {
            throw new IllegalArgumentException("marker rank limit must be at least 1, got " + markerRankLimit);
        }
        Objects.requireNonNull(unscoredRecords, "unscoredRecords");
    }

    /** The defaults of NiFi's EvaluateReleaseGate and {@code memaudit gate} for a threshold. */
    public static GatePolicy withThreshold(final double memorizationThreshold) {
        return new GatePolicy(memorizationThreshold, 0.01, null, true, 1, UnscoredRecords.REJECT);
    }
}
