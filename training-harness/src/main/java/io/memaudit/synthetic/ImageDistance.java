package io.memaudit.synthetic;

/**
 * The distance between two images used for the replication ground truth: each image is standardised to zero mean and unit
 * variance, and the distance is {@code sqrt(2 (1 - r))} with {@code r} their Pearson correlation, which equals the root mean
 * square difference of the standardised pixels, {@code ||z(a) - z(b)|| / sqrt(n)}. It is 0 for identical images, sqrt(2)
 * for uncorrelated ones and 2 for a negative, and does not change when either image's brightness or contrast does.
 *
 * <p>A sample replicates its training image when its distance to that image is below {@link #REPLICATION_RATIO} times its
 * distance to the nearest twin (same findings, fresh geometry and texture; see {@link ChestPhantom#renderTwins}).
 */
public final class ImageDistance {
    /** Own distance below this share of the nearest twin's distance counts as replication. */
    public static final double REPLICATION_RATIO = 0.7;

    private ImageDistance() {
    }

    /**
     * {@code sqrt(2 (1 - r))} on per-image standardised pixels. A constant image has no defined correlation and counts as
     * uncorrelated with everything (distance sqrt(2)), except that two constant images are at distance 0.
     */
    public static double distance(final float[] a, final float[] b) {
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException("Images must have the same, non-zero number of pixels: " + a.length + " and " + b.length);
        }
        final double meanA = mean(a);
        final double meanB = mean(b);
        double covariance = 0;
        double varianceA = 0;
        double varianceB = 0;
        for (int i = 0; i < a.length; i++) {
            final double da = a[i] - meanA;
            final double db = b[i] - meanB;
            covariance += da * db;
            varianceA += da * da;
            varianceB += db * db;
        }
        if (varianceA == 0 || varianceB == 0) {
            return varianceA == varianceB ? 0 : Math.sqrt(2);
        }
        final double correlation = Math.clamp(covariance / Math.sqrt(varianceA * varianceB), -1, 1);
        return Math.sqrt(2 * (1 - correlation));
    }

    /**
     * True when {@code sample} replicates {@code own}: its distance to it is below {@link #REPLICATION_RATIO} times its
     * distance to the nearest of {@code twins}.
     */
    public static boolean replicates(final float[] sample, final float[] own, final java.util.List<float[]> twins) {
        if (twins.isEmpty()) {
            throw new IllegalArgumentException("Replication needs at least one twin to compare with");
        }
        double nearestTwin = Double.POSITIVE_INFINITY;
        for (final float[] twin : twins) {
            nearestTwin = Math.min(nearestTwin, distance(sample, twin));
        }
        return distance(sample, own) < REPLICATION_RATIO * nearestTwin;
    }

    private static double mean(final float[] values) {
        double sum = 0;
        for (final float value : values) {
            sum += value;
        }
        return sum / values.length;
    }
}
