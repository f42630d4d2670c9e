package io.memaudit.core.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TwoStageScreenTest {

    @Test
    void aPromptAtTheThresholdGoesOnToTheFullTrajectory() {
        assertTrue(TwoStageScreen.screenedIn(0.5, 0.5));
        assertFalse(TwoStageScreen.screenedIn(0.49, 0.5));
        assertFalse(TwoStageScreen.screenedIn(Double.NaN, 0.5), "an unknown first step is not screened in by accident");
    }

    @Test
    void theSimulationCountsWorkAndRecallOnKnownScores() {
        // ten prompts; the first-step score ranks them like dmem except prompts 8 and 9 swap
        final double[] first = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 0.9};
        final double[] dmem = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        final boolean[] positives = {false, false, false, false, false, false, false, true, false, true};
        final TwoStageScreen.Outcome median = TwoStageScreen.evaluate(first, dmem, positives, 0.5, 10);
        assertEquals(0.6, median.threshold(), 1e-12);
        // 5 prompts pass: (10 first steps + 5 x 10 full steps) / (10 x 10)
        assertEquals(0.6, median.workFraction(), 1e-12);
        assertEquals(1.0, median.topDecileRecall(), 1e-12);
        assertEquals(1.0, median.positiveRecall(), 1e-12);
        final TwoStageScreen.Outcome strict = TwoStageScreen.evaluate(first, dmem, positives, 0.9, 10);
        assertEquals(1.0, strict.threshold(), 1e-12);
        assertEquals((10 + 10) / 100.0, strict.workFraction(), 1e-12);
        // the top decile by dmem is prompts 8 and 9 (nearest rank); only 8 has the best first step
        assertEquals(0.5, strict.topDecileRecall(), 1e-12);
        assertEquals(0.0, strict.positiveRecall(), 1e-12);
    }

    @Test
    void mismatchedInputsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> TwoStageScreen.evaluate(new double[2], new double[3], new boolean[2], 0.5, 10));
    }
}
