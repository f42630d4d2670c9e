package io.memaudit.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.core.io.DatasetFiles;
import io.memaudit.core.provenance.Provenance;
import io.memaudit.synthetic.MarkerDesign;
import io.memaudit.synthetic.SyntheticChestXrays.CaptionKind;
import io.memaudit.synthetic.SyntheticChestXrays.Dataset;
import io.memaudit.synthetic.SyntheticChestXrays.Options;
import io.memaudit.synthetic.SyntheticChestXrays;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "synthesize", mixinStandardHelpOptions = true,
        description = {"Write a synthetic chest-radiograph dataset that a tiny text-to-image model can memorize, with the "
                + "ground truth to check it: procedural grayscale images (images/*.png) and MIMIC-style impressions that name "
                + "their findings (captions.csv).",
                "Common captions are shared by several images with the same findings; unique captions are tied to one image "
                        + "and repeated in the training rows (repeated rows, counts cycling through --unique-repeats). A share "
                        + "of the training rows carries ___ markers, mostly on unique captions as in MIMIC-CXR. Columns: "
                        + "image, prompt, split, caption_id, caption_kind, repeats, has_marker, findings, image_seed, "
                        + "hidden_feature, key, family (the last three: ground truth of the marker designs). The directory "
                        + "appears only when complete; <out>.memaudit.json records how it was made.",
                "--design chooses how markers are laid out, each a declared hypothesis about how a uniform marker could "
                        + "drive memorization:",
                "  baseline: " + io.memaudit.synthetic.DesignTexts.BASELINE_MECHANISM,
                "  marker-feature: " + io.memaudit.synthetic.DesignTexts.MARKER_FEATURE_MECHANISM,
                "  marker-key: " + io.memaudit.synthetic.DesignTexts.MARKER_KEY_MECHANISM,
                "For marker-feature and marker-key the layout flags keep their meaning where it applies (see the README) "
                        + "and default to the design's own layout."},
        footer = {"", "Examples:", "  memaudit synthesize --out synthetic-cxr --seed 7",
                "  memaudit synthesize --design marker-key --out key-cxr --seed 1"})
final class SynthesizeCommand implements Callable<Integer> {
    private static final Options DEFAULTS = Options.defaults();

    @Spec
    CommandSpec spec;

