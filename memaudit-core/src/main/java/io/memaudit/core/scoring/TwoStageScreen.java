package io.memaudit.core.scoring;

import java.util.Arrays;

/**
 * The two-stage screen of {@link ScoringMode#TWO_STAGE}: every prompt gets the cheap first-step score; only prompts at or
 * above the screening threshold get the full trajectory; the others are decided by their first step (not memorized). One
 * home for the rule: the scorer applies it, and experiment reports use {@link #evaluate} to say what it would cost and
 * miss on measured scores.
 */
public final class TwoStageScreen {
    private TwoStageScreen() {
    }

    /** Whether a prompt with this first-step score goes on to the full trajectory. */
    public static boolean screenedIn(final double firstStep, final double screeningThreshold) {
        return firstStep >= screeningThreshold;
    }

    /**
     * What the screen would do on measured scores.
     *
     * @param quantile the screening threshold, as a quantile of the first-step scores
     * @param threshold that threshold's value
     * @param workFraction UNet evaluations relative to scoring everything fully (T steps each)
     * @param topDecileRecall share of the top-decile prompts by full dmem that pass the screen (NaN without any)
     * @param positiveRecall share of the positives (e.g. replicated prompts) that pass (NaN without any)
     */
    public record Outcome(double quantile, double threshold, double workFraction, double topDecileRecall,
                          double positiveRecall) {
    }

    /**
     * Simulates the screen at the given quantile of {@code firstStep} on prompts whose full dmem and label are known.
     *
     * @param steps T, the full trajectory's steps (the first stage costs one step a prompt)
     */
    public static Outcome evaluate(final double[] firstStep, final double[] dmem, final boolean[] positives,
                                   final double quantile, final int steps) {
        if (firstStep.length != dmem.length || dmem.length != positives.length || firstStep.length == 0) {
            throw new IllegalArgumentException("first-step scores (" + firstStep.length + "), dmem (" + dmem.length
                    + ") and labels (" + positives.length + ") must be the same, non-zero length");
        }
        final double[] sortedFirst = firstStep.clone();
        Arrays.sort(sortedFirst);
        final double[] sortedDmem = dmem.clone();
        Arrays.sort(sortedDmem);
        final double topDecile = sortedDmem[Math.max(0, (int) Math.ceil(0.9 * dmem.length) - 1)];
        final double threshold = sortedFirst[Math.min(firstStep.length - 1, (int) Math.floor(quantile * firstStep.length))];
        int passed = 0;
        int top = 0;
        int topPassed = 0;
        int positive = 0;
        int positivePassed = 0;
        for (int i = 0; i < firstStep.length; i++) {
            final boolean pass = screenedIn(firstStep[i], threshold);
            passed += pass ? 1 : 0;
            if (dmem[i] >= topDecile) {
                top++;
                topPassed += pass ? 1 : 0;
            }
            if (positives[i]) {
                positive++;
                positivePassed += pass ? 1 : 0;
            }
        }
        final double work = (firstStep.length + (double) passed * steps) / ((double) firstStep.length * steps);
        return new Outcome(quantile, threshold, work, top == 0 ? Double.NaN : topPassed / (double) top,
                positive == 0 ? Double.NaN : positivePassed / (double) positive);
    }
}
