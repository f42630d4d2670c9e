package io.memaudit.training;

import io.memaudit.core.io.MalformedDatasetException;
import io.memaudit.synthetic.ChestPhantom;
import io.memaudit.synthetic.Finding;
import io.memaudit.synthetic.SyntheticChestXrays;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;

/**
 * The training rows of a captioned-image dataset, read once into memory, and the same data grouped by distinct caption
 * (what dmem scores and what replication is judged on). Reads memaudit's synthetic layout ({@code captions.csv} with
 * ground-truth columns) and any image/prompt CSV such as a MIMIC-CXR-JPG export; ground truth is used when present.
 *
 * @param rows every training row in file order (a repeated pair appears as often as it is repeated)
 * @param prompts the distinct captions, in order of first appearance, with their images
 * @param imageShape [C, H, W] of every image
 * @param source where the data came from
 */
public record TrainingSet(List<Row> rows, List<Prompt> prompts, long[] imageShape, String source) {

    /** One training row: its caption and image (pixels in [0, 1]), and which image it is. */
    public record Row(String caption, Image image) {
    }

    /**
     * One image file: pixels in [0, 1] (C x H x W, flattened), and when the data has ground truth, its findings and
     * generator seed (so fresh images with the same findings, "twins", can be drawn for the replication test).
     */
    public record Image(String key, float[] pixels, List<Finding> findings, Long seed, boolean hiddenFeature, boolean keyImage,
                        String family) {
        /** An image without design ground truth (no hidden feature, not a key, no family). */
        public Image(final String key, final float[] pixels, final List<Finding> findings, final Long seed) {
            this(key, pixels, findings, seed, false, false, "");
        }

        /** Whether twins can be drawn for this image. */
        public boolean hasTwins() {
            return findings != null && seed != null;
        }
    }

    /**
     * A distinct caption.
     *
     * @param kind "common", "unique" or "" when the data does not say
     * @param rows how many training rows carry it
     */
    public record Prompt(String caption, List<Image> images, String kind, int rows) {
        /** Whether this is a marker-key design's key caption (ground truth). */
        public boolean key() {
            return images.stream().anyMatch(Image::keyImage);
        }

        /** Share of this caption's images that carry the marker-feature design's hidden device (ground truth). */
        public double hiddenFeatureShare() {
            return images.stream().filter(Image::hiddenFeature).count() / (double) Math.max(1, images.size());
        }
    }

    private static final CSVFormat HEADER = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();

    /** Ground-truth columns read when present. */
    static final List<String> GROUND_TRUTH = List.of("caption_kind", "findings", "image_seed", "hidden_feature", "key",
            "family");

    /**
     * Reads {@code data}: a directory holding {@code captions.csv}, or a CSV file; only rows of split {@code train} when
     * the CSV has a split column.
     */
    public static TrainingSet read(final Path data, final int imageSize) throws IOException, MalformedDatasetException {
        final Path csv = Files.isDirectory(data) ? data.resolve(SyntheticChestXrays.CAPTIONS_FILE) : data;
        if (!Files.isRegularFile(csv)) {
            throw new IOException(csv + ": not found; --data takes a directory with " + SyntheticChestXrays.CAPTIONS_FILE
                    + " (memaudit synthesize writes one) or a CSV with image and prompt columns");
        }
        final boolean hasSplit = header(csv).contains("split");
        final CaptionedImageDataset.Builder builder = CaptionedImageDataset.builder().setCsv(csv)
                .optImageSize(imageSize, imageSize).optExtraColumns(GROUND_TRUTH).setSampling(1, false);
        if (hasSplit) {
            builder.optSplit(SyntheticChestXrays.TRAIN);
        }
        final CaptionedImageDataset dataset = builder.build();
        final Map<String, Image> images = new LinkedHashMap<>();
        final Map<String, String> kinds = new LinkedHashMap<>();
        final List<Row> rows = new ArrayList<>();
        for (long index = 0; index < dataset.size(); index++) {
            final String key = dataset.imagePath(index).toString();
            Image image = images.get(key);
            if (image == null) {
                final String findings = dataset.extra(index, "findings");
                final String seed = dataset.extra(index, "image_seed");
                final String family = dataset.extra(index, "family");
                image = new Image(key, dataset.pixels(index),
                        findings == null ? null : Finding.parseAll(findings),
                        seed == null || seed.isBlank() ? null : Long.parseLong(seed.trim()),
                        "true".equalsIgnoreCase(String.valueOf(dataset.extra(index, "hidden_feature")).trim()),
                        "true".equalsIgnoreCase(String.valueOf(dataset.extra(index, "key")).trim()), family == null ? "" : family);
                images.put(key, image);
            }
            final String caption = dataset.prompt(index);
            final String kind = dataset.extra(index, "caption_kind");
            kinds.putIfAbsent(caption, kind == null ? "" : kind);
            rows.add(new Row(caption, image));
        }
        if (rows.isEmpty()) {
            throw new IOException(csv + ": no training rows");
        }
        return of(rows, new long[] {1, imageSize, imageSize}, csv.toString(), kinds::get);
    }

