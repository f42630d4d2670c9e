package io.memaudit.training;

import ai.djl.Device;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.core.io.DatasetFiles;
import io.memaudit.diffusion.DiffusionModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The arms trained from scratch, under several seeds: the data curator's question ("had we released the captions
 * rewritten this way, would the model have memorized less?"). For every seed and every {@link CaptionArm}, a model is
 * trained from the start bundle (e.g. {@code models/tiny-init}) on the seed's data as that arm rewrites it, with the
 * same full budget (steps, batch, learning rate, caption dropout, seed) for every arm, then measured on the training
 * captions in their original wording and as the arm rewrote them (first row of each caption).
 *
 * <p>Each seed drives everything under it: the data the caller supplies for it, the training batches and noise, the
 * rewrites and the sampling noise of the measurements. Every arm x seed is cached under the work directory
 * ({@code seed-<S>/arm-<name>}: the bundle, and {@code evaluation.json} with the measurements and the settings they were
 * made with), so an interrupted study resumes where it stopped and a finished one is re-reported without retraining.
 */
public final class ArmStudy {
    private static final String EVALUATION_FILE = "evaluation.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * @param steps optimizer steps per arm (the base model's full budget)
     * @param batch examples per step
     * @param learningRate Adam's learning rate
     * @param captionDropout probability of the empty prompt per example
     */
    public record Settings(int steps, int batch, double learningRate, double captionDropout) {
        DiffusionTrainer.Options trainerOptions(final CaptionArm arm, final long seed) {
            return new DiffusionTrainer.Options(steps, batch, learningRate, captionDropout, seed,
                    arm.filters() ? CaptionArm.FILTER_QUANTILE : Double.NaN, Math.max(1, steps / 20));
        }
    }

    /** The data of one seed: the training set and one line per fact about it. */
    public record SeedData(TrainingSet data, List<String> summary) {
    }

    /** Supplies the data of a seed (synthesized for it, or the same file for every seed). */
    @FunctionalInterface
    public interface DataSource {
        SeedData forSeed(long seed) throws Exception;
    }

    /**
     * One arm under one seed.
     *
     * @param rewrittenCaptions each training prompt's caption as the arm rewrote its first row
     * @param distinctCaptions distinct captions in the arm's training rows
     * @param onOriginal the model on the original captions (with token significance)
     * @param onRewritten the model on the rewritten captions (the same object for arms that change nothing)
     */
    public record ArmRun(CaptionArm arm, List<String> rewrittenCaptions, int distinctCaptions, DiffusionTrainer.Result training,
                         ModelEvaluator.Result onOriginal, ModelEvaluator.Result onRewritten) {
    }

    /** One seed: its data and every arm's run, in the order of the arms asked for (with --cached-only, those done). */
    public record SeedRun(long seed, SeedData data, List<ArmRun> arms) {
    }

    private final ModelEvaluator.Settings evaluation;
    private final int imageSize;
    private final Settings settings;
    private final Device device;

    public ArmStudy(final ModelEvaluator.Settings evaluation, final int imageSize, final Settings settings, final Device device) {
        this.evaluation = evaluation;
        this.imageSize = imageSize;
        this.settings = settings;
        this.device = device;
    }

    /**
     * Runs (or resumes) the study.
     *
     * @param start the bundle every arm trains from
     * @param work where arm x seed results are cached (the caller keys it on the start bundle and the design)
     * @param stage receives a line per phase
     * @param progress opens the progress display of each training run
     */
    public List<SeedRun> run(final Path start, final DataSource source, final List<Long> seeds, final List<CaptionArm> arms,
                             final Path work, final Consumer<String> stage, final StepProgress.Factory progress)
            throws Exception {
        return run(start, source, seeds, arms, work, stage, progress, false);
    }

