package io.memaudit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.core.provenance.Provenance;
import io.memaudit.synthetic.SyntheticChestXrays;
import io.memaudit.training.ArmComparison;
import io.memaudit.training.CaptionArm;
import io.memaudit.training.DiffusionTrainer;
import io.memaudit.training.Experiment;
import io.memaudit.training.ExperimentReport;
import io.memaudit.training.ModelEvaluator;
import io.memaudit.training.StepProgress;
import io.memaudit.training.TrainingSet;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The seed paper in miniature, on CPU, on generated data: synthetic chest radiographs with MIMIC-style "
                + "impressions -> a tiny base model trained until it memorizes (cached) -> dmem for every training caption and "
                + "how well it detects replication (ROC AUC) -> token significance (where does the marker rank?) -> the "
                + "inference-time mitigation table -> retraining arms on rewritten captions -> report.",
                "Writes report.md, report.html, report.json (every figure), plots/, the data and the arms' bundles to --out; "
                        + "the base model is cached under --cache. --quick is a small smoke run (minutes), not a result."},
        footer = {"", "Examples:", "  ./memaudit demo", "  ./memaudit demo --quick --out /tmp/demo"})
final class DemoCommand extends MeasuringCommand {
    private static final Path TINY_INIT = Path.of("models", "tiny-init");


    @Option(names = "--out", paramLabel = "DIR", defaultValue = "memaudit-out/demo",
            description = "Output directory; a previous demo's output there is replaced. Default: ${DEFAULT-VALUE}.")
    Path output;

    @Option(names = "--cache", paramLabel = "DIR", defaultValue = "memaudit-out/cache",
            description = "Where trained models (base and arms) are kept between runs. Default: ${DEFAULT-VALUE}.")
    Path cache;

    @Option(names = "--model", paramLabel = "DIR", description = "Bundle to train the base from. Default: models/tiny-init.")
    Path model;

    @Option(names = "--quick", description = "Small data, short training, few samples: a smoke run of every stage.")
    boolean quick;

    @Option(names = "--base-steps", paramLabel = "N", description = "Base training steps. Default: 3000 (quick: 60).")
    Integer baseSteps;

    @Option(names = "--arm-steps", paramLabel = "N", description = "Fine-tuning steps per arm. Default: 300 (quick: 10).")
    Integer armSteps;

    @Option(names = "--arms", split = ",", paramLabel = "ARM", converter = TrainCommand.ArmConverter.class,
            defaultValue = "original,random-tag,typed-surrogate,remove,recaption,filtered", description = "Arms. Default: all.")
    List<CaptionArm> arms;

    @Option(names = "--mitigation-samples", paramLabel = "N", description = "Samples per caption and mitigation. Default: 8 (quick: 2).")
    Integer mitigationSamples;

    @Mixin
    ProgressOption progress;

    @Mixin
    TrainingFlags flags;

    @Override
    int run(final PrintWriter out, final long started) throws Exception {
        final Path start = model != null ? model : locateTinyInit(spec);
        final int base = baseSteps != null ? baseSteps : quick ? 60 : 3000;
        final int arm = armSteps != null ? armSteps : quick ? 10 : 300;
        final int samples = mitigationSamples != null ? mitigationSamples : quick ? 2 : 8;
        if (quick) {
            quickMeasuring();
        }
        final SyntheticChestXrays.Options dataOptions = quick
                ? new SyntheticChestXrays.Options(32, 3, 3, 2, 0, 6, List.of(1, 4, 8), 0.19, 0.8, flags.seed)
                : SyntheticChestXrays.Options.defaults().withSeed(flags.seed);
        replacePreviousDemo(output);
        final ObjectNode provenance = Experiments.provenance("memaudit demo", "memaudit demo: the seed paper in miniature",
                flags, evaluation);
        provenance.put("summary", "Everything here is generated: synthetic images and captions, a tiny model trained on CPU. "
                + "The marker structure (markers on unique, repeated captions, as in MIMIC-CXR) is modelled on purpose; the "
                + "numbers say what this model does on this data, not what RadEdit does on MIMIC-CXR.");
        provenance.put("quick", quick);
        provenance.put("start_model", start.toString());
        provenance.put("base_steps", base);
        provenance.put("arm_steps", arm);
        Experiments.writeReport(output, out, directory -> {
            final Path data = directory.resolve("data");
            Experiments.stage(out, started, "synthesizing data (seed " + flags.seed + ")");
            SyntheticChestXrays.write(SyntheticChestXrays.generate(dataOptions), data, done -> { });
            final int size = Experiments.imageSize(start);
            final TrainingSet set = TrainingSet.read(data, size);
            final DiffusionTrainer.Options options = new DiffusionTrainer.Options(base, flags.batch, flags.learningRate,
                    flags.captionDropout, flags.seed, Double.NaN, Math.max(1, base / 30));
            final String baseKey = cacheKey(start, set, options);
            final Path baseModel = cache.resolve("base-" + baseKey);
            DiffusionTrainer.Result training = null;
            if (Files.isRegularFile(baseModel.resolve("bundle.json"))) {
                Experiments.stage(out, started, "base model: cached at " + baseModel);
                provenance.put("base_model", baseModel.toString() + " (cached)");
            } else {
                Experiments.stage(out, started, "training the base model: " + base + " steps on " + set.rows().size() + " rows");
                training = trainBase(start, set, options, baseModel);
                provenance.put("base_model", baseModel.toString());
            }
            final ArmComparison.Settings comparison = new ArmComparison.Settings(arm, flags.batch, flags.learningRate,
                    flags.captionDropout, flags.seed);
            final Path armModels = cache.resolve("arms-" + hash(baseKey + comparison));
            provenance.put("arm_models", armModels.toString());
            final Experiment experiment = new Experiment(new ModelEvaluator(evaluation.settings(flags.seed), size),
                    comparison, arms, samples, null);
            final ExperimentReport report = experiment.run(baseModel, set, training, provenance, Experiments.describe(set, output.resolve("data").resolve(SyntheticChestXrays.CAPTIONS_FILE).toString()),
                    armModels, stage -> Experiments.stage(out, started, stage), Experiments.progressBars(showProgress()));
            provenance.put("seconds", secondsSince(started));
            return report;
        });
        out.printf(Locale.ROOT, "%nReport: %s (report.md, report.html, report.json, plots/) in %.0f s%n",
                output.resolve("report.html"), secondsSince(started));
        out.println("One seed and fine-tuned arms are a first look, not a result: for the marker question with several seeds, "
                + "arms trained from scratch and 95 % intervals, see `memaudit experiment --help` and docs/experiments/README.md.");
        return 0;
    }

