package io.memaudit.core.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Stratified percentile bootstrap: items are resampled with replacement within each stratum (in memaudit's experiments a
 * stratum is one seed, so each seed's model keeps its own captions and the seeds are combined as fixed strata), the
 * statistic is recomputed on every resample, and the 2.5th and 97.5th percentiles of those values bound the 95 %
 * interval. Resamples on which the statistic is NaN (e.g. an AUC whose resample has no positives) are left out; when more
 * than half are NaN the bounds are NaN. Seeded, so the same inputs give the same interval.
 */
public final class Bootstrap {
    /** Resamples used when the caller does not say. */
    public static final int DEFAULT_RESAMPLES = 2000;

    private Bootstrap() {
    }

    /** A statistic of the items chosen from each stratum: {@code chosen[s]} holds indices into stratum s. */
    @FunctionalInterface
    public interface Statistic {
        double of(int[][] chosen);
    }

    /**
     * The statistic on the data as it is, and its stratified bootstrap interval.
     *
     * @param sizes number of items in each stratum (a stratum with no items contributes none)
     */
    public static Interval interval(final int[] sizes, final Statistic statistic, final int resamples, final long seed) {
        if (resamples < 1) {
            throw new IllegalArgumentException("resamples " + resamples + " must be at least 1");
        }
        final int[][] identity = new int[sizes.length][];
        for (int s = 0; s < sizes.length; s++) {
            identity[s] = new int[sizes[s]];
            for (int i = 0; i < sizes[s]; i++) {
                identity[s][i] = i;
            }
        }
        final double estimate = statistic.of(identity);
        final SplittableRandom random = new SplittableRandom(seed);
        final double[] values = new double[resamples];
        int usable = 0;
        final int[][] chosen = new int[sizes.length][];
        for (int r = 0; r < resamples; r++) {
            for (int s = 0; s < sizes.length; s++) {
                chosen[s] = new int[sizes[s]];
                for (int i = 0; i < sizes[s]; i++) {
                    chosen[s][i] = random.nextInt(sizes[s]);
                }
            }
            final double value = statistic.of(chosen);
            if (!Double.isNaN(value)) {
                values[usable++] = value;
            }
        }
        if (usable * 2 < resamples) {
            return new Interval(estimate, Double.NaN, Double.NaN);
        }
        final double[] sorted = Arrays.copyOf(values, usable);
        Arrays.sort(sorted);
        return new Interval(estimate, percentile(sorted, 0.025), percentile(sorted, 0.975));
    }

    /**
     * Mean over strata of each stratum's mean (each seed weighs the same, whatever its number of items), with its
     * interval. NaN values are left out of their stratum's mean; an empty stratum is left out of the combination.
     */
    public static Interval meanOfMeans(final List<double[]> strata, final int resamples, final long seed) {
        final int[] sizes = strata.stream().mapToInt(values -> values.length).toArray();
        return interval(sizes, chosen -> meanOfMeans(strata, chosen), resamples, seed);
    }

    static double meanOfMeans(final List<double[]> strata, final int[][] chosen) {
        double sum = 0;
        int counted = 0;
        for (int s = 0; s < strata.size(); s++) {
            double stratumSum = 0;
            int n = 0;
            for (final int index : chosen[s]) {
                final double value = strata.get(s)[index];
                if (!Double.isNaN(value)) {
                    stratumSum += value;
                    n++;
                }
            }
            if (n > 0) {
                sum += stratumSum / n;
                counted++;
            }
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    /**
     * ROC AUC of scores against labels with every stratum's items pooled, and its stratified bootstrap interval (items
     * resampled within their stratum).
     */
    public static Interval pooledAuc(final List<double[]> scores, final List<boolean[]> labels, final int resamples,
                                     final long seed) {
        return pooled(scores, labels, resamples, seed, Roc::auc);
    }

    /** As {@link #pooledAuc}, for the true-positive rate at a false-positive rate of at most {@code fpr}. */
    public static Interval pooledTprAtFpr(final List<double[]> scores, final List<boolean[]> labels, final double fpr,
                                          final int resamples, final long seed) {
        return pooled(scores, labels, resamples, seed, (s, l) -> Roc.tprAtFpr(s, l, fpr));
    }

    private interface LabelledStatistic {
        double of(double[] scores, boolean[] labels);
    }

    private static Interval pooled(final List<double[]> scores, final List<boolean[]> labels, final int resamples,
                                   final long seed, final LabelledStatistic statistic) {
        if (scores.size() != labels.size()) {
            throw new IllegalArgumentException(scores.size() + " score strata for " + labels.size() + " label strata");
        }
        final int[] sizes = new int[scores.size()];
        for (int s = 0; s < sizes.length; s++) {
            if (scores.get(s).length != labels.get(s).length) {
                throw new IllegalArgumentException("stratum " + s + ": " + scores.get(s).length + " scores for "
                        + labels.get(s).length + " labels");
            }
            sizes[s] = scores.get(s).length;
        }
        return interval(sizes, chosen -> {
            final List<Double> pooledScores = new ArrayList<>();
            final List<Boolean> pooledLabels = new ArrayList<>();
            for (int s = 0; s < chosen.length; s++) {
                for (final int index : chosen[s]) {
                    pooledScores.add(scores.get(s)[index]);
                    pooledLabels.add(labels.get(s)[index]);
                }
            }
            final double[] flatScores = pooledScores.stream().mapToDouble(Double::doubleValue).toArray();
            final boolean[] flatLabels = new boolean[pooledLabels.size()];
            for (int i = 0; i < flatLabels.length; i++) {
                flatLabels[i] = pooledLabels.get(i);
            }
            return statistic.of(flatScores, flatLabels);
        }, resamples, seed);
    }

    /** Linear interpolation between order statistics (the "type 7" percentile). */
    static double percentile(final double[] sorted, final double p) {
        if (sorted.length == 1) {
            return sorted[0];
        }
        final double position = p * (sorted.length - 1);
        final int below = (int) Math.floor(position);
        final int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
