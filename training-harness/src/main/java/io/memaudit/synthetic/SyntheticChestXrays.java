package io.memaudit.synthetic;

import io.memaudit.training.GrayscaleImages;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * A synthetic text-to-image dataset built to be memorized by a tiny diffusion model, with the ground truth to check it:
 * procedural chest radiographs ({@link ChestPhantom}) with MIMIC-style impressions that name exactly the findings drawn.
 *
 * <p>Duplication structure (see {@code TOY-MEMORIZATION.md}): <em>common</em> captions are each shared by several
 * different images with the same findings (a caption the model can generalise), <em>unique</em> captions are each tied to
 * one image and repeated in the training rows with repeat counts cycling through {@link Options#uniqueRepeats()} (so both
 * memorized and non-memorized unique prompts exist). Both kinds come from one caption generator, so common captions are
 * as long and specific as unique ones (the caption-specificity trap).
 *
 * <p>De-identification markers ({@code ___}) model real MIMIC-CXR's structure explicitly: they do not make a caption
 * memorized by themselves, but in MIMIC-CXR they sit mostly on long, image-specific impressions (comparisons with dated
 * studies, results called to a named doctor). Here a share {@link Options#markerShare()} of the training rows carries
 * markers, and {@link Options#markerConcentration()} of those rows belong to unique captions.
 *
 * <p>Repetition is written as repeated rows of {@code captions.csv} (an image with {@code repeats = 12} has 12 identical
 * training rows), so any loader that reads the rows sees it; the {@code repeats} column records the count for analysis.
 * Deterministic for given options.
 *
 * <p>{@link #generate(MarkerDesign, Options)} lays the markers out by a declared {@link MarkerDesign}; the
 * ground-truth columns {@code hidden_feature} (the image carries the marker-feature design's hidden device), {@code key}
 * (the caption is a marker-key design's key) and {@code family} (images sharing one findings text) say where the
 * mechanism sits.
 */
public final class SyntheticChestXrays {
    /** The columns of {@code captions.csv}. */
    public static final List<String> COLUMNS = List.of("image", "prompt", "split", "caption_id", "caption_kind", "repeats",
            "has_marker", "findings", "image_seed", "hidden_feature", "key", "family");
    /** The caption file's name inside the dataset directory. */
    public static final String CAPTIONS_FILE = "captions.csv";
    /** Split names. */
    public static final String TRAIN = "train";
    public static final String HELD_OUT = "test";
    /**
     * Most tokens a caption may have without [CLS] and [SEP], so that it fits {@code models/tiny-init}'s
     * {@code text_max_length} of 48 untruncated.
     */
    public static final int MAX_CAPTION_TOKENS = 46;

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9]+|[^\\sA-Za-z0-9]");
    static final List<String> VIEWS = List.of("Portable AP chest radiograph.", "PA and lateral chest radiographs.",
            "Portable AP view of the chest.", "PA and lateral views of the chest.");
    private static final List<String> LEADS = List.of("Compared to the prior study,", "Since the prior radiograph,",
            "Compared to the prior radiograph,");
    private static final List<String> MARKER_LEADS = List.of("Compared to ___,", "Since ___,", "Compared to the study from ___,");
    private static final List<String> NOTES = List.of("Findings discussed with the doctor by telephone.",
            "Findings communicated to the doctor by telephone.");
    private static final List<String> MARKER_NOTES = List.of("Findings discussed with Dr. ___ by telephone at ___.",
            "Findings communicated to Dr. ___ at ___ on ___.", "Dr. ___ was notified at ___.");
    private static final List<String> COURSES = List.of("new", "increased", "decreased", "unchanged", "stable", "similar");

    private SyntheticChestXrays() {
    }

    /** Whether a caption is shared by several images or tied to one. */
    public enum CaptionKind {
        COMMON, UNIQUE;

        /** The name in {@code captions.csv}. */
        public String csvName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * How the dataset is made.
     *
     * @param imageSize width and height of the images in pixels
     * @param commonCaptions number of common captions
     * @param imagesPerCommonCaption training images sharing each common caption
     * @param commonRepeats training rows per common-caption image
     * @param heldOutPerCommonCaption extra images per common caption in the held-out split (not trained on)
     * @param uniqueCaptions number of unique captions, one image each
     * @param uniqueRepeats training rows per unique caption, cycled through in caption order
     * @param markerShare target share of training rows whose caption carries {@code ___} markers
     * @param markerConcentration target share of the marker rows that belong to unique captions
     * @param seed generator seed
     */
    public record Options(int imageSize, int commonCaptions, int imagesPerCommonCaption, int commonRepeats,
                          int heldOutPerCommonCaption, int uniqueCaptions, List<Integer> uniqueRepeats, double markerShare,
                          double markerConcentration, long seed) {
        public static final long DEFAULT_SEED = 20250207L;

        public Options {
            positive("image size", imageSize, 8);
            positive("common captions", commonCaptions, 0);
            positive("images per common caption", imagesPerCommonCaption, 1);
            positive("common repeats", commonRepeats, 1);
            positive("held-out images per common caption", heldOutPerCommonCaption, 0);
            positive("unique captions", uniqueCaptions, 0);
            uniqueRepeats = List.copyOf(uniqueRepeats);
            if (uniqueRepeats.isEmpty() || uniqueRepeats.stream().anyMatch(repeats -> repeats < 1)) {
                throw new IllegalArgumentException("Unique repeats " + uniqueRepeats + " must be one or more counts of at least 1");
            }
            if (!(markerShare >= 0 && markerShare <= 1)) {
                throw new IllegalArgumentException("Marker share " + markerShare + " must be between 0 and 1");
            }
            if (!(markerConcentration >= 0 && markerConcentration <= 1)) {
                throw new IllegalArgumentException("Marker concentration " + markerConcentration + " must be between 0 and 1");
            }
        }

        /**
         * 32x32 images; 10 common captions x 10 images x 2 rows, 1 held-out image each; 30 unique captions repeated 1, 4
         * and 12 times; 19 % of rows with markers, 80 % of them on unique captions. That is 140 images and 370 training rows.
         */
        public static Options defaults() {
            return new Options(32, 10, 10, 2, 1, 30, List.of(1, 4, 12), 0.19, 0.8, DEFAULT_SEED);
        }

        public Options withSeed(final long newSeed) {
            return new Options(imageSize, commonCaptions, imagesPerCommonCaption, commonRepeats, heldOutPerCommonCaption,
                    uniqueCaptions, uniqueRepeats, markerShare, markerConcentration, newSeed);
        }

        public Options withMarkers(final double share, final double concentration) {
            return new Options(imageSize, commonCaptions, imagesPerCommonCaption, commonRepeats, heldOutPerCommonCaption,
                    uniqueCaptions, uniqueRepeats, share, concentration, seed);
        }

        private static void positive(final String name, final int value, final int minimum) {
            if (value < minimum) {
                throw new IllegalArgumentException("The number of " + name + " (" + value + ") must be at least " + minimum);
            }
        }
    }

    /** One caption: its id ({@code c03}, {@code u17}), kind, text, the findings it names, its training rows per image. */
    public record Caption(String id, CaptionKind kind, String text, List<Finding> findings, int repeats, boolean hasMarker,
                          boolean key, String family) {
        public Caption {
            findings = List.copyOf(findings);
        }

        /** A caption outside any family and not a key. */
        public Caption(final String id, final CaptionKind kind, final String text, final List<Finding> findings, final int repeats,
                       final boolean hasMarker) {
            this(id, kind, text, findings, repeats, hasMarker, false, "");
        }
    }

    /** One image: its path relative to the dataset directory, its caption, its own seed, and its split. */
    public record Image(String path, Caption caption, long seed, String split, boolean hiddenFeature) {
        /** An image without the hidden device. */
        public Image(final String path, final Caption caption, final long seed, final String split) {
            this(path, caption, seed, split, false);
        }

        /** Training rows of this image (0 for a held-out image). */
        public int trainingRows() {
            return split.equals(TRAIN) ? caption.repeats() : 0;
        }
    }

    /** A generated dataset (captions and images, not yet rendered). */
    public record Dataset(Options options, List<Caption> captions, List<Image> images, MarkerDesign design) {
        public Dataset {
            captions = List.copyOf(captions);
            images = List.copyOf(images);
        }

        /** A baseline-design dataset. */
        public Dataset(final Options options, final List<Caption> captions, final List<Image> images) {
            this(options, captions, images, MarkerDesign.BASELINE);
        }

        /** Share of distinct captions that carry markers. */
        public double markedCaptionShare() {
            return captions.isEmpty() ? 0 : captions.stream().filter(Caption::hasMarker).count() / (double) captions.size();
        }

        /** Rows of {@code captions.csv}: every training image {@code repeats} times, every held-out image once. */
        public int rows() {
            return images.stream().mapToInt(image -> Math.max(1, image.trainingRows())).sum();
        }

        public int trainingRows() {
            return images.stream().mapToInt(Image::trainingRows).sum();
        }

        /** Share of training rows whose caption carries markers. */
        public double markerShare() {
            return share(images.stream().filter(image -> image.caption().hasMarker()).mapToInt(Image::trainingRows).sum(),
                    trainingRows());
        }

        /** Share of the marker-carrying training rows that belong to unique captions (0 when there are none). */
        public double markerConcentration() {
            final int markerRows = images.stream().filter(image -> image.caption().hasMarker()).mapToInt(Image::trainingRows).sum();
            return share(images.stream().filter(image -> image.caption().hasMarker() && image.caption().kind() == CaptionKind.UNIQUE)
                    .mapToInt(Image::trainingRows).sum(), markerRows);
        }

        /** The pixels of {@code image}, in [0, 1], row by row. */
        public float[] render(final Image image) {
            return ChestPhantom.render(image.caption().findings(), image.seed(), options.imageSize(), image.hiddenFeature());
        }

        private static double share(final int part, final int whole) {
            return whole == 0 ? 0 : part / (double) whole;
        }
    }

    /** Generates a dataset of {@code design} (see {@link MarkerDesign#options} for what the options mean there). */
    public static Dataset generate(final MarkerDesign design, final Options options) {
        return switch (design) {
            case BASELINE -> generate(options);
            case MARKER_FEATURE -> DesignedDatasets.markerFeature(options);
            case MARKER_KEY -> DesignedDatasets.markerKey(options);
        };
    }

    /** Generates captions and image seeds for {@code options} (nothing is rendered yet): the baseline design. */
    public static Dataset generate(final Options options) {
        final SplittableRandom random = new SplittableRandom(options.seed());
        final int commonRows = options.imagesPerCommonCaption() * options.commonRepeats();
        final int uniqueRows = uniqueRepeatsTotal(options);
        final int trainingRows = options.commonCaptions() * commonRows + uniqueRows;
        final double markerRows = options.markerShare() * trainingRows;
        // common captions take the share of marker rows they are allotted, unique captions make up the rest
        final boolean[] commonMarkers = chooseMarkers(options.commonCaptions(), index -> commonRows,
                markerRows * (1 - options.markerConcentration()));
        final int commonMarkerRows = count(commonMarkers) * commonRows;
        final boolean[] uniqueMarkers = chooseMarkers(options.uniqueCaptions(), index -> uniqueRepeats(options, index),
                markerRows - commonMarkerRows);

        final Set<String> texts = new HashSet<>();
        final List<Caption> captions = new ArrayList<>();
        final List<Image> images = new ArrayList<>();
        for (int c = 0; c < options.commonCaptions(); c++) {
            final Caption caption = caption(String.format(Locale.ROOT, "c%02d", c), CaptionKind.COMMON, options.commonRepeats(),
                    commonMarkers[c], random, texts);
            captions.add(caption);
            for (int i = 0; i < options.imagesPerCommonCaption(); i++) {
                images.add(new Image(String.format(Locale.ROOT, "images/%s-%02d.png", caption.id(), i), caption,
                        random.nextLong(), TRAIN));
            }
            for (int i = 0; i < options.heldOutPerCommonCaption(); i++) {
                images.add(new Image(String.format(Locale.ROOT, "images/%s-h%02d.png", caption.id(), i), caption,
                        random.nextLong(), HELD_OUT));
            }
        }
        for (int u = 0; u < options.uniqueCaptions(); u++) {
            final Caption caption = caption(String.format(Locale.ROOT, "u%02d", u), CaptionKind.UNIQUE,
                    uniqueRepeats(options, u), uniqueMarkers[u], random, texts);
            captions.add(caption);
            images.add(new Image("images/" + caption.id() + ".png", caption, random.nextLong(), TRAIN));
        }
        return new Dataset(options, captions, images);
    }

    /**
     * Renders every image into {@code directory}{@code /images} and writes {@code captions.csv} (columns {@link #COLUMNS}).
     * The directory should be new; {@code progress} receives the number of images written so far.
     */
    public static void write(final Dataset dataset, final Path directory, final IntConsumer progress) throws IOException {
        Files.createDirectories(directory.resolve("images"));
        final int size = dataset.options().imageSize();
        int written = 0;
        for (final Image image : dataset.images()) {
            try (OutputStream out = Files.newOutputStream(directory.resolve(image.path()))) {
                GrayscaleImages.writePng(out, dataset.render(image), size, size);
            }
            progress.accept(++written);
        }
        try (Writer writer = new OutputStreamWriter(Files.newOutputStream(directory.resolve(CAPTIONS_FILE)), StandardCharsets.UTF_8);
             CSVPrinter csv = new CSVPrinter(writer, CSVFormat.RFC4180.builder().setRecordSeparator('\n').get())) {
            csv.printRecord(COLUMNS);
            for (final Image image : dataset.images()) {
                final Caption caption = image.caption();
                for (int row = 0; row < Math.max(1, image.trainingRows()); row++) {
                    csv.printRecord(image.path(), caption.text(), image.split(), caption.id(), caption.kind().csvName(),
                            image.trainingRows(), caption.hasMarker(), Finding.format(caption.findings()), image.seed(),
                            image.hiddenFeature(), caption.key(), caption.family());
                }
            }
        }
    }

    /** Number of word pieces a caption makes with the tiny model's tokenizer (every word used here is in its vocabulary). */
    public static int tokenCount(final String caption) {
        final Matcher matcher = TOKEN.matcher(caption);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    private static int uniqueRepeats(final Options options, final int index) {
        return options.uniqueRepeats().get(index % options.uniqueRepeats().size());
    }

    private static int uniqueRepeatsTotal(final Options options) {
        int total = 0;
        for (int u = 0; u < options.uniqueCaptions(); u++) {
            total += uniqueRepeats(options, u);
        }
        return total;
    }

    /** Marks captions in order while that brings their rows closer to {@code target} rows. */
    private static boolean[] chooseMarkers(final int captions, final java.util.function.IntUnaryOperator rows, final double target) {
        final boolean[] chosen = new boolean[captions];
        double sum = 0;
        for (int i = 0; i < captions; i++) {
            final int add = rows.applyAsInt(i);
            if (Math.abs(target - (sum + add)) < Math.abs(target - sum)) {
                chosen[i] = true;
                sum += add;
            }
        }
        return chosen;
    }

    private static int count(final boolean[] values) {
        int count = 0;
        for (final boolean value : values) {
            count += value ? 1 : 0;
        }
        return count;
    }

    private static Caption caption(final String id, final CaptionKind kind, final int repeats, final boolean marker,
                                   final SplittableRandom random, final Set<String> texts) {
        while (true) {
            final List<Finding> findings = findings(random);
            final String text = impression(findings, marker, random);
            if (tokenCount(text) <= MAX_CAPTION_TOKENS && texts.add(text)) {
                return new Caption(id, kind, text, findings, repeats, marker);
            }
        }
    }

    /** None (a normal study, 10 %), one (55 %) or two (35 %) findings of different kinds. */
    static List<Finding> findings(final SplittableRandom random) {
        final double draw = random.nextDouble();
        final int count = draw < 0.10 ? 0 : draw < 0.65 ? 1 : 2;
        final List<Finding.Kind> kinds = new ArrayList<>(List.of(Finding.Kind.values()));
        final List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            final Finding.Kind kind = kinds.remove(random.nextInt(kinds.size()));
            findings.add(new Finding(kind, pick(kind.sites(), random), pick(kind.grades(), random)));
        }
        return findings;
    }

    /**
     * An impression naming exactly {@code findings}: the view, a comparison, one sentence per finding (grade, site, a
     * measurement or an interpretation, the course), sometimes a note that the findings were called in. With
     * {@code marker}, the comparison and the note carry {@code ___} where MIMIC-CXR would have removed a date or a name.
     */
    private static String impression(final List<Finding> findings, final boolean marker, final SplittableRandom random) {
        final List<String> sentences = new ArrayList<>();
        sentences.add(pick(VIEWS, random));
        final String lead = pick(marker ? MARKER_LEADS : LEADS, random);
        if (findings.isEmpty()) {
            sentences.add(lead + " " + pick(List.of("no acute cardiopulmonary process.", "no acute intrathoracic process."), random)
                    + " Heart size is normal. The mediastinal and hilar contours are unremarkable.");
        }
        for (int i = 0; i < findings.size(); i++) {
            final String sentence = describe(findings.get(i), random);
            sentences.add(i == 0 ? lead + " " + sentence : capitalize(sentence));
        }
        if (marker ? random.nextDouble() < 0.5 : random.nextDouble() < 0.3) {
            sentences.add(pick(marker ? MARKER_NOTES : NOTES, random));
        }
        return String.join(" ", sentences);
    }

    static String describe(final Finding finding, final SplittableRandom random) {
        final String side = finding.site().right() && finding.site().left() ? "bilateral" : finding.site().right() ? "right" : "left";
        final String size = switch (finding.grade()) {
            case SMALL -> "small";
            case MODERATE -> "moderate";
            case LARGE -> "large";
            case NONE -> "";
        };
        final String course = pick(COURSES, random);
        final String measurement = "measuring approximately " + (2 * finding.grade().level() - 1 + random.nextInt(2)) + " cm";
        return switch (finding.kind()) {
            case EFFUSION -> size + " " + side + (side.equals("bilateral") ? " pleural effusions" : " pleural effusion")
                    + (random.nextBoolean() ? (side.equals("bilateral") ? " with bibasilar atelectasis" : " with basilar atelectasis")
                    : "") + ", " + course + ".";
            case CARDIOMEGALY -> switch (finding.grade()) {
                case SMALL -> "mild";
                case MODERATE -> "moderate";
                default -> "severe";
            } + " cardiomegaly, " + course + ".";
            case OPACITY -> size + " " + side + (finding.site().upper() ? " upper" : " lower") + " lobe opacity"
                    + (random.nextBoolean() ? " " + measurement : "") + ", " + pick(List.of("concerning for pneumonia",
                    "may reflect atelectasis", "likely atelectasis"), random) + ", " + course + ".";
            case PNEUMOTHORAX -> size + " " + side + " apical pneumothorax " + measurement + ", " + course + ".";
            case TUBE -> finding.site() == Finding.Site.MIDLINE
                    ? "endotracheal tube tip terminates approximately " + (2 + random.nextInt(5)) + " cm above the carina."
                    : side + " internal jugular central venous catheter tip in standard position.";
        };
    }

    static String capitalize(final String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    static <T> T pick(final List<T> values, final SplittableRandom random) {
        return values.get(random.nextInt(values.size()));
    }
}
