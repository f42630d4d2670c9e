package io.memaudit.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {

    @TempDir
    Path directory;

    /** A chart drawn into a file name, so that each test can draw the same chart twice. */
    @FunctionalInterface
    private interface Drawing {
        int draw(Path png) throws Exception;
    }

    private static List<double[]> armValues() {
        final Random random = new Random(7);
        return List.of(
                random.doubles(40).map(v -> 0.2 + v).toArray(),
                random.doubles(40).map(v -> 0.5 + 2 * v).toArray(),
                new double[] {0.3, 0.3, 0.3},
                new double[0]);
    }

    private BufferedImage drawTwiceAndCompare(final Drawing drawing) throws Exception {
        final Path first = directory.resolve("first.png");
        final Path second = directory.resolve("second.png");
        drawing.draw(first);
        drawing.draw(second);
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second), "same inputs must give the same bytes");
        return ImageIO.read(first.toFile());
    }

    @Test
    void distributionsAreDeterministicPngsOfTheDefaultSize() throws Exception {
        final BufferedImage image = drawTwiceAndCompare(png -> Charts.distributions(png, "dmem per arm", "dmem",
                List.of("original", "random-tag", "constant", "empty"), armValues()));
        assertEquals(Charts.DEFAULT_WIDTH, image.getWidth());
        assertEquals(Charts.DEFAULT_HEIGHT, image.getHeight());
        assertEquals(0xFFFFFF, image.getRGB(2, 2) & 0xFFFFFF, "white background");
    }

    @Test
    void chartsHaveTheRequestedSize() throws Exception {
        final Path png = directory.resolve("small.png");
        Charts.groupedBars(png, 640, 360, "t", "y", List.of("a"), List.of("s"), new double[][] {{1}});
        final BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(640, image.getWidth());
        assertEquals(360, image.getHeight());
    }

    @Test
    void nonFiniteValuesAreSkippedAndCounted() throws Exception {
        final Path png = directory.resolve("nan.png");
        assertEquals(3, Charts.distributions(png, "t", "y", List.of("a", "all missing"),
                List.of(new double[] {1, Double.NaN, 2}, new double[] {Double.POSITIVE_INFINITY, Double.NaN})));
        assertEquals(2, Charts.groupedBars(png, "diversity before and after", "distinct forms",
                List.of("original", "random-tag"), List.of("before", "after"),
                new double[][] {{1, Double.NaN}, {Double.NaN, 1536}}));
        assertEquals(1, Charts.horizontalBars(png, "t", "x", List.of("a", "b"), new double[] {Double.NaN, 1}, Set.of()));
        assertEquals(1, Charts.rocCurves(png, "t", List.of("s"), List.of(new double[] {0.9, Double.NaN, 0.1}),
                new boolean[] {true, true, false}));
        assertEquals(Charts.DEFAULT_WIDTH, ImageIO.read(png.toFile()).getWidth());
    }

    @Test
    void highlightedBarsUseTheAccentColour() throws Exception {
        final List<String> tokens = List.of("___", "the", "normal", "a very long token label that has to be truncated "
                + "because it would never fit into the label column");
        final BufferedImage image = drawTwiceAndCompare(png -> Charts.horizontalBars(png, "top tokens", "significance",
                tokens, new double[] {9, 3, 2, 1}, Set.of(0)));
        // the top bar is the highlighted one and starts at the left edge of the plot, a third of the way in
        final int accent = ChartStyle.ACCENT.getRGB() & 0xFFFFFF;
        boolean found = false;
        for (int y = 0; y < image.getHeight() / 3 && !found; y++) {
            found = (image.getRGB(Charts.DEFAULT_WIDTH / 2, y) & 0xFFFFFF) == accent;
        }
        assertTrue(found, "the highlighted top bar is drawn in the accent colour");
    }

    @Test
    void manyBarsShowOnlyThoseThatFit() throws Exception {
        final int count = 200;
        final double[] values = new Random(3).doubles(count).toArray();
        final List<String> labels = IntStream.range(0, count).mapToObj(i -> "token" + i).toList();
        drawTwiceAndCompare(png -> Charts.horizontalBars(png, "t", "x", labels, values, Set.of(5, 7)));
    }

    @Test
    void rocCurvesIncludeOneClassOnlyAndEmptyInputs() throws Exception {
        final Random random = new Random(11);
        final boolean[] labels = new boolean[300];
        final double[] good = new double[300];
        final double[] noise = new double[300];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextBoolean();
            good[i] = random.nextGaussian() + (labels[i] ? 1.5 : 0);
            noise[i] = random.nextGaussian();
        }
        drawTwiceAndCompare(png -> Charts.rocCurves(png, "membership scores", List.of("dmem", "noise"),
                List.of(good, noise), labels));
        Charts.rocCurves(directory.resolve("one-class.png"), "t", List.of("s"), List.of(new double[] {1, 2}),
                new boolean[] {true, true});
        Charts.rocCurves(directory.resolve("none.png"), "t", List.of(), List.of(), new boolean[0]);
        Charts.distributions(directory.resolve("no-groups.png"), "t", "y", List.of(), List.of());
        Charts.groupedBars(directory.resolve("no-bars.png"), "t", "y", List.of(), List.of(), new double[0][]);
    }

    @Test
    void everySeriesIsDrawnInsideThePlotInItsPaletteColour() throws Exception {
        final BufferedImage bars = drawTwiceAndCompare(png -> Charts.groupedBars(png, "diversity", "distance",
                List.of("original", "random-tag"), List.of("before", "after"), new double[][] {{0.2, 0.18}, {0.21, 0.1}}));
        assertTrue(pixelsOf(bars, ChartStyle.color(0)) > 500, "the first series' bars");
        assertTrue(pixelsOf(bars, ChartStyle.color(1)) > 500, "the second series' bars");
        final BufferedImage roc = drawTwiceAndCompare(png -> Charts.rocCurves(png, "t", List.of("a", "b"),
                List.of(new double[] {0.9, 0.8, 0.3, 0.1}, new double[] {0.2, 0.9, 0.4, 0.5}),
                new boolean[] {true, true, false, false}));
        assertTrue(pixelsOf(roc, ChartStyle.color(0)) > 200, "the first curve");
        assertTrue(pixelsOf(roc, ChartStyle.color(1)) > 200, "the second curve");
        final BufferedImage boxes = drawTwiceAndCompare(png -> Charts.distributions(png, "t", "y", List.of("a", "b"),
                armValues().subList(0, 2)));
        int drawn = 0;
        for (int y = boxes.getHeight() / 4; y < boxes.getHeight() * 3 / 4; y++) {
            for (int x = boxes.getWidth() / 4; x < boxes.getWidth() * 3 / 4; x++) {
                drawn += (boxes.getRGB(x, y) & 0xFFFFFF) == 0xFFFFFF ? 0 : 1;
            }
        }
        assertTrue(drawn > 2_000, "boxes and points in the middle of the plot, found " + drawn + " non-white pixels");
    }

    @Test
    void chartsDoNotDependOnTheDefaultLocaleAndDrawHeadless() throws Exception {
        final Locale saved = Locale.getDefault();
        final Path root = directory.resolve("root.png");
        final Path german = directory.resolve("german.png");
        final Drawing drawing = png -> Charts.horizontalBars(png, "t", "x", List.of("a", "b", "c"),
                new double[] {1234.5, 0.25, 17.125}, Set.of(1));
        try {
            Locale.setDefault(Locale.ROOT);
            drawing.draw(root);
            Locale.setDefault(Locale.GERMANY);
            drawing.draw(german);
        } finally {
            Locale.setDefault(saved);
        }
        assertArrayEquals(Files.readAllBytes(root), Files.readAllBytes(german), "tick and value labels in the same format");
        assertTrue(GraphicsEnvironment.isHeadless());
    }

    @Test
    void tooSmallChartsAreRejected() {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Charts.rocCurves(
                directory.resolve("x.png"), 200, 100, "t", List.of(), List.of(), new boolean[0]));
        assertEquals("chart size 200x100 is too small: use at least 320x200", error.getMessage());
    }

    private static int pixelsOf(final BufferedImage image, final Color color) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                count += (image.getRGB(x, y) & 0xFFFFFF) == (color.getRGB() & 0xFFFFFF) ? 1 : 0;
            }
        }
        return count;
    }

    @Test
    void mismatchedArgumentsNameBothSizes() {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Charts.horizontalBars(
                directory.resolve("x.png"), "t", "x", List.of("a"), new double[2], Set.of()));
        assertEquals("1 labels but 2 values: they must match", error.getMessage());
    }

    @Test
    void boxStatisticsUseInterpolatedQuartilesAndWhiskersWithinOneAndAHalfIqr() {
        final Charts.BoxStatistics box = Charts.BoxStatistics.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 100});
        assertEquals(3, box.q1());
        assertEquals(5, box.median());
        assertEquals(7, box.q3());
        assertEquals(1, box.lowWhisker());
        assertEquals(8, box.highWhisker());
    }
}
