package io.memaudit.synthetic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Finds the {@code marker-feature} design's hidden device ({@link ChestPhantom#render(List, long, int, boolean)}) in an
 * image: the contrast of the generator's spot against the ring around it, on per-image standardised pixels, above a
 * threshold calibrated on freshly rendered images with and without the device. Used to ask whether a model draws the
 * device for a caption: the share of a caption's samples in which it is found.
 *
 * @param threshold contrast at or above which the device counts as present
 * @param calibrationAccuracy balanced accuracy of the threshold on the calibration renders
 */
public record HiddenDevice(int size, double threshold, double calibrationAccuracy) {

    /** Calibrates on {@code count} renders with and {@code count} without the device (random findings, seeded). */
    public static HiddenDevice calibrate(final int size, final int count, final long seed) {
        final SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        final double[] with = new double[count];
        final double[] without = new double[count];
        for (int i = 0; i < count; i++) {
            final List<Finding> findings = SyntheticChestXrays.findings(random);
            final long imageSeed = random.nextLong();
            with[i] = contrast(ChestPhantom.render(findings, imageSeed, size, true), size);
            without[i] = contrast(ChestPhantom.render(findings, imageSeed, size, false), size);
        }
        final double[] candidates = new double[2 * count];
        System.arraycopy(with, 0, candidates, 0, count);
        System.arraycopy(without, 0, candidates, count, count);
        Arrays.sort(candidates);
        double best = Double.NaN;
        double bestAccuracy = -1;
        for (final double threshold : candidates) {
            final double accuracy = 0.5 * (Arrays.stream(with).filter(value -> value >= threshold).count()
                    + Arrays.stream(without).filter(value -> value < threshold).count()) / count;
            if (accuracy > bestAccuracy) {
                bestAccuracy = accuracy;
                best = threshold;
            }
        }
        return new HiddenDevice(size, best, bestAccuracy);
    }

    /** Whether the device is found in {@code pixels} (size x size, row by row). */
    public boolean present(final float[] pixels) {
        return contrast(pixels, size) >= threshold;
    }

    /** Share of {@code samples} in which the device is found (NaN for none). */
    public double rate(final float[][] samples) {
        if (samples == null || samples.length == 0) {
            return Double.NaN;
        }
        return Arrays.stream(samples).filter(this::present).count() / (double) samples.length;
    }

    /** Mean standardised value on the generator's spot minus the mean of the ring around it. */
    static double contrast(final float[] pixels, final int size) {
        double mean = 0;
        for (final float value : pixels) {
            mean += value;
        }
        mean /= pixels.length;
        double variance = 0;
        for (final float value : pixels) {
            variance += (value - mean) * (value - mean);
        }
        final double sd = Math.sqrt(variance / pixels.length) + 1e-6;
        final double cx = ChestPhantom.DEVICE_X * size - 0.5;
        final double cy = ChestPhantom.DEVICE_Y * size - 0.5;
        final List<Double> spot = new ArrayList<>();
        final List<Double> ring = new ArrayList<>();
        final double unit = size / 32.0;
        for (int row = 0; row < size; row++) {
            for (int column = 0; column < size; column++) {
                final double distance = Math.hypot(column - cx, row - cy) / unit;
                final double value = (pixels[row * size + column] - mean) / sd;
                if (distance <= 1.6) {
                    spot.add(value);
                } else if (distance >= 2.8 && distance <= 4.2 && row * 1.0 / unit <= cy / unit + 2) {
                    ring.add(value);
                }
            }
        }
        return spot.stream().mapToDouble(Double::doubleValue).average().orElse(0)
                - ring.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }
}
