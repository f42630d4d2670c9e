package io.memaudit.report;

import io.memaudit.core.io.DatasetFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** One chart image: the shared look (fonts, colours, grid, axes, legend, notes) that every chart in {@link Charts} uses. */
final class ChartCanvas {

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

    private static final int TITLE_HEIGHT = 36;
    private static final int LEGEND_ROW_HEIGHT = 20;

    /** Text alignment relative to the x coordinate given. */
    enum Align { LEFT, CENTER, RIGHT }

    private final BufferedImage image;
    private final Graphics2D graphics;
    private final int width;
    private final int height;
    private int top;

    ChartCanvas(final int width, final int height, final String title) {
        if (width < 320 || height < 200) {
            throw new IllegalArgumentException("chart size " + width + "x" + height + " is too small: use at least 320x200");
        }
        this.width = width;
        this.height = height;
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        graphics = image.createGraphics();
        graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        graphics.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_OFF);
        graphics.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        graphics.setColor(Color.WHITE);
        graphics.fillRect(0, 0, width, height);
        text(fit(title == null ? "" : title, width - 24, TITLE_FONT), width / 2.0, 24, Align.CENTER, TITLE_FONT, TEXT);
        top = TITLE_HEIGHT;
    }

    Graphics2D graphics() {
        return graphics;
    }

    /** A legend of coloured squares in rows under the title, wrapping as needed. */
    void legendRow(final List<String> names, final List<Color> colors) {
        final FontMetrics metrics = graphics.getFontMetrics(LABEL_FONT);
        double x = 16;
        double baseline = top + 14;
        for (int i = 0; i < names.size(); i++) {
            final String name = fit(names.get(i), width / 2.0, LABEL_FONT);
            final double itemWidth = 18 + metrics.stringWidth(name) + 18;
            if (x > 16 && x + itemWidth > width - 16) {
                x = 16;
                baseline += LEGEND_ROW_HEIGHT;
            }
            graphics.setColor(colors.get(i));
            graphics.fill(new Rectangle2D.Double(x, baseline - 11, 12, 12));
            text(name, x + 18, baseline, Align.LEFT, LABEL_FONT, TEXT);
            x += itemWidth;
        }
        top = (int) baseline + 8;
    }

    /** A legend of coloured lines in a box in the lower right corner of {@code plot} (where ROC curves leave room). */
    void legendBox(final Rectangle plot, final List<String> names, final List<Color> colors) {
        final FontMetrics metrics = graphics.getFontMetrics(LABEL_FONT);
        final List<String> fitted = names.stream().map(name -> fit(name, plot.width * 0.6, LABEL_FONT)).toList();
        final int textWidth = fitted.stream().mapToInt(metrics::stringWidth).max().orElse(0);
        final double boxWidth = textWidth + 44;
        final double boxHeight = fitted.size() * LEGEND_ROW_HEIGHT + 10;
        final double left = plot.getMaxX() - boxWidth - 10;
        final double upper = plot.getMaxY() - boxHeight - 10;
        graphics.setColor(Color.WHITE);
        graphics.fill(new Rectangle2D.Double(left, upper, boxWidth, boxHeight));
        graphics.setColor(GRID);
        graphics.draw(new Rectangle2D.Double(left, upper, boxWidth, boxHeight));
        for (int i = 0; i < fitted.size(); i++) {
            final double baseline = upper + 20 + i * LEGEND_ROW_HEIGHT;
            graphics.setColor(colors.get(i));
            graphics.setStroke(new BasicStroke(2.5f));
            graphics.draw(new Line2D.Double(left + 8, baseline - 5, left + 30, baseline - 5));
            text(fitted.get(i), left + 36, baseline, Align.LEFT, LABEL_FONT, TEXT);
        }
        graphics.setStroke(new BasicStroke(1f));
    }

    /** The plot area below the title and legend, leaving {@code left} pixels for labels on the left. */
    Rectangle plotArea(final int left) {
        final int bottom = 62;
        return new Rectangle(left, top + 8, width - left - 24, height - top - 8 - bottom);
    }

    /** Horizontal grid lines with tick labels on the left and {@code label} written upwards along the axis. */
    void valueAxisVertical(final Rectangle plot, final AxisScale scale, final String label) {
        for (final double tick : scale.ticks()) {
            final double y = y(plot, scale, tick);
            graphics.setColor(GRID);
            graphics.draw(new Line2D.Double(plot.x, y, plot.getMaxX(), y));
            text(scale.format(tick), plot.x - 6, y + 4.5, Align.RIGHT, SMALL_FONT, MUTED);
        }
        final AffineTransform saved = graphics.getTransform();
        graphics.rotate(-Math.PI / 2);
        text(fit(label, plot.height, LABEL_FONT), -plot.getCenterY(), 18, Align.CENTER, LABEL_FONT, TEXT);
        graphics.setTransform(saved);
        baseline(plot);
    }

    /** Vertical grid lines with tick labels below and {@code label} under them. */
    void valueAxisHorizontal(final Rectangle plot, final AxisScale scale, final String label) {
        for (final double tick : scale.ticks()) {
            final double x = x(plot, scale, tick);
            graphics.setColor(GRID);
            graphics.draw(new Line2D.Double(x, plot.y, x, plot.getMaxY()));
            text(scale.format(tick), x, plot.getMaxY() + 16, Align.CENTER, SMALL_FONT, MUTED);
        }
        axisLabelBelow(plot, label);
        baseline(plot);
    }

    void axisLabelBelow(final Rectangle plot, final String label) {
        text(fit(label, plot.width, LABEL_FONT), plot.getCenterX(), plot.getMaxY() + 36, Align.CENTER, LABEL_FONT, TEXT);
    }

    /** Pixel row of {@code value} on a vertical axis. */
    static double y(final Rectangle plot, final AxisScale scale, final double value) {
        return plot.getMaxY() - scale.fraction(value) * plot.height;
    }

    /** Pixel column of {@code value} on a horizontal axis. */
    static double x(final Rectangle plot, final AxisScale scale, final double value) {
        return plot.x + scale.fraction(value) * plot.width;
    }

    /** A small grey remark in the bottom right corner, e.g. how many values could not be drawn. */
    void note(final String note) {
        text(fit(note, width - 32, SMALL_FONT), width - 12, height - 8, Align.RIGHT, SMALL_FONT, MUTED);
    }

    /** A message in the middle of an empty plot. */
    void emptyMessage(final Rectangle plot, final String message) {
        text(fit(message, plot.width - 16, LABEL_FONT), plot.getCenterX(), plot.getCenterY(), Align.CENTER, LABEL_FONT, MUTED);
    }

    void text(final String text, final double x, final double baseline, final Align align, final Font font, final Color color) {
        graphics.setFont(font);
        graphics.setColor(color);
        final int textWidth = graphics.getFontMetrics().stringWidth(text);
        final double left = switch (align) {
            case LEFT -> x;
            case CENTER -> x - textWidth / 2.0;
            case RIGHT -> x - textWidth;
        };
        graphics.drawString(text, (float) left, (float) baseline);
    }

    /** {@code text} shortened with an ellipsis so that it is at most {@code maxWidth} pixels wide in {@code font}. */
    String fit(final String text, final double maxWidth, final Font font) {
        final FontMetrics metrics = graphics.getFontMetrics(font);
        if (metrics.stringWidth(text) <= maxWidth) {
            return text;
        }
        int end = text.length();
        while (end > 0 && metrics.stringWidth(text.substring(0, end) + "…") > maxWidth) {
            end = Character.isLowSurrogate(text.charAt(end - 1)) && end > 1 ? end - 2 : end - 1;
        }
        return text.substring(0, end).stripTrailing() + "…";
    }

    int textWidth(final String text, final Font font) {
        return graphics.getFontMetrics(font).stringWidth(text);
    }

    /** Writes the image as PNG; same drawing, same bytes (the PNG writer adds no time stamp). */
    void writePng(final Path png) throws Exception {
        graphics.dispose();
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

    private void baseline(final Rectangle plot) {
        graphics.setColor(AXIS);
        graphics.draw(new Line2D.Double(plot.x, plot.getMaxY(), plot.getMaxX(), plot.getMaxY()));
        graphics.draw(new Line2D.Double(plot.x, plot.y, plot.x, plot.getMaxY()));
    }
}
