package io.memaudit.core.stats;

/**
 * A point estimate with a 95 % interval. NaN bounds mean the interval could not be formed (too few usable resamples);
 * a NaN estimate means the statistic itself is undefined on the data.
 */
public record Interval(double estimate, double low, double high) {

    /** Whether the interval lies entirely above or entirely below {@code value}. */
    public boolean excludes(final double value) {
        return low > value || high < value;
    }

    /** {@code 0.123 [0.100, 0.150]} with {@code digits} decimals. */
    public String format(final int digits) {
        final String pattern = "%." + digits + "f";
        return String.format(java.util.Locale.ROOT, pattern + " [" + pattern + ", " + pattern + "]", estimate, low, high);
    }
}
