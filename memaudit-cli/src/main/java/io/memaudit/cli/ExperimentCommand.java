package io.memaudit.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.core.io.DatasetFiles;
import io.memaudit.core.provenance.Provenance;
import io.memaudit.diffusion.TorchRuntime;
import io.memaudit.synthetic.DesignTexts;
import io.memaudit.synthetic.MarkerDesign;
import io.memaudit.synthetic.SyntheticChestXrays;
import io.memaudit.training.ArmStudy;
import io.memaudit.training.ArmStudyReport;
import io.memaudit.training.CaptionArm;
import io.memaudit.training.TrainingSet;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = {"The marker experiment in one command: for each seed, synthesize the design's data (redrawn per seed), "
                + "train one model per arm from the start bundle on the data as that arm rewrites it (same full budget for "
                + "every arm), measure each on the original and the rewritten captions, and report means with 95 %% "
                + "intervals, paired differences from the control arm with sign-flip p-values, and replication detection "
                + "per seed and pooled.",
                "Designs (the declared mechanism is written into every report):",
                "  baseline: " + DesignTexts.BASELINE_MECHANISM,
                "  marker-feature: " + DesignTexts.MARKER_FEATURE_MECHANISM,
                "  marker-key: " + DesignTexts.MARKER_KEY_MECHANISM,
                "Every arm x seed is cached under --cache (model and measurements), so an interrupted run resumes and a "
                        + "finished one re-reports at once. Progress: a bar per training run in a terminal, a line per tenth "
                        + "in a log. Writes report.md, report.html, report.json and plots/ to --out."},
        footer = {"", "Examples:", "  ./memaudit experiment --design marker-key --seeds 1,2,3 --out memaudit-out/exp-marker-key",
                "  ./memaudit experiment --design marker-feature --quick --out /tmp/exp"})
final class ExperimentCommand extends MeasuringCommand {


    @Option(names = "--design", paramLabel = "NAME", defaultValue = "marker-key", converter = DesignConverter.class,
            description = "baseline, marker-feature or marker-key. Default: ${DEFAULT-VALUE}.")
    MarkerDesign design;

    @Option(names = "--seeds", split = ",", paramLabel = "S", defaultValue = "1,2,3",
            description = "Seeds; each draws its own data, training noise, rewrites and sampling noise. Default: ${DEFAULT-VALUE}.")
    List<Long> seeds;

    @Option(names = "--out", paramLabel = "DIR", description = "Report directory (must not exist or be empty). "
            + "Default: memaudit-out/exp-<design>.")
    Path output;

    @Option(names = "--cache", paramLabel = "DIR", defaultValue = "memaudit-out/cache",
            description = "Where data, models and measurements of every arm x seed are kept. Default: ${DEFAULT-VALUE}.")
    Path cache;

    @Option(names = "--model", paramLabel = "DIR", description = "Start bundle every arm trains from. Default: models/tiny-init.")
    Path model;

    @Option(names = "--arms", split = ",", paramLabel = "ARM", converter = TrainCommand.ArmConverter.class,
            defaultValue = "original,random-tag,remove",
            description = "Arms; the first is the control. Default: ${DEFAULT-VALUE}.")
    List<CaptionArm> arms;

