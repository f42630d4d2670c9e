package io.memaudit.core.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PairedTestTest {

    @Test
    void fourPositiveDifferencesHaveTheExactSignFlipPValueTwoInSixteen() {
        // of the 16 sign patterns only all-plus and all-minus reach |mean| = 2.5
        final PairedTest.Result result = PairedTest.ofDifferences(List.of(new double[] {1, 2, 3, 4}), 1000, 1);
        assertTrue(result.exact());
        assertEquals(0.125, result.pValue(), 1e-12);
        assertEquals(2.5, result.effect().estimate(), 1e-12);
        assertEquals(4, result.pairs());
    }

    @Test
    void theExactPValueCountsTiesWithTheObservedEffect() {
        // {1, 1, 1}: |mean| = 1 only for all-plus and all-minus: 2 of 8
        assertEquals(0.25, PairedTest.ofDifferences(List.of(new double[] {1, 1, 1}), 100, 1).pValue(), 1e-12);
        // {1, -1}: every pattern is at least as extreme as |mean| = 0
        assertEquals(1.0, PairedTest.ofDifferences(List.of(new double[] {1, -1}), 100, 1).pValue(), 1e-12);
    }

    @Test
    void compareSubtractsTheControlItemByItem() {
        final PairedTest.Result result = PairedTest.compare(List.of(new double[] {2, 3, 5}, new double[] {1}),
                List.of(new double[] {1, 1, 1}, new double[] {1}), 500, 3);
        // stratum means: (1 + 2 + 4) / 3 and 0
        assertEquals(7.0 / 6, result.effect().estimate(), 1e-12);
        assertEquals(4, result.pairs());
        // non-zero differences 1, 2, 4: patterns reaching |mean of means| = 7/6 are all-plus and all-minus: 2 of 8
        assertEquals(0.25, result.pValue(), 1e-12);
    }

    @Test
    void noDifferenceAtAllHasPValueOne() {
        final PairedTest.Result result = PairedTest.compare(List.of(new double[] {0.3, 0.4}), List.of(new double[] {0.3, 0.4}),
                200, 1);
        assertEquals(1.0, result.pValue(), 1e-12);
        assertEquals(0.0, result.effect().low(), 1e-12);
        assertEquals(0.0, result.effect().high(), 1e-12);
    }

    @Test
    void aConsistentShiftOnManyPairsIsSignificantAndItsIntervalExcludesZero() {
        final SplittableRandom random = new SplittableRandom(8);
        final double[] arm = new double[40];
        final double[] control = new double[40];
        for (int i = 0; i < 40; i++) {
            control[i] = random.nextGaussian();
            arm[i] = control[i] - 0.5 + 0.2 * random.nextGaussian();
        }
        final PairedTest.Result result = PairedTest.compare(List.of(arm), List.of(control), 2000, 5);
        assertFalse(result.exact());
        assertTrue(result.pValue() < 0.001, "p " + result.pValue());
        assertTrue(result.effect().excludes(0), result.effect().toString());
        assertTrue(result.effect().low() <= result.effect().estimate() && result.effect().estimate() <= result.effect().high());
        assertEquals(-0.5, result.effect().estimate(), 0.1);
    }

    @Test
    void noiseWithoutShiftIsNotSignificant() {
        final SplittableRandom random = new SplittableRandom(10);
        final double[] differences = random.doubles(60, -1, 1).toArray();
        final PairedTest.Result result = PairedTest.ofDifferences(List.of(differences), 2000, 5);
        assertTrue(result.pValue() > 0.05, "p " + result.pValue());
        assertFalse(result.effect().excludes(0), result.effect().toString());
    }

    @Test
    void unpairedInputsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> PairedTest.compare(List.of(new double[] {1, 2}),
                List.of(new double[] {1}), 10, 1));
        assertThrows(IllegalArgumentException.class, () -> PairedTest.compare(List.of(new double[] {1}),
                List.of(new double[] {1}, new double[] {2}), 10, 1));
    }

    @Test
    void missingDifferencesAreLeftOut() {
        final PairedTest.Result result = PairedTest.ofDifferences(List.of(new double[] {1, Double.NaN, 3}), 100, 1);
        assertEquals(2, result.pairs());
        assertEquals(2.0, result.effect().estimate(), 1e-12);
        assertEquals(0.5, result.pValue(), 1e-12);
    }
}
