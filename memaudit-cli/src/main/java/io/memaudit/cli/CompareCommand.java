package io.memaudit.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.training.ArmComparison;
import io.memaudit.training.ArmStudy;
import io.memaudit.training.ArmStudyReport;
import io.memaudit.training.CaptionArm;
import io.memaudit.training.Experiment;
import io.memaudit.training.ExperimentReport;
import io.memaudit.training.ModelEvaluator;
import io.memaudit.training.TrainingSet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Does retraining on rewritten captions reduce memorization? Fine-tunes one copy of --model per arm on "
                + "the captions that arm produces (same steps, batch, learning rate and seed for every arm), then measures "
                + "each on the training prompts, original and rewritten: dmem, marker-token significance, sample diversity "
                + "and replication rate, against the base model.",
                "Arms: original (control), random-tag, typed-surrogate, remove, recaption, filtered (Wen et al.'s "
                        + "training-time filter). Writes report.md, report.html, report.json, plots/ and the fine-tuned "
                        + "bundles (models/arm-*) to --out, and prints a summary table.",
                "--from-scratch: --model is the start bundle (e.g. models/tiny-init) and every arm trains from it on its own "
                        + "rewritten data for --steps (the base model's full budget): had the data been released rewritten, "
                        + "would the model have memorized less? --seeds 1,2,3: every arm is trained and measured under each "
                        + "seed (training noise, rewrites, sampling; the data file is the same for every seed) and the report "
                        + "gives means with 95 %% intervals and paired differences from the first arm with p-values. Either "
                        + "flag writes that report; each arm x seed is cached under --cache, so an interrupted run resumes."},
        footer = {"", "Examples:", "  memaudit compare --model base --data data --arms original,random-tag,recaption --steps 300 "
                + "--out compare", "  memaudit compare --from-scratch --model models/tiny-init --data data --steps 1500 "
                + "--seeds 1,2,3 --arms original,random-tag --out compare-scratch"})
final class CompareCommand extends MeasuringCommand {


    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Base bundle (e.g. from memaudit train).")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DIR|CSV", description = "The base model's training data.")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Report directory (must not exist or be empty).")
    Path output;

    @Option(names = "--arms", split = ",", paramLabel = "ARM", defaultValue = "original,random-tag,typed-surrogate,remove,recaption,filtered",
            converter = TrainCommand.ArmConverter.class, description = "Arms to run. Default: all.")
    List<CaptionArm> arms;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "300", description = "Fine-tuning steps per arm. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--mitigation-samples", paramLabel = "N", defaultValue = "0",
            description = "Also the inference-time mitigation table with N samples per caption (0: skip). Default: ${DEFAULT-VALUE}.")
    int mitigationSamples;

    @Mixin
    ProgressOption progress;

    @Option(names = "--from-scratch", description = "Train every arm from --model (a start bundle) for --steps instead of "
            + "fine-tuning a trained base.")
    boolean fromScratch;

    @Option(names = "--seeds", split = ",", paramLabel = "S",
            description = "Run every arm under each seed and aggregate (instead of --seed alone).")
    List<Long> seeds;

    @Option(names = "--cache", paramLabel = "DIR", defaultValue = "memaudit-out/cache",
            description = "With --from-scratch or --seeds: where every arm x seed is kept. Default: ${DEFAULT-VALUE}.")
    Path cache;

    @Mixin
    TrainingFlags flags;

    @Override
    int run(final PrintWriter out, final long started) throws Exception {
        if (fromScratch || seeds != null) {
            return study(out, started);
        }
        OptionChecks.requireNewDirectory(spec, "--out", output);
        final ObjectNode provenance = Experiments.provenance("memaudit compare", "memaudit compare: retraining on rewritten captions",
                flags, evaluation);
        provenance.put("base_model", model.toString());
        provenance.put("data", data.toString());
        provenance.put("arm_steps", steps);
        Experiments.writeReport(output, out, directory -> {
            final TrainingSet set = TrainingSet.read(data, Experiments.imageSize(model));
            final Experiment experiment = new Experiment(new ModelEvaluator(evaluation.settings(flags.seed),
                    Experiments.imageSize(model)), new ArmComparison.Settings(steps, flags.batch, flags.learningRate,
                    flags.captionDropout, flags.seed), arms, mitigationSamples, null);
            final ExperimentReport report = experiment.run(model, set, null, provenance, Experiments.describe(set),
                    directory.resolve("models"), stage -> Experiments.stage(out, started, stage),
                    Experiments.progressBars(progress.show()));
            provenance.put("seconds", secondsSince(started));
            return report;
        });
        out.printf(Locale.ROOT, "  written to %s (report.md, report.html, report.json, plots/) in %.0f s%n", output,
                secondsSince(started));
        return 0;
    }

    /** --from-scratch and/or --seeds: an {@link ArmStudy} over the given data, reported with intervals. */
    private int study(final PrintWriter out, final long started) throws Exception {
        final List<Long> studySeeds = seeds != null ? seeds : List.of(flags.seed);
        final ObjectNode provenance = Experiments.provenance("memaudit compare", fromScratch
                ? "memaudit compare --from-scratch: arms trained from the start bundle on their rewritten data"
                : "memaudit compare: arms fine-tuned under several seeds", flags, evaluation);
        provenance.put("command", "memaudit " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        provenance.put("from_scratch", fromScratch);
        provenance.put("start_model", model.toString());
        provenance.put("data", data.toString());
        provenance.put("data_layout", "The data is the same file for every seed; each seed drives training batches and noise, "
                + "the rewrites and the sampling noise of the measurements.");
        provenance.with("training").put("steps", steps);
        final int size = Experiments.imageSize(model);
        final TrainingSet set = TrainingSet.read(data, size);
        final String key = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(
                (java.nio.file.Files.readString(model.resolve("bundle.json")) + model.toAbsolutePath() + fromScratch)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 12);
        final java.nio.file.Path work = cache.resolve("compare-" + key);
        provenance.put("cache", work.toString());
        final List<String> summary = Experiments.describe(set);
        final List<ArmStudy.SeedRun> runs = new ArmStudy(evaluation.settings(0), size, new ArmStudy.Settings(steps, flags.batch,
                flags.learningRate, flags.captionDropout), null).run(model, seed -> new ArmStudy.SeedData(set, summary),
                studySeeds, arms, work, line -> Experiments.stage(out, started, line), Experiments.barsOrLines());
        provenance.put("seconds", secondsSince(started));
        final ArmStudyReport report = new ArmStudyReport(provenance, null, runs, arms.getFirst());
        io.memaudit.core.io.DatasetFiles.writeDirectoryAtomically(output, directory -> {
            report.write(directory);
            return null;
        });
        out.println();
        report.printSummary(out);
        out.printf(Locale.ROOT, "  written to %s (report.md, report.html, report.json, plots/) in %.0f s%n", output,
                secondsSince(started));
        return 0;
    }
}
