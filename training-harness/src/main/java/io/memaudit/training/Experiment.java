package io.memaudit.training;

import ai.djl.Device;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.diffusion.DiffusionModel;
import io.memaudit.diffusion.MemorizationScorer;
import io.memaudit.core.lint.LintReport;
import io.memaudit.core.lint.PromptLint;
import io.memaudit.core.lint.PromptRisk;
import io.memaudit.core.markers.MarkerDialect;
import io.memaudit.core.markers.MarkerFinder;
import io.memaudit.core.mitigation.Mitigation;
import io.memaudit.diffusion.MitigationEvaluation;
import io.memaudit.core.mitigation.PromptMitigations;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * The measuring half of {@code memaudit compare} and {@code memaudit demo}: the base model on the training captions,
 * optionally the inference-time mitigation table on its most memorized captions, then the arm comparison; returned as an
 * {@link ExperimentReport}.
 *
 * @param evaluator how models are measured
 * @param comparison fine-tuning settings of the arms
 * @param arms arms to run (may be empty)
 * @param mitigationSamples samples per caption and mitigation for the table (0: no table)
 * @param device where to run (null: DJL's default)
 */
public record Experiment(ModelEvaluator evaluator, ArmComparison.Settings comparison, List<CaptionArm> arms,
                         int mitigationSamples, Device device) {

    /** Share of distinct captions called "most memorized" for the mitigation table (at least {@link #MIN_TOP}). */
    public static final double TOP_SHARE = 0.01;
    public static final int MIN_TOP = 3;

    /**
     * @param base the base bundle
     * @param baseTraining how the base was trained in this run, or null
     * @param work where the arms' bundles go
     * @param stage receives a line per phase
     * @param progress opens the progress display of each arm's fine-tuning
     */
    public ExperimentReport run(final Path base, final TrainingSet data, final DiffusionTrainer.Result baseTraining,
                                final ObjectNode provenance, final List<String> dataSummary, final Path work,
                                final Consumer<String> stage, final StepProgress.Factory progress) throws Exception {
        final List<String> captions = data.prompts().stream().map(TrainingSet.Prompt::caption).toList();
        final ModelEvaluator.Result baseResult;
        final List<ExperimentReport.MitigationTable> mitigations = new ArrayList<>();
        try (DiffusionModel model = DiffusionModel.load(base, device)) {
            stage.accept("base model: dmem, replication, token significance of " + captions.size() + " captions");
            baseResult = evaluator.evaluate(model, data, data.prompts(), captions, sub -> { });
            if (mitigationSamples > 0) {
                final int top = Math.min(captions.size(), Math.max(MIN_TOP, (int) Math.ceil(TOP_SHARE * captions.size())));
                final List<ModelEvaluator.PromptResult> ranked = baseResult.prompts().stream()
                        .sorted((a, b) -> Double.compare(b.dmem(), a.dmem())).toList();
                mitigations.add(mitigationTable(model, "most memorized captions",
                        ranked.stream().limit(top).map(ModelEvaluator.PromptResult::caption).toList(), stage));
                final List<String> marked = ranked.stream().filter(ModelEvaluator.PromptResult::hasMarker).limit(top)
                        .map(ModelEvaluator.PromptResult::caption).toList();
                if (!marked.isEmpty()) {
                    mitigations.add(mitigationTable(model, "most memorized captions with markers", marked, stage));
                }
            }
        }
        final List<ArmComparison.ArmResult> armResults = arms.isEmpty() ? List.of()
                : new ArmComparison(evaluator, comparison, device).run(base, data, baseResult, arms, work, stage, progress);
        return new ExperimentReport(provenance, dataSummary, baseTraining, baseResult, List.copyOf(mitigations),
                new ArrayList<>(armResults), lintAgreement(data, baseResult));
    }

    /**
     * The model-free lint's risk level of every training caption (judged on the training rows, repeats included) against
     * the base model's dmem and replication: does the cheap rule point at the captions the model memorizes?
     */
    static List<ExperimentReport.LintLevel> lintAgreement(final TrainingSet data, final ModelEvaluator.Result base) {
        final PromptLint lint = new PromptLint(MarkerFinder.of(EnumSet.of(MarkerDialect.MIMIC_CXR), null));
        final java.util.Map<String, Integer> firstRow = new java.util.HashMap<>();
        for (int i = 0; i < data.rows().size(); i++) {
            lint.add(data.rows().get(i).caption());
            firstRow.putIfAbsent(data.rows().get(i).caption(), i);
        }
        final LintReport report = lint.finish();
        final List<ExperimentReport.LintLevel> levels = new ArrayList<>();
        for (final PromptRisk.Level level : PromptRisk.Level.values()) {
            final List<ModelEvaluator.PromptResult> members = new ArrayList<>();
            for (int i = 0; i < data.prompts().size(); i++) {
                if (report.risk(firstRow.get(data.prompts().get(i).caption())).level() == level) {
                    members.add(base.prompts().get(i));
                }
            }
            levels.add(new ExperimentReport.LintLevel(level.displayName(), members.size(),
                    members.stream().mapToDouble(ModelEvaluator.PromptResult::dmem).average().orElse(Double.NaN),
                    members.stream().filter(ModelEvaluator.PromptResult::replicated).count()));
        }
        return List.copyOf(levels);
    }

    private ExperimentReport.MitigationTable mitigationTable(final DiffusionModel model, final String which,
                                                            final List<String> prompts, final Consumer<String> stage) {
        stage.accept("inference-time mitigations on the " + prompts.size() + " " + which);
        final ModelEvaluator.Settings settings = evaluator.settings();
        final MitigationEvaluation evaluation = new MitigationEvaluation(model,
                new PromptMitigations(model.vocabularyWords(), 1, EnumSet.of(MarkerDialect.MIMIC_CXR)));
        return new ExperimentReport.MitigationTable(which, prompts.size(), MitigationEvaluation.summarize(evaluation.evaluate(
                prompts, List.of(Mitigation.values()), new MemorizationScorer.Options(mitigationSamples, settings.steps(),
                        settings.guidance(), settings.batch(), settings.seed(), null, false), done -> { })));
    }
}
