package io.memaudit.training;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.diffusion.DiffusionModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The seed paper's open question as an experiment: fine-tune one copy of a base model per {@link CaptionArm} on the
 * captions that arm produces, with the same budget (steps, batch, learning rate, seed) for every arm, then measure each
 * fine-tuned model on the training prompts, in their original wording and as the arm rewrote them.
 */
public final class ArmComparison {

    /**
     * @param steps fine-tuning steps per arm
     * @param batch examples per step
     * @param learningRate Adam's learning rate
     * @param captionDropout probability of the empty prompt per example
     * @param seed for training, rewriting and evaluation
     */
    public record Settings(int steps, int batch, double learningRate, double captionDropout, long seed) {
        DiffusionTrainer.Options trainerOptions(final CaptionArm arm) {
            return new DiffusionTrainer.Options(steps, batch, learningRate, captionDropout, seed,
                    arm.filters() ? CaptionArm.FILTER_QUANTILE : Double.NaN, Math.max(1, steps / 20));
        }
    }

    /**
     * One arm's outcome.
     *
     * @param rewrittenCaptions each training prompt's caption as the arm rewrote its first row
     * @param distinctCaptions distinct captions in the arm's training rows
     * @param before the base model on the rewritten captions (an inference-time rewrite, no retraining)
     * @param onOriginal the fine-tuned model on the original captions
     * @param onRewritten the fine-tuned model on the rewritten captions
     */
    public record ArmResult(CaptionArm arm, List<String> rewrittenCaptions, int distinctCaptions,
                            DiffusionTrainer.Result training, ModelEvaluator.Result before, ModelEvaluator.Result onOriginal,
                            ModelEvaluator.Result onRewritten) {
    }

    private final ModelEvaluator evaluator;
    private final Settings settings;
    private final Device device;

    /** @param device where to train and measure (null: DJL's default, a GPU when a CUDA libtorch is found) */
    public ArmComparison(final ModelEvaluator evaluator, final Settings settings, final Device device) {
        this.evaluator = evaluator;
        this.settings = settings;
        this.device = device;
    }

    /**
     * Runs every arm.
     *
     * @param base the base bundle
     * @param baseOnOriginal the base model's evaluation on the original captions (computed once by the caller)
     * @param workDirectory where each arm's fine-tuned bundle is written ({@code arm-<name>}); a bundle already there that
     *                      was trained on the same captions and images is reused (the caller keys the directory on the
     *                      base model and the settings)
     * @param stage receives a one-line description of each phase
     * @param progress opens the progress display of each arm's fine-tuning
     */
    public List<ArmResult> run(final Path base, final TrainingSet data, final ModelEvaluator.Result baseOnOriginal,
                               final List<CaptionArm> arms, final Path workDirectory, final Consumer<String> stage,
                               final StepProgress.Factory progress) throws Exception {
        final List<String> originals = data.prompts().stream().map(TrainingSet.Prompt::caption).toList();
        final List<ArmResult> results = new ArrayList<>();
        for (final CaptionArm arm : arms) {
            final BiFunction<Integer, String, String> rewrite = arm.rewrite(settings.seed());
            final TrainingSet armData = data.withCaptions(rewrite);
            final List<String> rewritten = firstRowRewrites(data, rewrite);
            final boolean sameCaptions = rewritten.equals(originals);
            final Path bundle = workDirectory.resolve("arm-" + arm.displayName());
            DiffusionTrainer.Result training = DiffusionTrainer.readResult(bundle);
            if (training != null && training.dataFingerprint().equals(DiffusionTrainer.fingerprint(armData.examples()))) {
                stage.accept(arm.displayName() + ": fine-tuned model cached at " + bundle);
            } else {
                stage.accept(arm.displayName() + ": fine-tuning " + settings.steps() + " steps");
                training = fineTune(base, arm, armData, data.source(), bundle, progress);
            }
            final ModelEvaluator.Result before = sameCaptions ? baseOnOriginal : evaluateBase(base, data, rewritten, arm, stage);
            try (DiffusionModel model = DiffusionModel.load(bundle, device)) {
                stage.accept(arm.displayName() + ": measuring on the original captions");
                final ModelEvaluator.Result onOriginal = evaluator.evaluate(model, data, data.prompts(), originals, sub -> { });
                final ModelEvaluator.Result onRewritten;
                if (sameCaptions) {
                    onRewritten = onOriginal;
                } else {
                    stage.accept(arm.displayName() + ": measuring on the rewritten captions");
                    onRewritten = evaluator.evaluate(model, data, data.prompts(), rewritten, sub -> { });
                }
                results.add(new ArmResult(arm, rewritten, armData.prompts().size(), training, before, onOriginal, onRewritten));
            }
        }
        return results;
    }

    private DiffusionTrainer.Result fineTune(final Path base, final CaptionArm arm, final TrainingSet armData,
                                             final String source, final Path bundle,
                                             final StepProgress.Factory progress) throws Exception {
        try (DiffusionTrainer trainer = new DiffusionTrainer(base, device)) {
            final DiffusionTrainer.Options options = settings.trainerOptions(arm);
            final DiffusionTrainer.Result training;
            try (StepProgress steps = progress.start(arm.displayName(), options.steps())) {
                training = trainer.train(armData.examples(), options, steps);
            }
            final ObjectNode made = new ObjectMapper().createObjectNode();
            made.put("arm", arm.displayName());
            made.put("arm_description", arm.description());
            made.put("data", source);
            made.put("base", base.toString());
            if (Files.exists(bundle)) {
                deleteRecursively(bundle);
            }
            Files.createDirectories(bundle.getParent());
            trainer.save(bundle, options, training, made);
            return training;
        }
    }

    private ModelEvaluator.Result evaluateBase(final Path base, final TrainingSet data, final List<String> rewritten,
                                               final CaptionArm arm, final Consumer<String> stage) throws Exception {
        stage.accept(arm.displayName() + ": base model on the rewritten captions");
        try (DiffusionModel model = DiffusionModel.load(base, device)) {
            return evaluator.evaluate(model, data, data.prompts(), rewritten, sub -> { });
        }
    }

    /** Each prompt's caption as rewritten for the first training row that carries it. */
    static List<String> firstRowRewrites(final TrainingSet data, final BiFunction<Integer, String, String> rewrite) {
        final List<String> rewritten = new ArrayList<>();
        for (final TrainingSet.Prompt prompt : data.prompts()) {
            int row = 0;
            while (!data.rows().get(row).caption().equals(prompt.caption())) {
                row++;
            }
            rewritten.add(rewrite.apply(row, prompt.caption()));
        }
        return rewritten;
    }

    static void deleteRecursively(final Path root) throws java.io.IOException {
        try (var paths = Files.walk(root)) {
            for (final Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