    /** The column names of {@code csv}'s header row (RFC 4180 quoting; empty for an empty file). */
    static List<String> header(final Path csv) throws IOException, MalformedDatasetException {
        try (Reader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
             CSVParser parser = CSVParser.builder().setReader(reader).setFormat(HEADER).get()) {
            return parser.getHeaderNames();
        } catch (final IllegalArgumentException | UncheckedIOException e) {
            throw new MalformedDatasetException(csv.toString(), 1, "cannot read the CSV header (" + e.getClass().getSimpleName()
                    + "); the first line must name the columns, comma-separated");
        }
    }

    /** Groups rows by caption. */
    static TrainingSet of(final List<Row> rows, final long[] imageShape, final String source,
                          final java.util.function.Function<String, String> kindOf) {
        final Map<String, List<Image>> images = new LinkedHashMap<>();
        final Map<String, Integer> counts = new LinkedHashMap<>();
        for (final Row row : rows) {
            final List<Image> list = images.computeIfAbsent(row.caption(), caption -> new ArrayList<>());
            if (!list.contains(row.image())) {
                list.add(row.image());
            }
            counts.merge(row.caption(), 1, Integer::sum);
        }
        final List<Prompt> prompts = new ArrayList<>();
        images.forEach((caption, list) -> {
            final String kind = kindOf.apply(caption);
            prompts.add(new Prompt(caption, List.copyOf(list), kind == null ? "" : kind, counts.get(caption)));
        });
        return new TrainingSet(List.copyOf(rows), List.copyOf(prompts), imageShape, source);
    }

    /**
     * The same images with every row's caption rewritten (an arm of the comparison), prompts regrouped by the new captions.
     * {@code rewrite} receives the row index and the caption, so repeated rows can be rewritten differently (as a
     * randomizer keyed by record id does).
     */
    public TrainingSet withCaptions(final BiFunction<Integer, String, String> rewrite) {
        final Map<String, String> kinds = new LinkedHashMap<>();
        final Map<String, String> originalKinds = new LinkedHashMap<>();
        prompts.forEach(prompt -> originalKinds.put(prompt.caption(), prompt.kind()));
        final List<Row> newRows = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            final Row row = rows.get(i);
            final String caption = rewrite.apply(i, row.caption());
            kinds.putIfAbsent(caption, originalKinds.get(row.caption()));
            newRows.add(new Row(caption, row.image()));
        }
        return of(newRows, imageShape, source, kinds::get);
    }

    /** Training examples for {@link DiffusionTrainer}. */
    public List<DiffusionTrainer.Example> examples() {
        final List<DiffusionTrainer.Example> examples = new ArrayList<>(rows.size());
        for (final Row row : rows) {
            examples.add(new DiffusionTrainer.Example(row.caption(), row.image().pixels()));
        }
        return examples;
    }

    /** Whether every image carries the ground truth needed for twins. */
    public boolean hasTwins() {
        return rows.stream().allMatch(row -> row.image().hasTwins());
    }

    /** {@code count} twins of a synthetic image: same findings, fresh anatomy and texture. */
    public static List<float[]> twins(final Image image, final int count, final int size) {
        return ChestPhantom.renderTwins(image.findings(), image.seed(), count, size, image.hiddenFeature());
    }
}
