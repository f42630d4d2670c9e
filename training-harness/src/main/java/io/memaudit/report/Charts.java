package io.memaudit.report;

import io.memaudit.core.stats.Roc;
import static io.memaudit.report.ChartCanvas.Align;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * PNG charts for reports: white background, light grid, a colour-blind-safe palette, 800x450 unless a size is given.
 * Drawing is headless and deterministic: the same arguments give the same bytes. Values that are NaN or infinite are not
 * drawn; each method returns how many there were and says so in a note on the chart.
 */
public final class Charts {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    public static final int DEFAULT_WIDTH = 800;
    public static final int DEFAULT_HEIGHT = 450;

    private static final int MIN_BAR_ROW = 16;

    private Charts() {
    }

    /** A box plot per group (median, quartiles, whiskers at 1.5 IQR) with every value drawn on top, jittered sideways. */
    public static int distributions(final Path png, final String title, final String yLabel, final List<String> groups,
            final List<double[]> values) throws Exception {
        return distributions(png, DEFAULT_WIDTH, DEFAULT_HEIGHT, title, yLabel, groups, values);
    }

    /** {@link #distributions(Path, String, String, List, List)} at {@code width} x {@code height} pixels. */
    public static int distributions(final Path png, final int width, final int height, final String title,
            final String yLabel, final List<String> groups, final List<double[]> values) throws Exception {
        requireSameSize("groups", groups.size(), "value arrays", values.size());
        final List<double[]> finite = values.stream().map(Charts::finiteSorted).toList();
        final int skipped = values.stream().mapToInt(v -> v.length).sum() - finite.stream().mapToInt(v -> v.length).sum();
        final ChartCanvas canvas = new ChartCanvas(width, height, title);
        final Rectangle plot = canvas.plotArea(76);
        final AxisScale scale = AxisScale.covering(
                finite.stream().filter(v -> v.length > 0).mapToDouble(v -> v[0]).min().orElse(Double.NaN),
                finite.stream().filter(v -> v.length > 0).mapToDouble(v -> v[v.length - 1]).max().orElse(Double.NaN), 6);
        canvas.valueAxisVertical(plot, scale, yLabel);
        if (groups.isEmpty()) {
            canvas.emptyMessage(plot, "no groups");
        }
        final double slot = groups.isEmpty() ? plot.width : (double) plot.width / groups.size();
        final double boxWidth = Math.min(slot * 0.5, 90);
        final var graphics = canvas.graphics();
        for (int group = 0; group < groups.size(); group++) {
            final double center = plot.x + slot * (group + 0.5);
            final double[] sorted = finite.get(group);
            canvas.text(canvas.fit(groups.get(group) + " (n=" + sorted.length + ")", slot - 6, ChartCanvas.LABEL_FONT),
                    center, plot.getMaxY() + 18, Align.CENTER, ChartCanvas.LABEL_FONT, ChartCanvas.TEXT);
            if (sorted.length == 0) {
                canvas.text("no data", center, plot.getCenterY(), Align.CENTER, ChartCanvas.SMALL_FONT, ChartCanvas.MUTED);
                continue;
            }
            final Color color = color(group);
            final BoxStatistics box = BoxStatistics.of(sorted);
            graphics.setStroke(new BasicStroke(1.5f));
            graphics.setColor(color.darker());
            final double cap = boxWidth * 0.25;
            drawWhisker(graphics, center, cap, ChartCanvas.y(plot, scale, box.lowWhisker()), ChartCanvas.y(plot, scale, box.q1()));
            drawWhisker(graphics, center, cap, ChartCanvas.y(plot, scale, box.highWhisker()), ChartCanvas.y(plot, scale, box.q3()));
            final double boxTop = ChartCanvas.y(plot, scale, box.q3());
            final Rectangle2D.Double boxShape = new Rectangle2D.Double(center - boxWidth / 2, boxTop, boxWidth,
                    Math.max(1, ChartCanvas.y(plot, scale, box.q1()) - boxTop));
            graphics.setColor(translucent(color, 50));
            graphics.fill(boxShape);
            graphics.setColor(color.darker());
            graphics.draw(boxShape);
            graphics.setStroke(new BasicStroke(2.5f));
            final double medianY = ChartCanvas.y(plot, scale, box.median());
            graphics.draw(new Line2D.Double(center - boxWidth / 2, medianY, center + boxWidth / 2, medianY));
            // jitter from a generator seeded by the group, so the same data always lands on the same pixels
            final Random jitter = new Random(0x5DEECE66DL + group);
            graphics.setColor(translucent(color, 170));
            for (final double value : values.get(group)) {
                if (Double.isFinite(value)) {
                    final double x = center + (jitter.nextDouble() - 0.5) * boxWidth * 0.8;
                    graphics.fill(new Ellipse2D.Double(x - 3, ChartCanvas.y(plot, scale, value) - 3, 6, 6));
                }
            }
        }
        graphics.setStroke(new BasicStroke(1f));
        noteSkipped(canvas, skipped, "", "NaN or infinite");
        canvas.writePng(png);
        return skipped;
    }