    private boolean showProgress() {
        return progress.show();
    }

    /** --quick's small measuring settings, for every option the user did not set. */
    private void quickMeasuring() {
        final picocli.CommandLine.ParseResult given = spec.commandLine().getParseResult();
        if (!given.hasMatchedOption("--generations")) {
            evaluation.generations = 2;
        }
        if (!given.hasMatchedOption("--eval-steps")) {
            evaluation.steps = 4;
        }
        if (!given.hasMatchedOption("--replication-samples")) {
            evaluation.replicationSamples = 2;
        }
        if (!given.hasMatchedOption("--twins")) {
            evaluation.twins = 3;
        }
        if (!given.hasMatchedOption("--significance-steps")) {
            evaluation.significanceSteps = 1;
        }
    }

    private DiffusionTrainer.Result trainBase(final Path start, final TrainingSet set, final DiffusionTrainer.Options options,
                                              final Path target) throws Exception {
        try (DiffusionTrainer trainer = new DiffusionTrainer(start, null)) {
            final DiffusionTrainer.Result result;
            try (StepProgress steps = Experiments.progressBars(showProgress()).start("base", options.steps())) {
                result = trainer.train(set.examples(), options, steps);
            }
            final ObjectNode made = Provenance.of("memaudit demo " + MemauditCommand.version());
            made.put("data", "synthetic chest radiographs, seed " + flags.seed);
            Files.createDirectories(target.getParent());
            trainer.save(target, options, result, made);
            return result;
        }
    }

    /** The base model depends on the start bundle, the data and the training options: a hash of all three. */
    private static String cacheKey(final Path start, final TrainingSet set, final DiffusionTrainer.Options options)
            throws Exception {
        return hash(Files.readString(start.resolve("bundle.json")) + DiffusionTrainer.fingerprint(set.examples()) + options);
    }

    private static String hash(final String text) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 16);
    }

    /** models/tiny-init next to the working directory, or next to the jar's checkout. */
    static Path locateTinyInit(final CommandSpec spec) {
        final List<Path> candidates = new ArrayList<>(List.of(TINY_INIT, Path.of("..").resolve(TINY_INIT)));
        try {
            final Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            candidates.add(jar.getParent().getParent().getParent().resolve(TINY_INIT));
        } catch (final Exception e) {
            // not run from a jar: the working directory candidates remain
        }
        for (final Path candidate : candidates) {
            if (Files.isRegularFile(candidate.resolve("bundle.json"))) {
                return candidate;
            }
        }
        throw new ParameterException(spec.commandLine(), "--model: models/tiny-init not found from " + Path.of("").toAbsolutePath()
                + ": run the demo from the memaudit checkout or name a bundle with --model");
    }

    /** A previous demo's output (its report.json names memaudit demo) is replaced; anything else is left alone. */
    private static void replacePreviousDemo(final Path output) throws Exception {
        final Path report = output.resolve("report.json");
        if (!Files.isRegularFile(report)) {
            return;
        }
        final JsonNode previous = new ObjectMapper().readTree(report.toFile());
        if (previous.path("provenance").path("tool").asText().startsWith("memaudit demo")) {
            try (var paths = Files.walk(output)) {
                for (final Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }
}
