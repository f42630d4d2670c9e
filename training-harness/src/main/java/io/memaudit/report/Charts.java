package io.memaudit.report;

import static io.memaudit.report.ChartStyle.ACCENT;
import static io.memaudit.report.ChartStyle.AXIS;
import static io.memaudit.report.ChartStyle.LABEL_FONT;
import static io.memaudit.report.ChartStyle.MUTED;
import static io.memaudit.report.ChartStyle.NEUTRAL;
import static io.memaudit.report.ChartStyle.SMALL_FONT;
import static io.memaudit.report.ChartStyle.TEXT;
import static io.memaudit.report.ChartStyle.THIN;
import static io.memaudit.report.ChartStyle.color;
import static io.memaudit.report.ChartStyle.fit;
import static io.memaudit.report.ChartStyle.translucent;

import io.memaudit.core.stats.Roc;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Stroke;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.annotations.XYShapeAnnotation;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.annotations.XYTitleAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.NumberTickUnitSource;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.block.ColumnArrangement;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

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
    private static final Stroke BOX_STROKE = new BasicStroke(1.5f);
    private static final Stroke MEDIAN_STROKE = new BasicStroke(2.5f);
    private static final Stroke CURVE_STROKE = new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    private static final Rectangle2D LEGEND_SQUARE = new Rectangle2D.Double(-6, -6, 12, 12);

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
        ChartStyle.requireDrawableSize(width, height);
        requireSameSize("groups", groups.size(), "value arrays", values.size());
        final List<double[]> finite = values.stream().map(Charts::finiteSorted).toList();
        final int skipped = values.stream().mapToInt(v -> v.length).sum() - finite.stream().mapToInt(v -> v.length).sum();
        final double slotPixels = (width - 100.0) / Math.max(1, groups.size());
        final double boxWidth = Math.min(0.5, 90 / slotPixels);
        final String[] labels = new String[groups.size()];
        final XYSeriesCollection points = new XYSeriesCollection();
        for (int group = 0; group < groups.size(); group++) {
            labels[group] = fit(groups.get(group) + " (n=" + finite.get(group).length + ")", slotPixels - 6, LABEL_FONT);
            final XYSeries series = new XYSeries(group, false, true);
            // jitter from a generator seeded by the group, so the same data always lands on the same pixels
            final Random jitter = new Random(0x5DEECE66DL + group);
            for (final double value : values.get(group)) {
                if (Double.isFinite(value)) {
                    series.add(group + (jitter.nextDouble() - 0.5) * boxWidth * 0.8, value);
                }
            }
            points.addSeries(series);
        }
        final SymbolAxis groupAxis = ChartStyle.axis(new SymbolAxis(null, labels));
        groupAxis.setGridBandsVisible(false);
        groupAxis.setRange(-0.5, Math.max(1, groups.size()) - 0.5);
        final NumberAxis valueAxis = valueAxis(yLabel, true);
        valueAxis.setAutoRangeIncludesZero(false);
        final XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        final XYPlot plot = new XYPlot(points, groupAxis, valueAxis, renderer);
        plot.setNoDataMessage(groups.isEmpty() ? "no groups" : "no values");
        final JFreeChart chart = ChartStyle.chart(title, plot, false);
        plot.setDomainGridlinesVisible(false);
        groupAxis.setTickLabelFont(LABEL_FONT);
        groupAxis.setTickLabelPaint(TEXT);
        final double middle = finite.stream().filter(v -> v.length > 0)
                .mapToDouble(v -> (v[0] + v[v.length - 1]) / 2).average().orElse(0.5);
        for (int group = 0; group < groups.size(); group++) {
            final Color color = color(group);
            renderer.setSeriesPaint(group, translucent(color, 170));
            renderer.setSeriesShape(group, ChartStyle.DOT);
            final double[] sorted = finite.get(group);
            if (sorted.length == 0) {
                final XYTextAnnotation empty = new XYTextAnnotation("no data", group, middle);
                empty.setFont(SMALL_FONT);
                empty.setPaint(MUTED);
                plot.addAnnotation(empty);
                continue;
            }
            final BoxStatistics box = BoxStatistics.of(sorted);
            final Color edge = color.darker();
            final double cap = boxWidth * 0.25;
            for (final double[] line : new double[][] {
                    {group, box.lowWhisker(), group, box.q1()}, {group - cap, box.lowWhisker(), group + cap, box.lowWhisker()},
                    {group, box.highWhisker(), group, box.q3()}, {group - cap, box.highWhisker(), group + cap, box.highWhisker()}}) {
                renderer.addAnnotation(new XYLineAnnotation(line[0], line[1], line[2], line[3], BOX_STROKE, edge), Layer.BACKGROUND);
            }
            renderer.addAnnotation(new XYShapeAnnotation(new Rectangle2D.Double(group - boxWidth / 2, box.q1(), boxWidth,
                    box.q3() - box.q1()), BOX_STROKE, edge, translucent(color, 50)), Layer.BACKGROUND);
            renderer.addAnnotation(new XYLineAnnotation(group - boxWidth / 2, box.median(), group + boxWidth / 2, box.median(),
                    MEDIAN_STROKE, edge), Layer.BACKGROUND);
        }
        ChartStyle.note(chart, skippedNote(skipped, "", "NaN or infinite"));
        ChartStyle.writePng(chart, width, height, png);
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
        ChartStyle.requireDrawableSize(width, height);
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
        final int plotHeight = height - (highlighted.isEmpty() ? 110 : 130);
        final int shown = Math.min(ranked.length, Math.max(1, plotHeight / MIN_BAR_ROW));
        // two stacked series, one of them empty for each bar: one bar per label, coloured by whether it is highlighted
        final String accent = "highlighted";
        final String other = "other";
        final DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        for (int rank = 0; rank < shown; rank++) {
            final int index = ranked[rank];
            final Key bar = new Key(index, fit(labels.get(index), width * 0.28 - 8, SMALL_FONT));
            final boolean marked = highlighted.contains(index);
            if (!highlighted.isEmpty()) {
                dataset.setValue(marked ? values[index] : null, accent, bar);
            }
            dataset.setValue(marked ? null : values[index], other, bar);
        }
        final CategoryAxis labelAxis = ChartStyle.axis(new CategoryAxis(null));
        // rows of at most 36 pixels from the top, as a short list would otherwise spread out over the whole height; the
        // gaps between bars (a share of the whole axis in JFreeChart) are 28% of the rows
        final double unused = Math.max(0.01, 1 - shown * 36.0 / plotHeight);
        labelAxis.setLowerMargin(0.01);
        labelAxis.setUpperMargin(unused);
        labelAxis.setCategoryMargin(0.28 * (0.99 - unused));
        labelAxis.setMaximumCategoryLabelLines(1);
        final NumberAxis valueAxis = valueAxis(xLabel, false);
        valueAxis.setUpperMargin(0.12);
        valueAxis.setLowerMargin(Arrays.stream(ranked).anyMatch(i -> values[i] < 0) ? 0.12 : 0);
        final StackedBarRenderer renderer = new StackedBarRenderer();
        final CategoryPlot plot = new CategoryPlot(dataset, labelAxis, valueAxis, renderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_RIGHT);
        plot.setNoDataMessage("no values");
        final JFreeChart chart = ChartStyle.chart(title, plot, !highlighted.isEmpty());
        labelAxis.setTickLabelFont(SMALL_FONT);
        labelAxis.setTickLabelPaint(TEXT);
        renderer.setMaximumBarWidth(26.0 / plotHeight);
        renderer.setDefaultLegendShape(LEGEND_SQUARE);
        renderer.setSeriesPaint(dataset.getRowIndex(other), NEUTRAL);
        if (!highlighted.isEmpty()) {
            renderer.setSeriesPaint(dataset.getRowIndex(accent), ACCENT);
        }
        final double largest = Arrays.stream(ranked).mapToDouble(i -> Math.abs(values[i])).max().orElse(1);
        valueLabels(renderer, threeSignificantDigits(largest),
                new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT),
                new ItemLabelPosition(ItemLabelAnchor.OUTSIDE9, TextAnchor.CENTER_RIGHT));
        final String leftOut = shown < ranked.length ? "showing the top " + shown + " of " + ranked.length : "";
        ChartStyle.note(chart, skippedNote(skipped, leftOut, "NaN or infinite"));
        ChartStyle.writePng(chart, width, height, png);
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
        ChartStyle.requireDrawableSize(width, height);
        requireSameSize("categories", categories.size(), "rows of values", values.length);
        for (int c = 0; c < values.length; c++) {
            if (values[c].length != series.size()) {
                throw new IllegalArgumentException("values[" + c + "] has " + values[c].length + " values for "
                        + series.size() + " series: pass one value per series (NaN when missing)");
            }
        }
        final double plotWidth = width - 100.0;
        final double slotPixels = plotWidth / Math.max(1, categories.size());
        // the bars, and in a second dataset with the same layout an invisible bar labelled n/a wherever a value is missing
        final DefaultCategoryDataset bars = new DefaultCategoryDataset();
        final DefaultCategoryDataset missingMarks = new DefaultCategoryDataset();
        int missing = 0;
        for (int c = 0; c < categories.size(); c++) {
            final Key category = new Key(c, fit(categories.get(c), slotPixels - 6, LABEL_FONT));
            for (int s = 0; s < series.size(); s++) {
                final Key seriesKey = new Key(s, series.get(s));
                final boolean drawn = Double.isFinite(values[c][s]);
                missing += drawn ? 0 : 1;
                bars.setValue(drawn ? values[c][s] : null, seriesKey, category);
                missingMarks.setValue(drawn ? null : 0, seriesKey, category);
            }
        }
        final CategoryAxis categoryAxis = ChartStyle.axis(new CategoryAxis(null));
        categoryAxis.setCategoryMargin(0.2);
        categoryAxis.setLowerMargin(0.02);
        categoryAxis.setUpperMargin(0.02);
        categoryAxis.setMaximumCategoryLabelLines(1);
        // labels may use the whole slot, not only the bars' part of it (the labels are already fitted to it)
        categoryAxis.setMaximumCategoryLabelWidthRatio(1.25f);
        final BarRenderer renderer = new BarRenderer();
        final BarRenderer missingRenderer = new BarRenderer();
        final CategoryPlot plot = new CategoryPlot(bars, categoryAxis, valueAxis(yLabel, true), renderer);
        plot.setDataset(1, missingMarks);
        plot.setRenderer(1, missingRenderer);
        plot.setNoDataMessage("no values");
        final JFreeChart chart = ChartStyle.chart(title, plot, true);
        categoryAxis.setTickLabelFont(LABEL_FONT);
        categoryAxis.setTickLabelPaint(TEXT);
        plot.setRangeZeroBaselineVisible(true);
        plot.setRangeZeroBaselinePaint(AXIS);
        plot.setRangeZeroBaselineStroke(THIN);
        for (final BarRenderer each : List.of(renderer, missingRenderer)) {
            each.setItemMargin(0.03);
            each.setMaximumBarWidth(60 / plotWidth);
        }
        renderer.setDefaultLegendShape(LEGEND_SQUARE);
        for (int s = 0; s < series.size(); s++) {
            renderer.setSeriesPaint(s, color(s));
            missingRenderer.setSeriesPaint(s, new Color(0, 0, 0, 0));
        }
        missingRenderer.setDefaultSeriesVisibleInLegend(false);
        valueLabels(missingRenderer, NumberFormat.getInstance(Locale.ROOT),
                new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER), null);
        missingRenderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("n/a",
                NumberFormat.getInstance(Locale.ROOT)));
        ChartStyle.note(chart, missing == 0 ? ""
                : "n/a: " + missing + (missing == 1 ? " value" : " values") + " missing or not finite");
        ChartStyle.writePng(chart, width, height, png);
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
        ChartStyle.requireDrawableSize(width, height);
        requireSameSize("names", names.size(), "score arrays", scores.size());
        for (int i = 0; i < scores.size(); i++) {
            requireSameSize("scores of " + names.get(i), scores.get(i).length, "labels", positives.length);
        }
        final int skipped = (int) scores.stream().flatMapToDouble(Arrays::stream).filter(Double::isNaN).count();
        final XYSeriesCollection curves = new XYSeriesCollection();
        for (int i = 0; i < names.size(); i++) {
            final double auc = Roc.auc(scores.get(i), positives);
            final XYSeries series = new XYSeries(new Key(i, fit(names.get(i) + " (AUC "
                    + (Double.isNaN(auc) ? "n/a" : String.format(Locale.ROOT, "%.3f", auc)) + ")", width * 0.6, LABEL_FONT)),
                    false, true);
            final Roc.Curve curve = Roc.curve(scores.get(i), positives);
            for (int p = 0; p < curve.fpr().length; p++) {
                series.add(curve.fpr()[p], curve.tpr()[p]);
            }
            curves.addSeries(series);
        }
        final NumberAxis fprAxis = unitAxis("false-positive rate");
        final NumberAxis tprAxis = unitAxis("true-positive rate");
        final XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        final XYPlot plot = new XYPlot(curves, fprAxis, tprAxis, renderer);
        final int positiveCount = (int) IntStream.range(0, positives.length).filter(i -> positives[i]).count();
        // without both classes every curve is empty (see Roc.curve), and the plot says why
        plot.setNoDataMessage(names.isEmpty() ? "no scores"
                : positiveCount == 0 || positiveCount == positives.length ? "no ROC: " + positiveCount + " positives and "
                        + (positives.length - positiveCount) + " negatives"
                : "no finite scores");
        final JFreeChart chart = ChartStyle.chart(title, plot, false);
        renderer.setLegendLine(new Line2D.Double(-11, 0, 11, 0));
        for (int i = 0; i < names.size(); i++) {
            renderer.setSeriesPaint(i, color(i));
            renderer.setSeriesStroke(i, CURVE_STROKE);
        }
        renderer.addAnnotation(new XYLineAnnotation(0, 0, 1, 1, ChartStyle.DASHED, AXIS), Layer.BACKGROUND);
        if (!names.isEmpty()) {
            final LegendTitle legend = new LegendTitle(renderer, new ColumnArrangement(), new ColumnArrangement());
            legend.setItemFont(LABEL_FONT);
            legend.setItemPaint(TEXT);
            legend.setBackgroundPaint(Color.WHITE);
            legend.setFrame(new BlockBorder(ChartStyle.GRID));
            legend.setItemLabelPadding(new RectangleInsets(3, 4, 3, 4));
            legend.setPadding(new RectangleInsets(4, 6, 4, 8));
            legend.setMargin(new RectangleInsets(0, 0, 10, 10));
            plot.addAnnotation(new XYTitleAnnotation(1, 0, legend, RectangleAnchor.BOTTOM_RIGHT));
        }
        ChartStyle.note(chart, skippedNote(skipped, "", "NaN"));
        ChartStyle.writePng(chart, width, height, png);
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

    /** A category or series: the index keeps equal labels apart, the label is what the chart shows. */
    private record Key(int index, String label) implements Comparable<Key> {
        @Override
        public int compareTo(final Key other) {
            return Integer.compare(index, other.index);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * A value axis with round ticks, about six of them, whose labels do not depend on the default locale. JFreeChart
     * spaces ticks by the size of their labels, so wide insets along the axis thin them out.
     */
    private static NumberAxis valueAxis(final String label, final boolean vertical) {
        final NumberAxis axis = ChartStyle.axis(new NumberAxis(label));
        axis.setStandardTickUnits(new NumberTickUnitSource(false,
                new DecimalFormat("#,##0.######", DecimalFormatSymbols.getInstance(Locale.ROOT))));
        axis.setTickLabelInsets(vertical ? new RectangleInsets(22, 4, 22, 4) : new RectangleInsets(4, 24, 4, 24));
        return axis;
    }

    /** A value label format with three significant digits for the largest value, trailing zeros dropped. */
    private static NumberFormat threeSignificantDigits(final double largest) {
        final int magnitude = largest > 0 ? (int) Math.floor(Math.log10(largest)) : 0;
        final DecimalFormat format = new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT));
        format.setMaximumFractionDigits(Math.max(0, 2 - magnitude));
        return format;
    }

    /** An axis from 0 to 1 in steps of 0.2, a hair wider so that thick lines on its edges are not cut. */
    private static NumberAxis unitAxis(final String label) {
        final NumberAxis axis = ChartStyle.axis(new NumberAxis(label));
        axis.setRange(-0.004, 1.004);
        axis.setTickUnit(new NumberTickUnit(0.2, new DecimalFormat("0.0", DecimalFormatSymbols.getInstance(Locale.ROOT))));
        return axis;
    }

    /** Every bar labelled with its value, in small grey text just past its end. */
    private static void valueLabels(final BarRenderer renderer, final NumberFormat format, final ItemLabelPosition positive,
            final ItemLabelPosition negative) {
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", format));
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(SMALL_FONT);
        renderer.setDefaultItemLabelPaint(MUTED);
        renderer.setItemLabelAnchorOffset(4);
        renderer.setDefaultPositiveItemLabelPosition(positive);
        if (negative != null) {
            renderer.setDefaultNegativeItemLabelPosition(negative);
        }
    }

    private static String skippedNote(final int skipped, final String prefix, final String why) {
        final String skippedText = skipped == 0 ? ""
                : skipped + (skipped == 1 ? " value" : " values") + " not drawn (" + why + ")";
        return String.join("; ", Arrays.stream(new String[] {prefix, skippedText}).filter(s -> !s.isEmpty()).toList());
    }

    private static double[] finiteSorted(final double[] values) {
        final double[] finite = Arrays.stream(values).filter(Double::isFinite).toArray();
        Arrays.sort(finite);
        return finite;
    }

    private static void requireSameSize(final String what, final int size, final String other, final int otherSize) {
        if (size != otherSize) {
            throw new IllegalArgumentException(size + " " + what + " but " + otherSize + " " + other + ": they must match");
        }
    }
}