    /**
     * Bars ranked from the largest value down, the bars whose index is in {@code highlighted} in an accent colour; as
     * many as fit (16 pixels a bar), with a note when some are left out.
     */
    public static int horizontalBars(final Path png, final String title, final String xLabel, final List<String> labels,
            final double[] values, final Set<Integer> highlighted) throws Exception {
        return horizontalBars(png, DEFAULT_WIDTH, DEFAULT_HEIGHT, title, xLabel, labels, values, highlighted);
    }

    /** {@link #horizontalBars(Path, String, String, List, double[], Set)} at {@code width} x {@code height} pixels. */
    public static int horizontalBars(final Path png, final int width, final int height, final String title,
            final String xLabel, final List<String> labels, final double[] values, final Set<Integer> highlighted)
            throws Exception {
        requireSameSize("labels", labels.size(), "values", values.length);
        for (final int index : highlighted) {
            if (index < 0 || index >= values.length) {
                throw new IllegalArgumentException("highlighted index " + index + " is not a bar: use 0.." + (values.length - 1));
            }
        }
        final int[] ranked = IntStream.range(0, values.length)
                .filter(i -> Double.isFinite(values[i]))
                .boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> values[i]).reversed().thenComparing(i -> i))
                .mapToInt(Integer::intValue)
                .toArray();
        final int skipped = values.length - ranked.length;
        final ChartCanvas canvas = new ChartCanvas(width, height, title);
        if (!highlighted.isEmpty()) {
            canvas.legendRow(List.of("highlighted", "other"), List.of(ChartCanvas.ACCENT, ChartCanvas.NEUTRAL));
        }
        final int labelWidth = (int) (width * 0.28);
        final Rectangle plot = canvas.plotArea(labelWidth + 12);
        final int shown = Math.min(ranked.length, Math.max(1, plot.height / MIN_BAR_ROW));
        final AxisScale scale = AxisScale.covering(
                Math.min(0, Arrays.stream(ranked).mapToDouble(i -> values[i]).min().orElse(0)),
                Math.max(0, Arrays.stream(ranked).mapToDouble(i -> values[i]).max().orElse(0)), 6);
        canvas.valueAxisHorizontal(plot, scale, xLabel);
        if (ranked.length == 0) {
            canvas.emptyMessage(plot, "no values");
        }
        final double row = shown == 0 ? 0 : Math.min(36, (double) plot.height / shown);
        final double zero = ChartCanvas.x(plot, scale, 0);
        final var graphics = canvas.graphics();
        for (int r = 0; r < shown; r++) {
            final int index = ranked[r];
            final double value = values[index];
            final double middle = plot.y + row * (r + 0.5);
            final double end = ChartCanvas.x(plot, scale, value);
            graphics.setColor(highlighted.contains(index) ? ChartCanvas.ACCENT : ChartCanvas.NEUTRAL);
            graphics.fill(new Rectangle2D.Double(Math.min(zero, end), middle - row * 0.36, Math.abs(end - zero), row * 0.72));
            canvas.text(canvas.fit(labels.get(index), labelWidth - 8, ChartCanvas.SMALL_FONT), plot.x - 8, middle + 4.5,
                    Align.RIGHT, ChartCanvas.SMALL_FONT, ChartCanvas.TEXT);
            final String valueText = AxisScale.formatValue(value);
            final boolean inside = end + 6 + canvas.textWidth(valueText, ChartCanvas.SMALL_FONT) > plot.getMaxX();
            canvas.text(valueText, inside ? end - 6 : end + 6, middle + 4.5, inside ? Align.RIGHT : Align.LEFT,
                    ChartCanvas.SMALL_FONT, inside ? Color.WHITE : ChartCanvas.MUTED);
        }
        final String leftOut = shown < ranked.length ? "showing the top " + shown + " of " + ranked.length : "";
        noteSkipped(canvas, skipped, leftOut, "NaN or infinite");
        canvas.writePng(png);
        return skipped;
    }

    /** Bars per category, one per series side by side (e.g. before and after per arm); missing values are marked n/a. */
    public static int groupedBars(final Path png, final String title, final String yLabel, final List<String> categories,
            final List<String> series, final double[][] values) throws Exception {
        return groupedBars(png, DEFAULT_WIDTH, DEFAULT_HEIGHT, title, yLabel, categories, series, values);
    }

    /** {@link #groupedBars(Path, String, String, List, List, double[][])} at {@code width} x {@code height} pixels. */
    public static int groupedBars(final Path png, final int width, final int height, final String title,
            final String yLabel, final List<String> categories, final List<String> series, final double[][] values)
            throws Exception {
        requireSameSize("categories", categories.size(), "rows of values", values.length);
        for (int c = 0; c < values.length; c++) {
            if (values[c].length != series.size()) {
                throw new IllegalArgumentException("values[" + c + "] has " + values[c].length + " values for "
                        + series.size() + " series: pass one value per series (NaN when missing)");
            }
        }
        final double[] finite = Arrays.stream(values).flatMapToDouble(Arrays::stream).filter(Double::isFinite).toArray();
        final int missing = Arrays.stream(values).mapToInt(v -> v.length).sum() - finite.length;
        final ChartCanvas canvas = new ChartCanvas(width, height, title);
        canvas.legendRow(series, IntStream.range(0, series.size()).mapToObj(Charts::color).toList());
        final Rectangle plot = canvas.plotArea(76);
        final AxisScale scale = AxisScale.covering(Math.min(0, Arrays.stream(finite).min().orElse(0)),
                Math.max(0, Arrays.stream(finite).max().orElse(0)), 6);
        canvas.valueAxisVertical(plot, scale, yLabel);
        if (categories.isEmpty() || series.isEmpty()) {
            canvas.emptyMessage(plot, "no values");
        }
        final double slot = categories.isEmpty() ? plot.width : (double) plot.width / categories.size();
        final double barWidth = series.isEmpty() ? 0 : Math.min(60, slot * 0.8 / series.size());
        final double zero = ChartCanvas.y(plot, scale, 0);
        final var graphics = canvas.graphics();
        for (int c = 0; c < categories.size(); c++) {
            final double center = plot.x + slot * (c + 0.5);
            final double left = center - barWidth * series.size() / 2;
            for (int s = 0; s < series.size(); s++) {
                final double value = values[c][s];
                final double x = left + s * barWidth;
                if (!Double.isFinite(value)) {
                    canvas.text(barWidth >= canvas.textWidth("n/a", ChartCanvas.SMALL_FONT) ? "n/a" : "×",
                            x + barWidth / 2, zero - 5, Align.CENTER, ChartCanvas.SMALL_FONT, ChartCanvas.MUTED);
                    continue;
                }
                final double top = ChartCanvas.y(plot, scale, value);
                graphics.setColor(color(s));
                graphics.fill(new Rectangle2D.Double(x + 1, Math.min(top, zero), barWidth - 2, Math.abs(zero - top)));
            }
            canvas.text(canvas.fit(categories.get(c), slot - 6, ChartCanvas.LABEL_FONT), center, plot.getMaxY() + 18,
                    Align.CENTER, ChartCanvas.LABEL_FONT, ChartCanvas.TEXT);
        }
        graphics.setColor(ChartCanvas.AXIS);
        graphics.draw(new Line2D.Double(plot.x, zero, plot.getMaxX(), zero));
        if (missing > 0) {
            canvas.note("n/a: " + missing + (missing == 1 ? " value" : " values") + " missing or not finite");
        }
        canvas.writePng(png);
        return missing;
    }

    /**
     * ROC curves of several scores against one ground truth, with the diagonal of a random score for reference and each
     * curve's AUC in the legend. Scores that are NaN are left out of their curve (see {@link Roc}).
     */
    public static int rocCurves(final Path png, final String title, final List<String> names, final List<double[]> scores,
            final boolean[] positives) throws Exception {
        return rocCurves(png, DEFAULT_WIDTH, DEFAULT_HEIGHT, title, names, scores, positives);
    }

    /** {@link #rocCurves(Path, String, List, List, boolean[])} at {@code width} x {@code height} pixels. */
    public static int rocCurves(final Path png, final int width, final int height, final String title,
            final List<String> names, final List<double[]> scores, final boolean[] positives) throws Exception {
        requireSameSize("names", names.size(), "score arrays", scores.size());
        for (int i = 0; i < scores.size(); i++) {
            requireSameSize("scores of " + names.get(i), scores.get(i).length, "labels", positives.length);
        }
        final int skipped = (int) scores.stream().flatMapToDouble(Arrays::stream).filter(Double::isNaN).count();
        final ChartCanvas canvas = new ChartCanvas(width, height, title);
        final Rectangle plot = canvas.plotArea(76);
        final AxisScale unit = new AxisScale(0, 1, 0.2);
        canvas.valueAxisVertical(plot, unit, "true-positive rate");
        canvas.valueAxisHorizontal(plot, unit, "false-positive rate");
        final var graphics = canvas.graphics();
        graphics.setColor(ChartCanvas.AXIS);
        graphics.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 5f}, 0f));
        graphics.draw(new Line2D.Double(plot.x, plot.getMaxY(), plot.getMaxX(), plot.y));
        final List<String> legend = new ArrayList<>();
        final List<Color> colors = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            final double auc = Roc.auc(scores.get(i), positives);
            legend.add(names.get(i) + " (AUC " + (Double.isNaN(auc) ? "n/a" : String.format(Locale.ROOT, "%.3f", auc)) + ")");
            colors.add(color(i));
            final Roc.Curve curve = Roc.curve(scores.get(i), positives);
            final Path2D.Double line = new Path2D.Double();
            for (int p = 0; p < curve.fpr().length; p++) {
                final double x = ChartCanvas.x(plot, unit, curve.fpr()[p]);
                final double y = ChartCanvas.y(plot, unit, curve.tpr()[p]);
                if (p == 0) {
                    line.moveTo(x, y);
                } else {
                    line.lineTo(x, y);
                }
            }
            graphics.setColor(color(i));
            graphics.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            graphics.draw(line);
        }
        graphics.setStroke(new BasicStroke(1f));
        int positiveCount = 0;
        for (final boolean positive : positives) {
            positiveCount += positive ? 1 : 0;
        }
        if (names.isEmpty() || positiveCount == 0 || positiveCount == positives.length) {
            canvas.emptyMessage(plot, names.isEmpty() ? "no scores"
                    : "no ROC: " + positiveCount + " positives and " + (positives.length - positiveCount) + " negatives");
        }
        if (!legend.isEmpty()) {
            canvas.legendBox(plot, legend, colors);
        }
        noteSkipped(canvas, skipped, "", "NaN");
        canvas.writePng(png);
        return skipped;
    }

    /** Median, quartiles (linear interpolation between order statistics) and whisker ends at most 1.5 IQR out. */
    record BoxStatistics(double lowWhisker, double q1, double median, double q3, double highWhisker) {

        static BoxStatistics of(final double[] sorted) {
            final double q1 = quantile(sorted, 0.25);
            final double q3 = quantile(sorted, 0.75);
            final double reach = 1.5 * (q3 - q1);
            final double low = Arrays.stream(sorted).filter(v -> v >= q1 - reach).min().orElse(q1);
            final double high = Arrays.stream(sorted).filter(v -> v <= q3 + reach).max().orElse(q3);
            return new BoxStatistics(low, q1, quantile(sorted, 0.5), q3, high);
        }

        private static double quantile(final double[] sorted, final double p) {
            final double position = p * (sorted.length - 1);
            final int below = (int) Math.floor(position);
            final int above = Math.min(below + 1, sorted.length - 1);
            return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
        }
    }

    private static void drawWhisker(final Graphics2D graphics, final double center, final double cap,
            final double end, final double box) {
        graphics.draw(new Line2D.Double(center, end, center, box));
        graphics.draw(new Line2D.Double(center - cap, end, center + cap, end));
    }

    private static void noteSkipped(final ChartCanvas canvas, final int skipped, final String prefix,
            final String why) {
        final String skippedText = skipped == 0 ? ""
                : skipped + (skipped == 1 ? " value" : " values") + " not drawn (" + why + ")";
        final String note = String.join("; ", Arrays.stream(new String[] {prefix, skippedText}).filter(s -> !s.isEmpty()).toList());
        if (!note.isEmpty()) {
            canvas.note(note);
        }
    }

    private static double[] finiteSorted(final double[] values) {
        final double[] finite = Arrays.stream(values).filter(Double::isFinite).toArray();
        Arrays.sort(finite);
        return finite;
    }

    private static Color color(final int index) {
        return ChartCanvas.PALETTE.get(index % ChartCanvas.PALETTE.size());
    }

    private static Color translucent(final Color color, final int alpha) {
        return new Color(color.getRed(), color.getGreen(), color.getBlue(), alpha);
    }

    private static void requireSameSize(final String what, final int size, final String other, final int otherSize) {
        if (size != otherSize) {
            throw new IllegalArgumentException(size + " " + what + " but " + otherSize + " " + other + ": they must match");
        }
    }
}
