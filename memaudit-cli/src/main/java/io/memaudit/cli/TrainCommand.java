package io.memaudit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.training.CaptionArm;
import io.memaudit.training.DiffusionTrainer;
import io.memaudit.training.StepProgress;
import io.memaudit.training.TrainingSet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train (fine-tune) a model bundle's text encoder and UNet on captioned images with DJL: the DDPM "
                + "epsilon objective, Adam, caption dropout for guidance. Writes a new bundle whose bundle.json records the "
                + "settings, seed, data fingerprint and loss curve.",
                "--data takes a directory with captions.csv (memaudit synthesize) or a CSV with image and prompt columns "
                        + "(a MIMIC-CXR-JPG export); only rows of split 'train' when there is a split column."},
        footer = {"", "Example:", "  memaudit synthesize --out data && memaudit train --model models/tiny-init --data data "
                + "--out base --steps 1500"})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Bundle to start from.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DIR|CSV", description = "Training data.")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "New bundle directory (must not exist or be empty).")
    Path output;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "1500", description = "Optimizer steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--captions", paramLabel = "ARM", defaultValue = "original",
            description = "Rewrite the captions first, as an arm of compare does: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.",
            converter = ArmConverter.class)
    CaptionArm arm;

    @Mixin
    ProgressOption progress;

    @Mixin
    TrainingFlags flags;

    @Override
    public Integer call() throws Exception {
        final DiffusionTrainer.Options options = new DiffusionTrainer.Options(steps, flags.batch, flags.learningRate,
                flags.captionDropout, flags.seed, arm.filters() ? CaptionArm.FILTER_QUANTILE : Double.NaN, Math.max(1, steps / 30));
        final PrintWriter out = spec.commandLine().getOut();
        try (DiffusionTrainer trainer = new DiffusionTrainer(model, null)) {
            final TrainingSet set = TrainingSet.read(data, (int) trainer.imageShape()[1]).withCaptions(arm.rewrite(flags.seed));
            final DiffusionTrainer.Result result;
            try (StepProgress bar = Experiments.progressBars(progress.show())
                    .start("train", steps)) {
                result = trainer.train(set.examples(), options, bar);
            }
            final ObjectNode made = new ObjectMapper().createObjectNode();
            made.put("command", "memaudit train " + MemauditCommand.version());
            made.put("arm", arm.displayName());
            made.put("data", data.toString());
            made.put("start", model.toString());
            trainer.save(output, options, result, made);
            final double[] last = result.lossCurve().get(result.lossCurve().size() - 1);
            out.printf(Locale.ROOT, "Trained %s for %,d steps on %,d rows (%,d distinct captions, %s) in %.1f s on %s; final loss %.4f%n",
                    model, steps, set.rows().size(), set.prompts().size(), arm.displayName(), result.seconds(),
                    trainer.base().device(), last[1]);
            out.println("  written to " + output + " (bundle.json records how)");
        }
        return 0;
    }

    static final class ArmConverter implements picocli.CommandLine.ITypeConverter<CaptionArm> {
        @Override
        public CaptionArm convert(final String value) {
            return CaptionArm.fromName(value);
        }
    }
}
