package io.memaudit.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ImageDistanceTest {
    private static float[] noise(final long seed, final int size) {
        final SplittableRandom random = new SplittableRandom(seed);
        final float[] pixels = new float[size];
        for (int i = 0; i < size; i++) {
            pixels[i] = (float) random.nextDouble();
        }
        return pixels;
    }

    private static float[] affine(final float[] pixels, final double scale, final double offset) {
        final float[] out = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            out[i] = (float) (scale * pixels[i] + offset);
        }
        return out;
    }

    @Test
    void anImageIsAtDistanceZeroFromItself() {
        final float[] image = noise(1, 1024);
        assertEquals(0, ImageDistance.distance(image, image.clone()), 1e-9);
    }

    @Test
    void brightnessAndContrastDoNotChangeTheDistance() {
        final float[] a = noise(1, 1024);
        final float[] b = noise(2, 1024);
        assertEquals(0, ImageDistance.distance(a, affine(a, 0.3, 0.5)), 1e-6);
        assertEquals(ImageDistance.distance(a, b), ImageDistance.distance(affine(a, 2.5, -1), affine(b, 0.2, 0.7)), 1e-6);
    }

    @Test
    void uncorrelatedImagesAreAboutSqrtTwoApartAndANegativeIsTwoApart() {
        final float[] a = noise(1, 16_384);
        assertEquals(Math.sqrt(2), ImageDistance.distance(a, noise(2, 16_384)), 0.03);
        assertEquals(2, ImageDistance.distance(a, affine(a, -1, 1)), 1e-6);
    }

    @Test
    void theDistanceIsSymmetricAndEqualsTheRmsOfStandardisedDifferences() {
        final float[] a = noise(3, 256);
        final float[] b = affine(a, 1, 0);
        for (int i = 0; i < b.length; i += 3) {
            b[i] = (float) (b[i] * 0.5 + 0.2);
        }
        final double[] za = standardised(a);
        final double[] zb = standardised(b);
        double sum = 0;
        for (int i = 0; i < za.length; i++) {
            sum += (za[i] - zb[i]) * (za[i] - zb[i]);
        }
        assertEquals(Math.sqrt(sum / za.length), ImageDistance.distance(a, b), 1e-6);
        assertEquals(ImageDistance.distance(a, b), ImageDistance.distance(b, a), 1e-12);
    }

    @Test
    void constantImagesAndMismatchedSizesAreHandled() {
        assertEquals(0, ImageDistance.distance(new float[] {1, 1}, new float[] {3, 3}));
        assertEquals(Math.sqrt(2), ImageDistance.distance(new float[] {1, 1}, new float[] {0, 3}), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ImageDistance.distance(new float[3], new float[4]));
    }

    @Test
    void aNoisyCopyReplicatesItsImageButATwinDoesNot() {
        final List<Finding> findings = List.of(Finding.parse("effusion:right:large"));
        final float[] own = ChestPhantom.render(findings, 7, 32);
        final List<float[]> twins = ChestPhantom.renderTwins(findings, 7, 10, 32);
        final float[] copy = own.clone();
        final SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < copy.length; i++) {
            copy[i] += (float) (0.02 * random.nextGaussian());
        }
        assertTrue(ImageDistance.replicates(copy, own, twins));
        final float[] fresh = ChestPhantom.render(findings, 12345, 32);
        assertFalse(ImageDistance.replicates(fresh, own, twins));
    }

    private static double[] standardised(final float[] pixels) {
        double mean = 0;
        for (final float value : pixels) {
            mean += value;
        }
        mean /= pixels.length;
        double variance = 0;
        for (final float value : pixels) {
            variance += (value - mean) * (value - mean);
        }
        final double deviation = Math.sqrt(variance / pixels.length);
        final double[] out = new double[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            out[i] = (pixels[i] - mean) / deviation;
        }
        return out;
    }
}
