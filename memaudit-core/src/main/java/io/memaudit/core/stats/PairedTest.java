package io.memaudit.core.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Paired comparison of an arm with the control on the same items (in memaudit's experiments: the same captions under the
 * same seed). The effect is the mean over strata (seeds) of each stratum's mean paired difference; its 95 % interval is
 * the stratified bootstrap's ({@link Bootstrap}); its two-sided p-value is the sign-flip (paired permutation) test's:
 * under "no difference" each difference is as likely to have the other sign, so the effect's absolute value is
 * compared with its values under random sign flips. With at most {@link #EXACT_LIMIT} non-zero differences every flip
 * pattern is enumerated (an exact p-value); otherwise random flips are drawn and p = (1 + at least as extreme) / (1 +
 * flips). NaN differences are left out.
 */
public final class PairedTest {
    /** Up to this many non-zero differences the sign-flip test enumerates every pattern. */
    public static final int EXACT_LIMIT = 16;

    private PairedTest() {
    }

    /**
     * @param effect mean of per-stratum mean differences, with its bootstrap interval
     * @param pValue two-sided sign-flip p-value (1 when every difference is zero, NaN when there are none)
     * @param pairs differences used
     * @param exact whether every sign pattern was enumerated
     */
    public record Result(Interval effect, double pValue, int pairs, boolean exact) {
    }

    /** Compares {@code arm} with {@code control}, item by item within each stratum. */
    public static Result compare(final List<double[]> arm, final List<double[]> control, final int resamples, final long seed) {
        if (arm.size() != control.size()) {
            throw new IllegalArgumentException(arm.size() + " arm strata for " + control.size() + " control strata");
        }
        final List<double[]> differences = new ArrayList<>();
        for (int s = 0; s < arm.size(); s++) {
            final double[] a = arm.get(s);
            final double[] c = control.get(s);
            if (a.length != c.length) {
                throw new IllegalArgumentException("stratum " + s + ": " + a.length + " arm values for " + c.length
                        + " control values; a paired test needs the same items");
            }
            final double[] d = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                d[i] = a[i] - c[i];
            }
            differences.add(d);
        }
        return ofDifferences(differences, resamples, seed);
    }

    /** The test on paired differences already taken, one array per stratum. */
    public static Result ofDifferences(final List<double[]> differences, final int resamples, final long seed) {
        final List<double[]> clean = new ArrayList<>();
        int pairs = 0;
        for (final double[] stratum : differences) {
            final double[] kept = java.util.Arrays.stream(stratum).filter(value -> !Double.isNaN(value)).toArray();
            clean.add(kept);
            pairs += kept.length;
        }
        final Interval effect = Bootstrap.meanOfMeans(clean, resamples, seed);
        if (pairs == 0) {
            return new Result(effect, Double.NaN, 0, true);
        }
        final double observed = Math.abs(effect.estimate());
        int nonZero = 0;
        for (final double[] stratum : clean) {
            for (final double value : stratum) {
                nonZero += value != 0 ? 1 : 0;
            }
        }
        if (nonZero == 0) {
            return new Result(effect, 1.0, pairs, true);
        }
        final double tolerance = 1e-12 * Math.max(1, observed);
        if (nonZero <= EXACT_LIMIT) {
            final int[][] positions = nonZeroPositions(clean, nonZero);
            long extreme = 0;
            final long patterns = 1L << nonZero;
            for (long pattern = 0; pattern < patterns; pattern++) {
                final List<double[]> flipped = copy(clean);
                for (int k = 0; k < nonZero; k++) {
                    if ((pattern & (1L << k)) != 0) {
                        flipped.get(positions[k][0])[positions[k][1]] *= -1;
                    }
                }
                if (Math.abs(meanOfMeans(flipped)) >= observed - tolerance) {
                    extreme++;
                }
            }
            return new Result(effect, extreme / (double) patterns, pairs, true);
        }
        final SplittableRandom random = new SplittableRandom(seed ^ 0x632BE59BD9B4E019L);
        long extreme = 0;
        for (int r = 0; r < resamples; r++) {
            final List<double[]> flipped = copy(clean);
            for (final double[] stratum : flipped) {
                for (int i = 0; i < stratum.length; i++) {
                    if (random.nextBoolean()) {
                        stratum[i] = -stratum[i];
                    }
                }
            }
            if (Math.abs(meanOfMeans(flipped)) >= observed - tolerance) {
                extreme++;
            }
        }
        return new Result(effect, (1 + extreme) / (1.0 + resamples), pairs, false);
    }

    private static int[][] nonZeroPositions(final List<double[]> strata, final int count) {
        final int[][] positions = new int[count][];
        int k = 0;
        for (int s = 0; s < strata.size(); s++) {
            for (int i = 0; i < strata.get(s).length; i++) {
                if (strata.get(s)[i] != 0) {
                    positions[k++] = new int[] {s, i};
                }
            }
        }
        return positions;
    }

    private static List<double[]> copy(final List<double[]> strata) {
        final List<double[]> copy = new ArrayList<>(strata.size());
        strata.forEach(values -> copy.add(values.clone()));
        return copy;
    }

    private static double meanOfMeans(final List<double[]> strata) {
        double sum = 0;
        int counted = 0;
        for (final double[] stratum : strata) {
            if (stratum.length > 0) {
                double stratumSum = 0;
                for (final double value : stratum) {
                    stratumSum += value;
                }
                sum += stratumSum / stratum.length;
                counted++;
            }
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }
}