    @Option(names = "--steps", paramLabel = "N", description = "Training steps per arm from scratch. Default: 2000, the "
            + "published runs' budget, at which the tiny models memorize (quick: 40).")
    Integer steps;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32", description = "Examples per step. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "1e-3", description = "Adam learning rate. Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--caption-dropout", paramLabel = "P", defaultValue = "0.1",
            description = "Probability of training a pair on the empty prompt. Default: ${DEFAULT-VALUE}.")
    double captionDropout;

    @Option(names = "--quick", description = "The design's small layout, short training, few samples: a smoke run, not a result.")
    boolean quick;

    @Option(names = "--cached-only", description = "Train nothing: report the arm x seed runs already measured in --cache "
            + "(what an interrupted run, or runs split over several processes, have done so far).")
    boolean cachedOnly;

    @Override
    int run(final PrintWriter out, final long started) throws Exception {
        final Path start = model != null ? model : DemoCommand.locateTinyInit(spec);
        final int trainingSteps = steps != null ? steps : quick ? 40 : 2000;
        if (quick) {
            evaluation.generations = 2;
            evaluation.steps = 4;
            evaluation.replicationSamples = 2;
            evaluation.twins = 3;
            evaluation.significanceSteps = 1;
        }
        final Path target = output != null ? output : Path.of("memaudit-out", "exp-" + design.displayName());
        final SyntheticChestXrays.Options layout = design.options(0, quick);
        final ObjectNode provenance = Provenance.of("memaudit experiment " + MemauditCommand.version());
        provenance.put("title", "Marker experiment: " + design.displayName() + (quick ? " (quick smoke run, not a result)" : ""));
        provenance.put("command", "memaudit " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        provenance.put("summary", "Everything here is generated: synthetic images and captions, tiny models trained from scratch "
                + "on CPU. The marker mechanism is built into the data on purpose (the design below); the numbers say what "
                + "this model does on this data, not what RadEdit does on MIMIC-CXR.");
        provenance.put("design", design.displayName());
        provenance.put("mechanism", design.mechanism());
        provenance.put("data_layout", "The data is redrawn for every seed: seed S generates the design's dataset (same layout, "
                + "new findings, wording and images), and also drives training batches and noise, the rewrites and the "
                + "sampling noise of the measurements. Seeds are the unit of replication.");
        provenance.put("from_scratch", true);
        provenance.put("start_model", start.toString());
        provenance.put("quick", quick);
        final ObjectNode options = provenance.putObject("data_options");
        options.put("common_captions", layout.commonCaptions());
        options.put("images_per_common_caption", layout.imagesPerCommonCaption());
        options.put("common_repeats", layout.commonRepeats());
        options.put("unique_captions", layout.uniqueCaptions());
        options.put("unique_repeats", layout.uniqueRepeats().toString());
        options.put("marker_share", layout.markerShare());
        final ObjectNode training = provenance.putObject("training");
        training.put("steps", trainingSteps);
        training.put("batch", batch);
        training.put("learning_rate", learningRate);
        training.put("caption_dropout", captionDropout);
        TorchRuntime.describeEngine(training);
        evaluation.describe(provenance.putObject("measuring"));
        final int size = Experiments.imageSize(start);
        final Path work = cache.resolve("experiment-" + design.displayName() + "-" + hash(Files.readString(start.resolve("bundle.json"))
                + layout.withSeed(0) + quick));
        provenance.put("cache", work.toString());
        final ArmStudy study = new ArmStudy(evaluation.settings(0), size,
                new ArmStudy.Settings(trainingSteps, batch, learningRate, captionDropout), null);
        final ArmStudy.DataSource source = seed -> {
            final Path data = work.resolve("data-seed-" + seed);
            if (!Files.isRegularFile(data.resolve(SyntheticChestXrays.CAPTIONS_FILE))) {
                Experiments.stage(out, started, "seed " + seed + ": synthesizing " + design.displayName() + " data");
                DatasetFiles.writeDirectoryAtomically(data, directory -> {
                    SyntheticChestXrays.write(SyntheticChestXrays.generate(design, design.options(seed, quick)), directory,
                            done -> { });
                    return null;
                });
            }
            final TrainingSet set = TrainingSet.read(data, size);
            return new ArmStudy.SeedData(set, describe(set, design.options(seed, quick), seed));
        };
        Experiments.stage(out, started, String.format(Locale.ROOT, "%s: seeds %s, arms %s, %d steps each from %s", design.displayName(),
                seeds, arms.stream().map(CaptionArm::displayName).toList(), trainingSteps, start));
        final List<ArmStudy.SeedRun> runs = study.run(start, source, seeds, arms, work,
                line -> Experiments.stage(out, started, line), Experiments.barsOrLines(), cachedOnly);
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("Nothing measured yet in " + work + ": run without --cached-only first");
        }
        provenance.put("seconds", secondsSince(started));
        final ArmStudyReport report = new ArmStudyReport(provenance, design, runs, arms.getFirst());
        DatasetFiles.writeDirectoryAtomically(target, directory -> {
            report.write(directory);
            return null;
        });
        out.println();
        report.printSummary(out);
        out.printf(Locale.ROOT, "%nReport: %s (report.md, report.html, report.json, plots/) in %.0f s%n", target.resolve("report.md"),
                secondsSince(started));
        return 0;
    }

    /** Facts about one seed's data: rows, captions, marker shares by rows and by captions, keys, device images. */
    static List<String> describe(final TrainingSet set, final SyntheticChestXrays.Options options, final long seed) {
        final List<String> lines = new ArrayList<>(Experiments.describe(set));
        final long marked = set.prompts().stream().filter(prompt -> prompt.caption().contains("___")).count();
        final long markedShared = set.prompts().stream().filter(prompt -> prompt.caption().contains("___")
                && prompt.images().size() > 1).count();
        final long keys = set.prompts().stream().filter(TrainingSet.Prompt::key).count();
        final long device = set.rows().stream().map(TrainingSet.Row::image).distinct().filter(TrainingSet.Image::hiddenFeature).count();
        lines.add(String.format(Locale.ROOT, "%d of %d distinct captions (%.1f%%) carry markers, %d of them shared by several "
                + "images; %d key captions; %d images carry the hidden device", marked, set.prompts().size(),
                100.0 * marked / set.prompts().size(), markedShared, keys, device));
        return lines;
    }

    private static String hash(final String text) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 12);
    }

    /** Parses --design names. */
    static final class DesignConverter implements CommandLine.ITypeConverter<MarkerDesign> {
        @Override
        public MarkerDesign convert(final String value) {
            return MarkerDesign.fromName(value);
        }
    }
}
