package io.memaudit.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;
import io.memaudit.core.io.CsvRecords;
import io.memaudit.core.io.MalformedDatasetException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Image-caption pairs listed in a CSV file, for training and scoring text-to-image models: memaudit's synthetic layout
 * ({@code captions.csv} with {@code image} and {@code prompt} columns, written by {@code memaudit synthesize}) or a
 * MIMIC-CXR-JPG style table (an image path column and a prompt column, named with {@link Builder#optImageColumn} and
 * {@link Builder#optPromptColumn}). Image paths are relative to the CSV file (absolute paths are taken as they are).
 *
 * <p>Each record's data is the image as a float32 array [1, H, W] with values in [-1, 1] (grayscale, resized to the target
 * size when it differs); its label is the row index. Prompts are strings, which DJL records do not hold: read them with
 * {@link #prompt(long)}. Repeated rows are kept, so a caption repeated in the CSV is seen that many times per epoch.
 *
 * <p>The CSV is read and checked when the dataset is built: a missing column, a ragged row, an empty or missing image path
 * stop it with a {@link MalformedDatasetException} naming the file, the line and the column. An image that cannot be
 * decoded fails {@link #get} with an {@link IOException} naming the image and the CSV line.
 */
public final class CaptionedImageDataset extends RandomAccessDataset {
    private final Path csv;
    private final List<Row> rows;
    private final int height;
    private final int width;

    private record Row(Path image, String prompt, long line, Map<String, String> extra) {
    }

    private CaptionedImageDataset(final Builder builder, final List<Row> rows) {
        super(builder);
        this.csv = builder.csv;
        this.rows = List.copyOf(rows);
        this.height = builder.height;
        this.width = builder.width;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The prompt of row {@code index} (0-based, in file order among the selected rows). */
    public String prompt(final long index) {
        return rows.get(Math.toIntExact(index)).prompt();
    }

    /**
     * The value of one of the {@link Builder#optExtraColumns extra columns} in row {@code index}, or null when the CSV has
     * no such column (ground truth such as findings or caption kind, when the data carries it).
     */
    public String extra(final long index, final String column) {
        return rows.get(Math.toIntExact(index)).extra().get(column);
    }

    /** The image file of row {@code index}. */
    public Path imagePath(final long index) {
        return rows.get(Math.toIntExact(index)).image();
    }

    /** The grayscale pixels of row {@code index}'s image in [0, 1], resized to the target size, row by row. */
    public float[] pixels(final long index) throws IOException {
        final Row row = rows.get(Math.toIntExact(index));
        try {
            return GrayscaleImages.read(row.image(), height, width);
        } catch (final IOException e) {
            throw new IOException(csv + ": line " + row.line() + ": cannot read image " + row.image() + ": " + e.getMessage(), e);
        }
    }

    /** Image height of every record. */
    public int height() {
        return height;
    }

    /** Image width of every record. */
    public int width() {
        return width;
    }

    @Override
    public Record get(final NDManager manager, final long index) throws IOException {
        final float[] pixels = pixels(index);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = pixels[i] * 2 - 1;
        }
        final NDArray image = manager.create(pixels, new Shape(1, height, width));
        return new Record(new NDList(image), new NDList(manager.create(index)));
    }

    @Override
    protected long availableSize() {
        return rows.size();
    }

    /** Nothing to do: the CSV is read when the dataset is built, and images when records are read. */
    @Override
    public void prepare(final Progress progress) {
    }

    /** Builds a {@link CaptionedImageDataset}; call {@link #setCsv} and {@link #setSampling}. */
    public static final class Builder extends RandomAccessDataset.BaseBuilder<Builder> {
        private Path csv;
        private String imageColumn = "image";
        private String promptColumn = "prompt";
        private String splitColumn = "split";
        private String split;
        private List<String> extraColumns = List.of();
        private int height = 32;
        private int width = 32;

        @Override
        protected Builder self() {
            return this;
        }

        /** The CSV file listing the images and their prompts. */
        public Builder setCsv(final Path file) {
            this.csv = file;
            return this;
        }

        /** The column holding image paths (default {@code image}; MIMIC-CXR-JPG style tables often say {@code path}). */
        public Builder optImageColumn(final String column) {
            this.imageColumn = column;
            return this;
        }

        /** The column holding prompts (default {@code prompt}). */
        public Builder optPromptColumn(final String column) {
            this.promptColumn = column;
            return this;
        }

        /** Keep only rows whose split column (default {@code split}) equals {@code name}, e.g. {@code train}. */
        public Builder optSplit(final String name) {
            this.split = name;
            return this;
        }

        /** The column {@link #optSplit} looks at (default {@code split}). */
        public Builder optSplitColumn(final String column) {
            this.splitColumn = column;
            return this;
        }

        /** Target image size (default 32 x 32); images of another size are resized. */
        public Builder optImageSize(final int newHeight, final int newWidth) {
            if (newHeight < 1 || newWidth < 1) {
                throw new IllegalArgumentException("Image size " + newHeight + "x" + newWidth + " must be positive");
            }
            this.height = newHeight;
            this.width = newWidth;
            return this;
        }

        /** Columns to keep beside image and prompt, when the CSV has them (read with {@link #extra}). */
        public Builder optExtraColumns(final List<String> columns) {
            this.extraColumns = List.copyOf(columns);
            return this;
        }

        /** Reads and checks the CSV. */
        public CaptionedImageDataset build() throws IOException, MalformedDatasetException {
            if (csv == null) {
                throw new IllegalArgumentException("Name the CSV file with setCsv(path)");
            }
            final Path base = csv.toAbsolutePath().getParent();
            final String file = csv.toString();
            final List<Row> rows = new ArrayList<>();
            try (InputStream in = Files.newInputStream(csv)) {
                final CsvRecords records = CsvRecords.open(in);
                final int image = records.column(imageColumn, "optImageColumn");
                final int prompt = records.column(promptColumn, "optPromptColumn");
                final int splitIndex = split == null ? -1 : records.column(splitColumn, "optSplitColumn");
                final Map<String, Integer> extras = new LinkedHashMap<>();
                for (final String column : extraColumns) {
                    if (records.header().contains(column)) {
                        extras.put(column, records.header().indexOf(column));
                    }
                }
                records.forEach((record, line) -> {
                    if (splitIndex >= 0 && !split.equals(record.get(splitIndex))) {
                        return;
                    }
                    final String path = record.get(image);
                    if (path.isBlank()) {
                        throw new UncheckedMalformed(new MalformedDatasetException(file, line, "column '" + imageColumn
                                + "' is empty; every row needs an image path (relative to the CSV file)"));
                    }
                    final Path resolved = base.resolve(path);
                    if (!Files.isRegularFile(resolved)) {
                        throw new UncheckedMalformed(new MalformedDatasetException(file, line, "column '" + imageColumn
                                + "': image " + path + " does not exist (paths are relative to the CSV file)"));
                    }
                    final Map<String, String> extra = new LinkedHashMap<>();
                    extras.forEach((column, index) -> extra.put(column, record.get(index)));
                    rows.add(new Row(resolved, record.get(prompt), line, Map.copyOf(extra)));
                });
            } catch (final MalformedDatasetException e) {
                throw e.source() == null ? e.in(file) : e;
            } catch (final UncheckedMalformed e) {
                throw e.problem;
            }
            return new CaptionedImageDataset(this, rows);
        }
    }

    /** Carries a {@link MalformedDatasetException} out of a record callback that may only throw IOException. */
    private static final class UncheckedMalformed extends RuntimeException {
        private final MalformedDatasetException problem;

        UncheckedMalformed(final MalformedDatasetException problem) {
            super(problem);
            this.problem = problem;
        }
    }
}
