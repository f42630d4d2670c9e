package io.memaudit.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Record;
import io.memaudit.core.io.MalformedDatasetException;
import io.memaudit.synthetic.SyntheticChestXrays;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptionedImageDatasetTest {
    private static final SyntheticChestXrays.Options SMALL = new SyntheticChestXrays.Options(32, 2, 3, 2, 1, 3, List.of(1, 4),
            0.3, 0.8, 3);

    @TempDir
    Path directory;

    @BeforeAll
    static void offline() {
        System.setProperty("ai.djl.offline", "true");
    }

    @Test
    void readsTheSyntheticLayoutWithEveryRepeatedRow() throws Exception {
        final SyntheticChestXrays.Dataset synthetic = SyntheticChestXrays.generate(SMALL);
        SyntheticChestXrays.write(synthetic, directory, done -> { });
        final CaptionedImageDataset all = CaptionedImageDataset.builder().setCsv(directory.resolve("captions.csv"))
                .setSampling(4, false).build();
        assertEquals(synthetic.rows(), all.size());
        final CaptionedImageDataset train = CaptionedImageDataset.builder().setCsv(directory.resolve("captions.csv"))
                .optSplit("train").setSampling(4, true).build();
        assertEquals(synthetic.trainingRows(), train.size());
        final SyntheticChestXrays.Image first = synthetic.images().getFirst();
        assertEquals(first.caption().text(), train.prompt(0));
        try (NDManager manager = NDManager.newBaseManager()) {
            final Record record = train.get(manager, 0);
            final NDArray image = record.getData().singletonOrThrow();
            assertEquals(new Shape(1, 32, 32), image.getShape());
            final float[] values = image.toFloatArray();
            final float[] expected = synthetic.render(first);
            for (int i = 0; i < values.length; i++) {
                assertTrue(values[i] >= -1 && values[i] <= 1);
                // 8-bit PNG: within half a grey level
                assertEquals(expected[i] * 2 - 1, values[i], 2.0 / 255);
            }
            assertEquals(0, record.getLabels().singletonOrThrow().getLong());
            int rows = 0;
            for (final Batch batch : train.getData(manager)) {
                assertEquals(new Shape(batch.getSize(), 1, 32, 32), batch.getData().singletonOrThrow().getShape());
                rows += batch.getSize();
                batch.close();
            }
            assertEquals(synthetic.trainingRows(), rows);
        }
    }

    @Test
    void readsAMimicCxrJpgStyleTableWithItsOwnColumnsAndResizes() throws Exception {
        final Path image = directory.resolve("files/p10/p10000032/s50414267/02aa804e.jpg");
        Files.createDirectories(image.getParent());
        final BufferedImage rgb = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        final Graphics2D graphics = rgb.createGraphics();
        graphics.setColor(Color.WHITE);
        graphics.fillRect(0, 0, 32, 48);
        graphics.dispose();
        ImageIO.write(rgb, "jpg", image.toFile());
        final Path csv = directory.resolve("prompts.csv");
        Files.writeString(csv, """
                dicom_id,path,impression,split
                02aa804e,files/p10/p10000032/s50414267/02aa804e.jpg,"No acute cardiopulmonary process.",train
                02aa804e,files/p10/p10000032/s50414267/02aa804e.jpg,"Compared to ___, stable.",validate
                """);
        final CaptionedImageDataset dataset = CaptionedImageDataset.builder().setCsv(csv).optImageColumn("path")
                .optPromptColumn("impression").optImageSize(16, 16).optSplit("train").setSampling(1, false).build();
        assertEquals(1, dataset.size());
        assertEquals("No acute cardiopulmonary process.", dataset.prompt(0));
        try (NDManager manager = NDManager.newBaseManager()) {
            final NDArray pixels = dataset.get(manager, 0).getData().singletonOrThrow();
            assertEquals(new Shape(1, 16, 16), pixels.getShape());
            final float[] values = pixels.toFloatArray();
            assertEquals(1, values[0], 0.05);
            assertEquals(-1, values[15], 0.05);
        }
    }

    @Test
    void malformedTablesNameTheFileTheLineAndTheColumn() throws Exception {
        Files.createDirectories(directory.resolve("images"));
        final Path png = directory.resolve("images/a.png");
        try (var out = Files.newOutputStream(png)) {
            GrayscaleImages.writePng(out, new float[16], 4, 4);
        }
        final Path ragged = write("ragged.csv", "image,prompt\nimages/a.png,fine\nimages/a.png,too,many\n");
        assertMessage(ragged, "ragged.csv: line 3: the record has 3 fields but the header has 2");
        final Path missingColumn = write("columns.csv", "path,prompt\nimages/a.png,fine\n");
        assertMessage(missingColumn, "columns.csv: line 1: the header (2 columns) has no column 'image'");
        final Path missingImage = write("missing.csv", "image,prompt\nimages/a.png,fine\nimages/b.png,gone\n");
        assertMessage(missingImage, "missing.csv: line 3: column 'image': image images/b.png does not exist");
        final Path empty = write("empty.csv", "image,prompt\n,no image\n");
        assertMessage(empty, "empty.csv: line 2: column 'image' is empty");
        final Path unterminated = write("quote.csv", "image,prompt\nimages/a.png,\"never closed\n");
        assertMessage(unterminated, "quote.csv: line");
        final Path notAnImage = write("text.csv", "image,prompt\ntext.csv,itself\n");
        final CaptionedImageDataset dataset = CaptionedImageDataset.builder().setCsv(notAnImage).setSampling(1, false).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            final IOException e = assertThrows(IOException.class, () -> dataset.get(manager, 0));
            assertTrue(e.getMessage().contains("text.csv: line 2: cannot read image"), e.getMessage());
        }
    }

    private Path write(final String name, final String content) throws IOException {
        return Files.writeString(directory.resolve(name), content);
    }

    private static void assertMessage(final Path csv, final String expected) {
        final MalformedDatasetException e = assertThrows(MalformedDatasetException.class,
                () -> CaptionedImageDataset.builder().setCsv(csv).setSampling(1, false).build());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith(csv.toString()), e.getMessage());
    }

    @Test
    void pixelsOfAGrayPngRoundTrip() throws Exception {
        final float[] pixels = {0, 0.5f, 1, 0.25f};
        final Path file = directory.resolve("x.png");
        try (var out = Files.newOutputStream(file)) {
            GrayscaleImages.writePng(out, pixels, 2, 2);
        }
        assertArrayEquals(new float[] {0, 128 / 255f, 1, 64 / 255f}, GrayscaleImages.read(file, 2, 2), 1e-6f);
        assertArrayEquals(new float[] {(0 + 128 / 255f + 1 + 64 / 255f) / 4}, GrayscaleImages.read(file, 1, 1), 1e-6f);
    }
}