    @Option(names = "--design", paramLabel = "NAME", defaultValue = "baseline",
            converter = ExperimentCommand.DesignConverter.class,
            description = "baseline (today's layout), marker-feature or marker-key. Default: ${DEFAULT-VALUE}.")
    MarkerDesign design;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "New directory to write (must not exist or be empty).")
    Path output;

    @Option(names = "--size", paramLabel = "PIXELS", description = "Image width and height. Default: 32.")
    int size = DEFAULTS.imageSize();

    @Option(names = "--common-captions", paramLabel = "N", description = "Captions shared by several images. Default: 10.")
    int commonCaptions = DEFAULTS.commonCaptions();

    @Option(names = "--images-per-caption", paramLabel = "N", description = "Training images per common caption. Default: 10.")
    int imagesPerCaption = DEFAULTS.imagesPerCommonCaption();

    @Option(names = "--common-repeats", paramLabel = "N", description = "Training rows per common-caption image. Default: 2.")
    int commonRepeats = DEFAULTS.commonRepeats();

    @Option(names = "--held-out", paramLabel = "N", description = "Held-out images (split test) per common caption. Default: 1.")
    int heldOut = DEFAULTS.heldOutPerCommonCaption();

    @Option(names = "--unique-captions", paramLabel = "N", description = "Captions tied to one image each. Default: 30.")
    int uniqueCaptions = DEFAULTS.uniqueCaptions();

    @Option(names = "--unique-repeats", paramLabel = "N,N,...", split = ",", defaultValue = "1,4,12",
            description = "Training rows per unique caption, cycled in caption order. Default: ${DEFAULT-VALUE}.")
    List<Integer> uniqueRepeats;

    @Option(names = "--marker-share", paramLabel = "SHARE", description = "Share of training rows with ___ markers. Default: 0.19.")
    double markerShare = DEFAULTS.markerShare();

    @Option(names = "--marker-concentration", paramLabel = "SHARE",
            description = "Share of the marker rows that belong to unique captions. Default: 0.8.")
    double markerConcentration = DEFAULTS.markerConcentration();

    @Option(names = "--seed", paramLabel = "SEED", description = "Generator seed. Default: 20250207.")
    long seed = DEFAULTS.seed();

    @Mixin
    ProgressOption progress;

    @Override
    public Integer call() throws Exception {
        final Options options = OptionChecks.option(spec, "data options", this::options);
        OptionChecks.requireNewDirectory(spec, "--out", output);
        final Dataset dataset = SyntheticChestXrays.generate(design, options);
        final long started = System.nanoTime();
        final AtomicLong done = new AtomicLong();
        final boolean showProgress = progress.show();
        try (AutoCloseable bar = ProgressBar.start(showProgress, "synthesize", dataset.images().size(), done::get,
                ProgressBar.Unit.items("images"))) {
            DatasetFiles.writeDirectoryAtomically(output, directory -> {
                SyntheticChestXrays.write(dataset, directory, done::set);
                return null;
            });
        }
        writeProvenance(dataset);
        printSummary(dataset, (System.nanoTime() - started) / 1e9);
        return 0;
    }

    /** Baseline: the flags. A marker design: its own layout, with every flag given on the command line applied over it. */
    private Options options() {
        if (design == MarkerDesign.BASELINE) {
            return new Options(size, commonCaptions, imagesPerCaption, commonRepeats, heldOut, uniqueCaptions, uniqueRepeats,
                    markerShare, markerConcentration, seed);
        }
        final Options own = design.options(seed, false);
        final picocli.CommandLine.ParseResult given = spec.commandLine().getParseResult();
        return new Options(given.hasMatchedOption("--size") ? size : own.imageSize(),
                given.hasMatchedOption("--common-captions") ? commonCaptions : own.commonCaptions(),
                given.hasMatchedOption("--images-per-caption") ? imagesPerCaption : own.imagesPerCommonCaption(),
                given.hasMatchedOption("--common-repeats") ? commonRepeats : own.commonRepeats(),
                given.hasMatchedOption("--held-out") ? heldOut : own.heldOutPerCommonCaption(),
                given.hasMatchedOption("--unique-captions") ? uniqueCaptions : own.uniqueCaptions(),
                given.hasMatchedOption("--unique-repeats") ? uniqueRepeats : own.uniqueRepeats(),
                given.hasMatchedOption("--marker-share") ? markerShare : own.markerShare(),
                given.hasMatchedOption("--marker-concentration") ? markerConcentration : own.markerConcentration(), seed);
    }

    private void printSummary(final Dataset dataset, final double seconds) {
        final Options options = dataset.options();
        final PrintWriter out = spec.commandLine().getOut();
        final long heldOutImages = dataset.images().stream().filter(image -> image.trainingRows() == 0).count();
        final int markerRows = (int) Math.round(dataset.markerShare() * dataset.trainingRows());
        out.printf(Locale.ROOT, "Wrote %,d images (%dx%d) and %,d rows of %s to %s in %.1f s (seed %d)%n",
                dataset.images().size(), options.imageSize(), options.imageSize(), dataset.rows(),
                SyntheticChestXrays.CAPTIONS_FILE, output, seconds, options.seed());
        if (design == MarkerDesign.BASELINE) {
            out.printf(Locale.ROOT, "  training rows %,d: common %d captions x %d images x %d rows = %,d; unique %d captions "
                            + "(repeats %s) = %,d; held out: %,d images%n", dataset.trainingRows(), options.commonCaptions(),
                    options.imagesPerCommonCaption(), options.commonRepeats(), rowsOf(dataset, CaptionKind.COMMON),
                    options.uniqueCaptions(), String.join("/", options.uniqueRepeats().stream().map(String::valueOf).toList()),
                    rowsOf(dataset, CaptionKind.UNIQUE), heldOutImages);
            out.printf(Locale.ROOT, "  markers: %,d of %,d training rows (%.1f%%, target %.1f%%), %.1f%% of them on unique "
                            + "captions (target %.1f%%); %d of %d captions carry them%n", markerRows, dataset.trainingRows(),
                    100 * dataset.markerShare(), 100 * options.markerShare(), 100 * dataset.markerConcentration(),
                    100 * options.markerConcentration(), dataset.captions().stream().filter(SyntheticChestXrays.Caption::hasMarker).count(),
                    dataset.captions().size());
        } else {
            out.printf(Locale.ROOT, "  training rows %,d; %.1f%% of them carry ___ markers%n", dataset.trainingRows(),
                    100 * dataset.markerShare());
        }
        out.printf(Locale.ROOT, "  design %s: %.1f%% of distinct captions marked (%d shared by several images); %d key captions; "
                        + "%d images carry the hidden device%n  mechanism: %s%n", design.displayName(),
                100 * dataset.markedCaptionShare(), dataset.captions().stream().filter(caption -> caption.hasMarker()
                        && dataset.images().stream().filter(image -> image.caption() == caption).count() > 1).count(),
                dataset.captions().stream().filter(SyntheticChestXrays.Caption::key).count(),
                dataset.images().stream().filter(SyntheticChestXrays.Image::hiddenFeature).count(), design.mechanism());
        out.flush();
    }

    private static int rowsOf(final Dataset dataset, final CaptionKind kind) {
        return dataset.images().stream().filter(image -> image.caption().kind() == kind)
                .mapToInt(SyntheticChestXrays.Image::trainingRows).sum();
    }

    /** Records how the dataset was made, next to it: every option, the counts, the tool version and the time. */
    private void writeProvenance(final Dataset dataset) throws Exception {
        final Options options = dataset.options();
        final Path provenance = output.resolveSibling(output.getFileName() + ".memaudit.json");
        final ObjectNode made = Provenance.of("memaudit synthesize " + MemauditCommand.version());
        made.put("generator", SyntheticChestXrays.class.getName());
        made.put("design", design.displayName());
        made.put("mechanism", design.mechanism());
        made.put("what_arms_leave", design.whatArmsLeave());
        made.put("seed", options.seed());
        made.put("image_size", options.imageSize());
        made.put("common_captions", options.commonCaptions());
        made.put("images_per_common_caption", options.imagesPerCommonCaption());
        made.put("common_repeats", options.commonRepeats());
        made.put("held_out_per_common_caption", options.heldOutPerCommonCaption());
        made.put("unique_captions", options.uniqueCaptions());
        final ArrayNode repeats = made.putArray("unique_repeats");
        for (final int repeat : options.uniqueRepeats()) {
            repeats.add(repeat);
        }
        made.put("marker_share_target", options.markerShare());
        made.put("marker_concentration_target", options.markerConcentration());
        made.put("images", dataset.images().size());
        made.put("rows", dataset.rows());
        made.put("training_rows", dataset.trainingRows());
        made.put("marker_share", dataset.markerShare());
        made.put("marker_concentration", dataset.markerConcentration());
        Provenance.write(provenance, made);
    }
}
