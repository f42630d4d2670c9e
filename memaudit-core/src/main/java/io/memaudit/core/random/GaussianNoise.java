package io.memaudit.core.random;

import java.util.SplittableRandom;

/**
 * Standard normal noise from a seed, by the Box-Muller transform over {@link SplittableRandom}: both algorithms are fully
 * specified, so the same seed gives the same noise on every JVM and machine.
 */
public final class GaussianNoise {

    private GaussianNoise() {
    }

    /** {@code count} independent N(0, 1) values. */
    public static float[] sample(final long seed, final int count) {
        final SplittableRandom random = new SplittableRandom(seed);
        final float[] values = new float[count];
        for (int i = 0; i < count; i += 2) {
            final double radius = Math.sqrt(-2.0 * Math.log(1.0 - random.nextDouble()));
            final double angle = 2.0 * Math.PI * random.nextDouble();
            values[i] = (float) (radius * Math.cos(angle));
            if (i + 1 < count) {
                values[i + 1] = (float) (radius * Math.sin(angle));
            }
        }
        return values;
    }
}