    /**
     * As {@link #run(Path, DataSource, List, List, Path, Consumer, StepProgress.Factory)}; with {@code cachedOnly}, an arm x
     * seed whose measurements are not cached yet is left out instead of trained (a report of what is done so far, e.g.
     * while other processes still train the rest).
     */
    public List<SeedRun> run(final Path start, final DataSource source, final List<Long> seeds, final List<CaptionArm> arms,
                             final Path work, final Consumer<String> stage, final StepProgress.Factory progress,
                             final boolean cachedOnly) throws Exception {
        final List<SeedRun> runs = new ArrayList<>();
        for (final long seed : seeds) {
            final SeedData seedData = source.forSeed(seed);
            final TrainingSet data = seedData.data();
            final ModelEvaluator evaluator = new ModelEvaluator(evaluation.withSeed(seed), imageSize);
            final List<String> originals = data.prompts().stream().map(TrainingSet.Prompt::caption).toList();
            final List<ArmRun> armRuns = new ArrayList<>();
            for (final CaptionArm arm : arms) {
                final String label = "seed " + seed + ", " + arm.displayName();
                final BiFunction<Integer, String, String> rewrite = arm.rewrite(seed);
                final TrainingSet armData = data.withCaptions(rewrite);
                final List<String> rewritten = ArmComparison.firstRowRewrites(data, rewrite);
                final boolean sameCaptions = rewritten.equals(originals);
                final Path directory = work.resolve("seed-" + seed).resolve("arm-" + arm.displayName());
                final Path bundle = directory.resolve("model");
                final DiffusionTrainer.Options options = settings.trainerOptions(arm, seed);
                final String fingerprint = DiffusionTrainer.fingerprint(armData.examples());
                DiffusionTrainer.Result training = cachedTraining(bundle, fingerprint, options);
                final String evaluationKey = evaluation.withSeed(seed) + "|" + fingerprint + "|" + options;
                if (cachedOnly && (training == null
                        || cachedEvaluation(directory, evaluationKey, arm, rewritten, 0, training) == null)) {
                    stage.accept(label + ": not measured yet, left out (--cached-only)");
                    continue;
                }
                if (training != null) {
                    stage.accept(label + ": trained model cached at " + bundle);
                } else {
                    stage.accept(label + ": training from " + start.getFileName() + ", " + options.steps() + " steps on "
                            + armData.rows().size() + " rows (" + armData.prompts().size() + " distinct captions)");
                    training = train(start, arm, armData, data.source(), bundle, options, progress.start(label, options.steps()));
                }
                ArmRun run = cachedEvaluation(directory, evaluationKey, arm, rewritten, armData.prompts().size(), training);
                if (run != null) {
                    stage.accept(label + ": measurements cached");
                } else {
                    try (DiffusionModel model = DiffusionModel.load(bundle, device)) {
                        stage.accept(label + ": measuring on the original captions");
                        final ModelEvaluator.Result onOriginal = evaluator.evaluate(model, data, data.prompts(), originals,
                                sub -> stage.accept(label + ":   " + sub), true);
                        final ModelEvaluator.Result onRewritten;
                        if (sameCaptions) {
                            onRewritten = onOriginal;
                        } else {
                            stage.accept(label + ": measuring on the rewritten captions");
                            onRewritten = evaluator.evaluate(model, data, data.prompts(), rewritten,
                                    sub -> stage.accept(label + ":   " + sub), false);
                        }
                        run = new ArmRun(arm, rewritten, armData.prompts().size(), training, onOriginal, onRewritten);
                    }
                    writeEvaluation(directory, evaluationKey, run);
                }
                armRuns.add(run);
            }
            if (!armRuns.isEmpty()) {
                runs.add(new SeedRun(seed, seedData, List.copyOf(armRuns)));
            }
        }
        return List.copyOf(runs);
    }

    private static DiffusionTrainer.Result cachedTraining(final Path bundle, final String fingerprint,
                                                          final DiffusionTrainer.Options options) throws Exception {
        final Path marker = bundle.resolveSibling("training-options.txt");
        final DiffusionTrainer.Result result = DiffusionTrainer.readResult(bundle);
        if (result == null || !Files.isRegularFile(marker) || !result.dataFingerprint().equals(fingerprint)
                || !Files.readString(marker).equals(options.toString())) {
            return null;
        }
        return result;
    }

    private DiffusionTrainer.Result train(final Path start, final CaptionArm arm, final TrainingSet armData, final String source,
                                          final Path bundle, final DiffusionTrainer.Options options,
                                          final StepProgress steps) throws Exception {
        try (DiffusionTrainer trainer = new DiffusionTrainer(start, device)) {
            final DiffusionTrainer.Result training;
            try (steps) {
                training = trainer.train(armData.examples(), options, steps);
            }
            final ObjectNode made = JSON.createObjectNode();
            made.put("arm", arm.displayName());
            made.put("arm_description", arm.description());
            made.put("data", source);
            made.put("start", start.toString());
            made.put("from_scratch", true);
            if (Files.exists(bundle)) {
                ArmComparison.deleteRecursively(bundle);
            }
            Files.createDirectories(bundle.getParent());
            trainer.save(bundle, options, training, made);
            Files.writeString(bundle.resolveSibling("training-options.txt"), options.toString());
            return training;
        }
    }

    private static ArmRun cachedEvaluation(final Path directory, final String key, final CaptionArm arm,
                                           final List<String> rewritten, final int distinct,
                                           final DiffusionTrainer.Result training) throws Exception {
        final Path file = directory.resolve(EVALUATION_FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        final JsonNode node = JSON.readTree(file.toFile());
        if (!key.equals(node.path("key").asText())) {
            return null;
        }
        final ModelEvaluator.Result onOriginal = JSON.treeToValue(node.get("on_original"), ModelEvaluator.Result.class);
        final ModelEvaluator.Result onRewritten = node.path("same_captions").asBoolean()
                ? onOriginal : JSON.treeToValue(node.get("on_rewritten"), ModelEvaluator.Result.class);
        return new ArmRun(arm, rewritten, distinct, training, onOriginal, onRewritten);
    }

    private static void writeEvaluation(final Path directory, final String key, final ArmRun run) throws Exception {
        final ObjectNode node = JSON.createObjectNode();
        node.put("key", key);
        node.put("same_captions", run.onOriginal() == run.onRewritten());
        node.set("on_original", JSON.valueToTree(run.onOriginal()));
        if (run.onOriginal() != run.onRewritten()) {
            node.set("on_rewritten", JSON.valueToTree(run.onRewritten()));
        }
        DatasetFiles.writeAtomically(directory.resolve(EVALUATION_FILE), out -> {
            JSON.writeValue(out, node);
            return null;
        });
    }
}
