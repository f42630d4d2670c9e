package io.memaudit.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.training.ArmComparison;
import io.memaudit.training.CaptionArm;
import io.memaudit.training.Experiment;
import io.memaudit.training.ExperimentReport;
import io.memaudit.training.ModelEvaluator;
import io.memaudit.training.TrainingSet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Does retraining on rewritten captions reduce memorization? Fine-tunes one copy of --model per arm on "
                + "the captions that arm produces (same steps, batch, learning rate and seed for every arm), then measures "
                + "each on the training prompts, original and rewritten: dmem, marker-token significance, sample diversity "
                + "and replication rate, against the base model.",
                "Arms: original (control), random-tag, typed-surrogate, remove, recaption, filtered (Wen et al.'s "
                        + "training-time filter). Writes report.md, report.html, report.json, plots/ and the fine-tuned "
                        + "bundles (models/arm-*) to --out, and prints a summary table."},
        footer = {"", "Example:", "  memaudit compare --model base --data data --arms original,random-tag,recaption --steps 300 "
                + "--out compare"})
final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

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

    @Mixin
    TrainingFlags flags;

    @Mixin
    EvaluationOptions evaluation;

    @Override
    public Integer call() throws Exception {
        OptionChecks.requireNewDirectory(spec, "--out", output);
        final PrintWriter out = spec.commandLine().getOut();
        final long started = System.nanoTime();
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
            provenance.put("seconds", (System.nanoTime() - started) / 1e9);
            return report;
        });
        out.printf(Locale.ROOT, "  written to %s (report.md, report.html, report.json, plots/) in %.0f s%n", output,
                (System.nanoTime() - started) / 1e9);
        return 0;
    }
}
