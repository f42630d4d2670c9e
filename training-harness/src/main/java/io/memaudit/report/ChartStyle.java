package io.memaudit.report;

import io.memaudit.core.io.DatasetFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;

/** The look every chart in {@link Charts} shares (fonts, colours, grid, axes, legend, notes) and how it becomes a PNG. */
final class ChartStyle {

    static {
        // before the first AWT class initializes: reports are written on servers without a display
        System.setProperty("java.awt.headless", "true");
    }

    /** Okabe-Ito colours, distinguishable with the common colour-vision deficiencies; yellow last, it is faint on white. */
    static final List<Color> PALETTE = List.of(new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73),
            new Color(0xD55E00), new Color(0xCC79A7), new Color(0x56B4E9), new Color(0x000000), new Color(0xF0E442));
    static final Color NEUTRAL = new Color(0x9AA5B1);
    static final Color ACCENT = new Color(0xD55E00);
    static final Color TEXT = new Color(0x222222);
    static final Color MUTED = new Color(0x6B6B6B);
    static final Color GRID = new Color(0xE5E5E5);
    static final Color AXIS = new Color(0x8C8C8C);

    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font SMALL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    static final Stroke THIN = new BasicStroke(1f);
    static final Stroke DASHED = new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 5f}, 0f);
    static final Shape DOT = new Ellipse2D.Double(-3, -3, 6, 6);

    private ChartStyle() {
    }

    /** {@code index}'s colour from the palette, repeating after eight. */
    static Color color(final int index) {
        return PALETTE.get(index % PALETTE.size());
    }

    static Color translucent(final Color color, final int alpha) {
        return new Color(color.getRed(), color.getGreen(), color.getBlue(), alpha);
    }

    static void requireDrawableSize(final int width, final int height) {
        if (width < 320 || height < 200) {
            throw new IllegalArgumentException("chart size " + width + "x" + height + " is too small: use at least 320x200");
        }
    }

    /**
     * A chart of {@code plot} in the report look; apply it before setting series colours, which the theme would reset.
     * With {@code legend} the legend is one row of items under the title, left-aligned.
     */
    static JFreeChart chart(final String title, final Plot plot, final boolean legend) {
        final JFreeChart chart = new JFreeChart(title == null ? "" : title, TITLE_FONT, plot, legend);
        theme().apply(chart);
        chart.getTitle().setMargin(new RectangleInsets(10, 12, 6, 12));
        chart.setPadding(new RectangleInsets(0, 4, 4, 8));
        plot.setOutlineVisible(false);
        plot.setInsets(new RectangleInsets(8, 4, 4, 8));
        plot.setNoDataMessageFont(LABEL_FONT);
        plot.setNoDataMessagePaint(MUTED);
        if (plot instanceof XYPlot xy) {
            xy.setDomainGridlineStroke(THIN);
            xy.setRangeGridlineStroke(THIN);
        } else if (plot instanceof CategoryPlot category) {
            category.setDomainGridlinesVisible(false);
            category.setRangeGridlineStroke(THIN);
        }
        final LegendTitle legendTitle = chart.getLegend();
        if (legendTitle != null) {
            legendTitle.setPosition(RectangleEdge.TOP);
            legendTitle.setHorizontalAlignment(HorizontalAlignment.LEFT);
            legendTitle.setFrame(BlockBorder.NONE);
            legendTitle.setItemFont(LABEL_FONT);
            legendTitle.setItemLabelPadding(new RectangleInsets(2, 6, 2, 18));
            legendTitle.setMargin(new RectangleInsets(0, 8, 4, 8));
        }
        return chart;
    }

    /** An axis in the report look: light axis line, no tick marks, grey tick labels. */
    static <A extends Axis> A axis(final A axis) {
        axis.setAxisLinePaint(AXIS);
        axis.setAxisLineStroke(THIN);
        axis.setTickMarksVisible(false);
        axis.setLabelFont(LABEL_FONT);
        axis.setLabelPaint(TEXT);
        axis.setTickLabelFont(SMALL_FONT);
        axis.setTickLabelPaint(MUTED);
        if (axis instanceof ValueAxis valueAxis) {
            valueAxis.setMinorTickMarksVisible(false);
        }
        return axis;
    }

    /** A small grey remark in the bottom right corner, e.g. how many values could not be drawn; nothing when blank. */
    static void note(final JFreeChart chart, final String note) {
        if (note.isEmpty()) {
            return;
        }
        final TextTitle title = new TextTitle(note, SMALL_FONT);
        title.setPaint(MUTED);
        title.setPosition(RectangleEdge.BOTTOM);
        title.setHorizontalAlignment(HorizontalAlignment.RIGHT);
        title.setMargin(new RectangleInsets(2, 0, 0, 4));
        chart.addSubtitle(title);
    }

    /** {@code text} shortened with an ellipsis so that it is at most {@code maxWidth} pixels wide in {@code font}. */
    static String fit(final String text, final double maxWidth, final Font font) {
        final BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        final Graphics2D graphics = scratch.createGraphics();
        try {
            graphics.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_OFF);
            final FontMetrics metrics = graphics.getFontMetrics(font);
            if (metrics.stringWidth(text) <= maxWidth) {
                return text;
            }
            int end = text.length();
            while (end > 0 && metrics.stringWidth(text.substring(0, end) + "…") > maxWidth) {
                end = Character.isLowSurrogate(text.charAt(end - 1)) && end > 1 ? end - 2 : end - 1;
            }
            return text.substring(0, end).stripTrailing() + "…";
        } finally {
            graphics.dispose();
        }
    }

    /** Draws {@code chart} at {@code width} x {@code height} and writes it as PNG; same chart, same bytes (no time stamp). */
    static void writePng(final JFreeChart chart, final int width, final int height, final Path png) throws Exception {
        final BufferedImage image = chart.createBufferedImage(width, height, BufferedImage.TYPE_INT_RGB, null);
        DatasetFiles.writeAtomically(png, out -> {
            final ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
            try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
                writer.setOutput(stream);
                writer.write(image);
            } finally {
                writer.dispose();
            }
            return null;
        });
    }

    /** A fresh theme per chart: its drawing supplier hands out colours in turn, which must not carry over between charts. */
    private static StandardChartTheme theme() {
        final StandardChartTheme theme = new StandardChartTheme("memaudit", false);
        theme.setExtraLargeFont(TITLE_FONT);
        theme.setLargeFont(LABEL_FONT);
        theme.setRegularFont(LABEL_FONT);
        theme.setSmallFont(SMALL_FONT);
        theme.setTitlePaint(TEXT);
        theme.setSubtitlePaint(MUTED);
        theme.setLegendBackgroundPaint(Color.WHITE);
        theme.setLegendItemPaint(TEXT);
        theme.setChartBackgroundPaint(Color.WHITE);
        theme.setPlotBackgroundPaint(Color.WHITE);
        theme.setPlotOutlinePaint(AXIS);
        theme.setDomainGridlinePaint(GRID);
        theme.setRangeGridlinePaint(GRID);
        theme.setBaselinePaint(AXIS);
        theme.setAxisLabelPaint(TEXT);
        theme.setTickLabelPaint(MUTED);
        theme.setItemLabelPaint(MUTED);
        theme.setAxisOffset(RectangleInsets.ZERO_INSETS);
        theme.setShadowVisible(false);
        theme.setBarPainter(new StandardBarPainter());
        theme.setXYBarPainter(new StandardXYBarPainter());
        theme.setDrawingSupplier(new DefaultDrawingSupplier(PALETTE.toArray(new Paint[0]),
                new Paint[] {Color.WHITE}, PALETTE.toArray(new Paint[0]), new Stroke[] {THIN}, new Stroke[] {THIN},
                new Shape[] {DOT}));
        return theme;
    }
}
