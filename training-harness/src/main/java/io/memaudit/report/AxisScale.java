package io.memaudit.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A linear axis from {@code lower} to {@code upper} with ticks every {@code step}, all "nice" numbers (1, 2 or 5 times a
 * power of ten), so that tick labels are short and round.
 */
record AxisScale(double lower, double upper, double step) {

    /** The nice axis covering {@code min..max} with at most about {@code maxTicks} ticks; copes with empty and constant data. */
    static AxisScale covering(final double min, final double max, final int maxTicks) {
        double low = min;
        double high = max;
        if (!Double.isFinite(low) || !Double.isFinite(high) || low > high) {
            low = 0;
            high = 1;
        }
        if (low == high) {
            final double pad = low == 0 ? 1 : Math.abs(low) * 0.1;
            low -= pad;
            high += pad;
        }
        final double step = niceNumber(niceNumber(high - low, false) / Math.max(1, maxTicks - 1), true);
        return new AxisScale(Math.floor(low / step) * step, Math.ceil(high / step) * step, step);
    }

    /** The tick values from lower to upper. */
    List<Double> ticks() {
        final List<Double> ticks = new ArrayList<>();
        final long count = Math.round((upper - lower) / step);
        for (long i = 0; i <= count; i++) {
            ticks.add(lower + i * step);
        }
        return ticks;
    }

    /** Where {@code value} lies on the axis, 0 at lower and 1 at upper. */
    double fraction(final double value) {
        return (value - lower) / (upper - lower);
    }

    /** A tick label with as many decimals as the step needs. */
    String format(final double value) {
        final double magnitude = Math.max(Math.abs(lower), Math.abs(upper));
        if (magnitude >= 1e6 || step < 1e-4) {
            return String.format(Locale.ROOT, "%.1e", value);
        }
        final int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        final String text = String.format(Locale.ROOT, "%." + decimals + "f", value);
        return text.matches("-0(\\.0*)?") ? text.substring(1) : text;
    }

    /** A value label with three significant digits, without an exponent for everyday magnitudes. */
    static String formatValue(final double value) {
        if (!Double.isFinite(value)) {
            return "n/a";
        }
        if (value == 0) {
            return "0";
        }
        final double magnitude = Math.abs(value);
        if (magnitude >= 1e6 || magnitude < 1e-4) {
            return String.format(Locale.ROOT, "%.2e", value);
        }
        return new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static double niceNumber(final double range, final boolean round) {
        final double exponent = Math.floor(Math.log10(range));
        final double fraction = range / Math.pow(10, exponent);
        final double nice;
        if (round) {
            nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
        } else {
            nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        }
        return nice * Math.pow(10, exponent);
    }
}
