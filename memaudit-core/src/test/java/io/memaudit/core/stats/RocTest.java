package io.memaudit.core.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RocTest {

    private static final boolean[] LABELS = {true, true, false, false};

    @Test
    void perfectSeparationHasAreaOne() {
        assertEquals(1.0, Roc.auc(new double[] {0.9, 0.8, 0.2, 0.1}, LABELS));
    }

    @Test
    void invertedScoresHaveAreaZero() {
        assertEquals(0.0, Roc.auc(new double[] {0.1, 0.2, 0.8, 0.9}, LABELS));
    }

    @Test
    void tiesBetweenClassesCountOneHalf() {
        // pairs (positive, negative): 0.8>0.5, 0.8>0.2, 0.5=0.5 (1/2), 0.5>0.2 -> 3.5 of 4
        assertEquals(0.875, Roc.auc(new double[] {0.8, 0.5, 0.5, 0.2}, LABELS));
        assertEquals(0.5, Roc.auc(new double[] {1, 1, 1, 1}, LABELS));
    }

    @Test
    void randomScoresHaveAreaNearOneHalf() {
        final Random random = new Random(20250207);
        final double[] scores = new double[20_000];
        final boolean[] labels = new boolean[scores.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = random.nextGaussian();
            labels[i] = random.nextBoolean();
        }
        assertEquals(0.5, Roc.auc(scores, labels), 0.01);
    }

    @Test
    void tprAtOnePercentFprAllowsOneFalsePositiveInAHundred() {
        // 100 negatives scored 0.00 .. 0.99; 50 positives above all of them, 50 just below the highest negative
        final double[] scores = new double[200];
        final boolean[] labels = new boolean[200];
        for (int i = 0; i < 100; i++) {
            scores[i] = i / 100.0;
        }
        for (int i = 100; i < 200; i++) {
            labels[i] = true;
            scores[i] = i < 150 ? 0.995 : 0.985;
        }
        assertEquals(1.0, Roc.tprAtFpr(scores, labels, 0.01));
        assertEquals(0.5, Roc.tprAtFpr(scores, labels, 0.0));
        assertEquals(0.5, Roc.tprAtFpr(scores, labels, 0.0099));
    }

    @Test
    void tiedScoresAreAcceptedTogether() {
        // the only threshold above nothing accepts both tied items, one of them negative: fpr 0.5 > 0.1
        assertEquals(0.0, Roc.tprAtFpr(new double[] {0.7, 0.7, 0.1, 0.2}, new boolean[] {true, false, true, false}, 0.1));
    }

    @Test
    void anEmptyClassGivesNaN() {
        final double[] scores = {0.1, 0.2};
        assertEquals(Double.NaN, Roc.auc(scores, new boolean[] {true, true}));
        assertEquals(Double.NaN, Roc.tprAtFpr(scores, new boolean[] {false, false}, 0.01));
        assertEquals(Double.NaN, Roc.auc(new double[0], new boolean[0]));
        assertEquals(0, Roc.curve(scores, new boolean[] {true, true}).fpr().length);
    }

    @Test
    void nanScoresAreLeftOut() {
        assertEquals(1.0, Roc.auc(new double[] {0.9, Double.NaN, 0.1, Double.NaN}, LABELS));
    }

    @Test
    void curveRunsFromOriginToOneOneWithOnePointPerDistinctScore() {
        final Roc.Curve curve = Roc.curve(new double[] {0.8, 0.5, 0.5, 0.2}, LABELS);
        assertArrayEquals(new double[] {0, 0, 0.5, 1}, curve.fpr());
        assertArrayEquals(new double[] {0, 0.5, 1, 1}, curve.tpr());
    }

    @Test
    void mismatchedLengthsAreRejected() {
        final IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> Roc.auc(new double[3], new boolean[2]));
        assertEquals("3 scores for 2 labels: pass one label per score", error.getMessage());
    }
}
