package io.memaudit.core.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Receiver operating characteristic of a score against a ground truth: a higher score means "more likely positive".
 * Items whose score is NaN are left out; every result is NaN when the positives or the negatives that remain are empty.
 */
public final class Roc {

    private Roc() {
    }

    /** The ROC curve as points (false-positive rate, true-positive rate), one per distinct threshold, from (0,0) to (1,1). */
    public record Curve(double[] fpr, double[] tpr) {
    }

    /**
     * Area under the ROC curve: the probability that a random positive scores above a random negative, ties counting 1/2
     * (the Mann-Whitney U statistic divided by positives × negatives).
     */
    public static double auc(final double[] scores, final boolean[] positives) {
        final Ranked ranked = Ranked.of(scores, positives);
        if (ranked.undefined()) {
            return Double.NaN;
        }
        double positiveRankSum = 0;
        final int n = ranked.scores.length;
        for (int start = 0, end; start < n; start = end) {
            end = start;
            while (end < n && ranked.scores[end] == ranked.scores[start]) {
                end++;
            }
            final double midRank = (start + 1 + end) / 2.0; // tied scores share the mean of ranks start+1 .. end
            for (int i = start; i < end; i++) {
                if (ranked.positive[i]) {
                    positiveRankSum += midRank;
                }
            }
        }
        final double u = positiveRankSum - ranked.positives * (ranked.positives + 1) / 2.0;
        return u / ((double) ranked.positives * ranked.negatives);
    }

    /**
     * The highest true-positive rate of any threshold "score ≥ t" whose false-positive rate is at most {@code fpr}
     * (no interpolation between thresholds, so tied scores are accepted or rejected together).
     */
    public static double tprAtFpr(final double[] scores, final boolean[] positives, final double fpr) {
        if (!(fpr >= 0 && fpr <= 1)) {
            throw new IllegalArgumentException("fpr " + fpr + " must be between 0 and 1");
        }
        final Ranked ranked = Ranked.of(scores, positives);
        if (ranked.undefined()) {
            return Double.NaN;
        }
        // compare counts, not rates, so that 1 of 100 negatives is within an fpr of 0.01
        final long allowedFalsePositives = (long) Math.floor(fpr * ranked.negatives + 1e-9);
        double best = 0;
        final Curve curve = curve(ranked);
        for (int i = 0; i < curve.fpr.length; i++) {
            if (Math.round(curve.fpr[i] * ranked.negatives) <= allowedFalsePositives) {
                best = Math.max(best, curve.tpr[i]);
            }
        }
        return best;
    }

    /** The ROC curve; empty arrays when the positives or the negatives are empty. */
    public static Curve curve(final double[] scores, final boolean[] positives) {
        final Ranked ranked = Ranked.of(scores, positives);
        return ranked.undefined() ? new Curve(new double[0], new double[0]) : curve(ranked);
    }

    private static Curve curve(final Ranked ranked) {
        final List<double[]> points = new ArrayList<>();
        points.add(new double[] {0, 0});
        int truePositives = 0;
        int falsePositives = 0;
        for (int end = ranked.scores.length, start; end > 0; end = start) {
            start = end - 1;
            while (start > 0 && ranked.scores[start - 1] == ranked.scores[end - 1]) {
                start--;
            }
            for (int i = start; i < end; i++) {
                if (ranked.positive[i]) {
                    truePositives++;
                } else {
                    falsePositives++;
                }
            }
            points.add(new double[] {(double) falsePositives / ranked.negatives, (double) truePositives / ranked.positives});
        }
        return new Curve(points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray());
    }

    /** Scores without NaN in ascending order, with their labels. */
    private record Ranked(double[] scores, boolean[] positive, int positives, int negatives) {

        static Ranked of(final double[] scores, final boolean[] positives) {
            if (scores.length != positives.length) {
                throw new IllegalArgumentException(
                        scores.length + " scores for " + positives.length + " labels: pass one label per score");
            }
            final int[] order = IntStream.range(0, scores.length)
                    .filter(i -> !Double.isNaN(scores[i]))
                    .boxed()
                    .sorted(Comparator.comparingDouble(i -> scores[i]))
                    .mapToInt(Integer::intValue)
                    .toArray();
            final double[] sortedScores = Arrays.stream(order).mapToDouble(i -> scores[i]).toArray();
            final boolean[] sortedLabels = new boolean[order.length];
            int positiveCount = 0;
            for (int i = 0; i < order.length; i++) {
                sortedLabels[i] = positives[order[i]];
                positiveCount += sortedLabels[i] ? 1 : 0;
            }
            return new Ranked(sortedScores, sortedLabels, positiveCount, order.length - positiveCount);
        }

        boolean undefined() {
            return positives == 0 || negatives == 0;
        }
    }
}
