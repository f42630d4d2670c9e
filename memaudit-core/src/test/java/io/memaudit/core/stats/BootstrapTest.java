package io.memaudit.core.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BootstrapTest {

    @Test
    void constantValuesGiveADegenerateIntervalAtTheValue() {
        final Interval interval = Bootstrap.meanOfMeans(List.of(new double[] {0.4, 0.4, 0.4}, new double[] {0.4, 0.4}), 500, 1);
        assertEquals(0.4, interval.estimate(), 1e-12);
        assertEquals(0.4, interval.low(), 1e-12);
        assertEquals(0.4, interval.high(), 1e-12);
    }

    @Test
    void eachStratumWeighsTheSameWhateverItsSize() {
        final Interval interval = Bootstrap.meanOfMeans(List.of(new double[] {1, 2, 3}, new double[] {10}), 500, 1);
        assertEquals(6.0, interval.estimate(), 1e-12);
        // the single-item stratum cannot vary; the first stratum's mean ranges over [1, 3]
        assertTrue(interval.low() >= 5.5 - 1e-12 && interval.high() <= 6.5 + 1e-12, interval.toString());
    }

    @Test
    void theIntervalContainsTheEstimateAndNarrowsWithMoreData() {
        final SplittableRandom random = new SplittableRandom(3);
        final double[] small = random.doubles(20).toArray();
        final double[] large = random.doubles(2000).toArray();
        final Interval a = Bootstrap.meanOfMeans(List.of(small), 2000, 7);
        final Interval b = Bootstrap.meanOfMeans(List.of(large), 2000, 7);
        assertTrue(a.low() <= a.estimate() && a.estimate() <= a.high(), a.toString());
        assertTrue(b.low() <= b.estimate() && b.estimate() <= b.high(), b.toString());
        assertTrue(b.high() - b.low() < (a.high() - a.low()) / 3, a + " vs " + b);
        // a uniform(0, 1) mean of 2000 draws: standard error 0.0065, so the interval is about +-0.013 around 0.5
        assertEquals(0.5, b.estimate(), 0.03);
        assertEquals(2 * 1.96 * Math.sqrt(1.0 / 12 / 2000), b.high() - b.low(), 0.006);
    }

    @Test
    void theSameSeedGivesTheSameInterval() {
        final double[] values = new SplittableRandom(5).doubles(30).toArray();
        assertEquals(Bootstrap.meanOfMeans(List.of(values), 300, 11), Bootstrap.meanOfMeans(List.of(values), 300, 11));
    }

    @Test
    void percentileInterpolatesBetweenOrderStatistics() {
        final double[] sorted = {1, 2, 3, 4, 5};
        assertEquals(1.0, Bootstrap.percentile(sorted, 0), 1e-12);
        assertEquals(3.0, Bootstrap.percentile(sorted, 0.5), 1e-12);
        assertEquals(1.1, Bootstrap.percentile(sorted, 0.025), 1e-12);
        assertEquals(5.0, Bootstrap.percentile(sorted, 1), 1e-12);
    }

    @Test
    void perfectlySeparatedScoresHaveAucOneInEveryResample() {
        final Interval auc = Bootstrap.pooledAuc(List.of(new double[] {0.1, 0.2, 0.9, 0.8}, new double[] {0.3, 0.95}),
                List.of(new boolean[] {false, false, true, true}, new boolean[] {false, true}), 500, 2);
        assertEquals(1.0, auc.estimate(), 1e-12);
        assertEquals(1.0, auc.low(), 1e-12);
        assertEquals(1.0, auc.high(), 1e-12);
    }

    @Test
    void anAucWithoutPositivesHasNoInterval() {
        final Interval auc = Bootstrap.pooledAuc(List.of(new double[] {0.1, 0.2}), List.of(new boolean[] {false, false}), 100, 2);
        assertTrue(Double.isNaN(auc.estimate()));
        assertTrue(Double.isNaN(auc.low()) && Double.isNaN(auc.high()));
    }

    @Test
    void pooledAucIntervalContainsItsEstimate() {
        final SplittableRandom random = new SplittableRandom(9);
        final double[] scores = new double[60];
        final boolean[] labels = new boolean[60];
        for (int i = 0; i < 60; i++) {
            labels[i] = i % 4 == 0;
            scores[i] = random.nextGaussian() + (labels[i] ? 1.5 : 0);
        }
        final Interval auc = Bootstrap.pooledAuc(List.of(scores), List.of(labels), 1000, 4);
        assertEquals(Roc.auc(scores, labels), auc.estimate(), 1e-12);
        assertTrue(auc.low() <= auc.estimate() && auc.estimate() <= auc.high(), auc.toString());
        assertTrue(auc.low() > 0.5, "a 1.5 sd shift on 15 positives is detected: " + auc);
        final Interval tpr = Bootstrap.pooledTprAtFpr(List.of(scores), List.of(labels), 0.01, 1000, 4);
        assertTrue(tpr.low() <= tpr.estimate() && tpr.estimate() <= tpr.high(), tpr.toString());
    }

    @Test
    void excludesSaysWhetherAValueIsOutside() {
        assertTrue(new Interval(0.5, 0.2, 0.8).excludes(0.0));
        assertFalse(new Interval(0.1, -0.2, 0.3).excludes(0.0));
        assertTrue(new Interval(-0.5, -0.8, -0.2).excludes(0.0));
    }
}
