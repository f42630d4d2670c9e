package io.memaudit.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.core.io.DatasetFiles;
import io.memaudit.core.scoring.TokenRanking;
import io.memaudit.core.scoring.TwoStageScreen;
import io.memaudit.core.stats.Roc;
import io.memaudit.diffusion.MitigationEvaluation;
import io.memaudit.report.Charts;
import io.memaudit.report.ReportDocument;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Writes an experiment's results as {@code report.json} (every figure), {@code report.md} and {@code report.html} (the
 * same content for people) and PNG plots under {@code plots/}; and prints the summary table.
 *
 * @param provenance how the experiment was made: command, settings, seeds, versions, timings
 * @param dataSummary one line per fact about the training data
 * @param baseTraining the base model's training run, or null when the base was given or cached (then in provenance)
 * @param base the base model on the original training captions
 * @param mitigations inference-time mitigation tables (the most memorized captions; the most memorized with markers)
 * @param arms the fine-tune comparison, empty when not run
 * @param lint the model-free lint's risk levels of the training captions against the base model's dmem and replication
 */
public record ExperimentReport(ObjectNode provenance, List<String> dataSummary, DiffusionTrainer.Result baseTraining,
                               ModelEvaluator.Result base, List<MitigationTable> mitigations,
                               List<ArmComparison.ArmResult> arms, List<LintLevel> lint) {

    /** Training captions the lint puts at one risk level, with the base model's mean dmem and replicated count. */
    public record LintLevel(String level, int captions, double meanDmem, long replicated) {
    }

    /** The seed paper's table on one set of captions: which captions, how many, and a row per mitigation. */
    public record MitigationTable(String captions, int prompts, List<MitigationEvaluation.Summary> rows) {
    }

    /** Detection quality of a score against the replication ground truth. */
    public record Detection(double auc, double tprAtOnePercentFpr, int positives, int negatives) {
        static Detection of(final double[] scores, final boolean[] positives) {
            int count = 0;
            for (final boolean positive : positives) {
                count += positive ? 1 : 0;
            }
            return new Detection(Roc.auc(scores, positives), Roc.tprAtFpr(scores, positives, 0.01), count,
                    positives.length - count);
        }
    }

    public Detection dmemDetection() {
        return Detection.of(values(base, ModelEvaluator.PromptResult::dmem), replicated(base));
    }

    public Detection firstStepDetection() {
        return Detection.of(values(base, ModelEvaluator.PromptResult::firstStep), replicated(base));
    }

    private static double[] values(final ModelEvaluator.Result result,
                                   final java.util.function.ToDoubleFunction<ModelEvaluator.PromptResult> value) {
        return result.prompts().stream().mapToDouble(value).toArray();
    }

    private static boolean[] replicated(final ModelEvaluator.Result result) {
        final boolean[] labels = new boolean[result.prompts().size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = result.prompts().get(i).replicated();
        }
        return labels;
    }

    /**
     * What ScoreMemorization's two-stage mode would do on these captions: screen every caption with the first-step score,
     * run the full trajectory only for those at or above a screening threshold (here the given quantile of the first-step
     * scores). Work is in UNet evaluations relative to scoring everything fully (T steps each); recall is the share of the
     * top-decile captions by full dmem, and of the replicated captions, that pass the screen.
     */
    public record Screening(double screenedQuantile, double workFraction, double topDecileRecall, double replicatedRecall) {
    }

    public List<Screening> screening() {
        final int steps = provenance.path("measuring").path("steps").asInt(20);
        final double[] first = values(base, ModelEvaluator.PromptResult::firstStep);
        final double[] dmem = values(base, ModelEvaluator.PromptResult::dmem);
        final boolean[] replicated = new boolean[first.length];
        for (int i = 0; i < replicated.length; i++) {
            replicated[i] = base.prompts().get(i).replicated();
        }
        final List<Screening> rows = new ArrayList<>();
        for (final double quantile : new double[] {0.5, 0.7, 0.9}) {
            final TwoStageScreen.Outcome outcome = TwoStageScreen.evaluate(first, dmem, replicated, quantile, steps);
            rows.add(new Screening(quantile, outcome.workFraction(), outcome.topDecileRecall(), outcome.positiveRecall()));
        }
        return rows;
    }

    /** Writes report.json, report.md, report.html and plots/ into {@code directory}. */
    public void write(final Path directory) throws Exception {
        Files.createDirectories(directory.resolve("plots"));
        final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        final ObjectNode root = toJson(json);
        DatasetFiles.writeAtomically(directory.resolve("report.json"), out -> {
            json.writeValue(out, root);
            return null;
        });
        final ReportDocument document = document(directory);
        document.writeMarkdown(directory.resolve("report.md"));
        document.writeHtml(directory.resolve("report.html"));
    }

    ObjectNode toJson(final ObjectMapper json) {
        final ObjectNode root = json.createObjectNode();
        root.set("provenance", provenance);
        final ArrayNode data = root.putArray("data");
        dataSummary.forEach(data::add);
        if (baseTraining != null) {
            root.set("base_training", training(json, baseTraining));
        }
        final ObjectNode detection = root.putObject("detection");
        detection.set("dmem", json.valueToTree(dmemDetection()));
        detection.set("dmem_first_step", json.valueToTree(firstStepDetection()));
        detection.put("ground_truth", "replication: a sample closer to its own training image than 0.7 x the nearest "
                + "reference image (twins with identical findings, or other training images)");
        root.set("base", evaluation(json, base));
        final ArrayNode screening = root.putArray("two_stage_screening");
        for (final Screening row : screening()) {
            screening.add(json.valueToTree(row));
        }
        final ArrayNode lintNode = root.putArray("lint_vs_dmem");
        lint.forEach(level -> lintNode.add(json.valueToTree(level)));
        final ArrayNode tables = root.putArray("inference_time_mitigations");
        for (final MitigationTable mitigation : mitigations) {
            final ObjectNode table = tables.addObject();
            table.put("captions", mitigation.captions());
            table.put("prompts", mitigation.prompts());
            final ArrayNode rows = table.putArray("rows");
            for (final MitigationEvaluation.Summary summary : mitigation.rows()) {
                rows.addObject().put("mitigation", summary.mitigation().displayName())
                        .put("mean_diversity", summary.meanDiversity()).put("mean_dmem", summary.meanDmem());
            }
        }
        final ArrayNode armNodes = root.putArray("arms");
        for (final ArmComparison.ArmResult arm : arms) {
            final ObjectNode node = armNodes.addObject();
            node.put("arm", arm.arm().displayName());
            node.put("description", arm.arm().description());
            node.put("distinct_training_captions", arm.distinctCaptions());
            node.set("training", training(json, arm.training()));
            node.set("base_on_rewritten", evaluation(json, arm.before()));
            node.set("after_on_original", evaluation(json, arm.onOriginal()));
            node.set("after_on_rewritten", evaluation(json, arm.onRewritten()));
        }
        return root;
    }

    private static ObjectNode training(final ObjectMapper json, final DiffusionTrainer.Result result) {
        final ObjectNode node = json.createObjectNode();
        node.put("seconds", result.seconds());
        node.put("data_fingerprint_sha256", result.dataFingerprint());
        if (!Double.isNaN(result.filterThreshold())) {
            node.put("filter_threshold", result.filterThreshold());
            node.put("filtered_samples", result.filteredSamples());
        }
        final ArrayNode curve = node.putArray("loss_curve");
        result.lossCurve().forEach(point -> curve.addArray().add((long) point[0]).add(point[1]));
        return node;
    }

    private static ObjectNode evaluation(final ObjectMapper json, final ModelEvaluator.Result result) {
        final ObjectNode node = json.createObjectNode();
        node.put("mean_dmem", result.meanDmem());
        node.put("mean_dmem_unique_with_marker", mean(result, prompt -> prompt.kind().equals("unique") && prompt.hasMarker()));
        node.put("mean_dmem_unique_without_marker", mean(result, prompt -> prompt.kind().equals("unique") && !prompt.hasMarker()));
        node.put("mean_dmem_common", mean(result, prompt -> prompt.kind().equals("common")));
        node.put("replication_rate", result.replicationRate());
        node.put("mean_diversity", result.meanDiversity());
        node.put("marker_token_rank", result.markerTokenRank());
        node.put("ranked_tokens", result.rankedTokens());
        node.put("marker_token_mean_significance", result.markerTokenSignificance());
        node.put("share_of_marker_prompts_where_marker_is_top_word", result.markerTopShare());
        final ArrayNode top = node.putArray("top_tokens");
        for (final TokenRanking.Entry entry : result.topTokens()) {
            top.addObject().put("token", entry.token()).put("mean_significance", entry.meanSignificance())
                    .put("occurrences", entry.occurrences());
        }
        final ArrayNode prompts = node.putArray("prompts");
        for (final ModelEvaluator.PromptResult prompt : result.prompts()) {
            prompts.add(json.valueToTree(prompt));
        }
        return node;
    }

    private static double mean(final ModelEvaluator.Result result, final Predicate<ModelEvaluator.PromptResult> which) {
        return result.prompts().stream().filter(which).mapToDouble(ModelEvaluator.PromptResult::dmem).average().orElse(Double.NaN);
    }

    private ReportDocument document(final Path directory) throws Exception {
        final Path plots = directory.resolve("plots");
        final ReportDocument document = new ReportDocument(provenance.path("title").asText("memaudit experiment"));
        document.paragraph(provenance.path("summary").asText(""));
        document.heading("Data");
        document.bullets(dataSummary);

        document.heading("Memorization in the base model");
        final List<String> groups = List.of("common", "unique, no marker", "unique, with marker");
        final List<Predicate<ModelEvaluator.PromptResult>> filters = List.of(
                prompt -> !prompt.kind().equals("unique"),
                prompt -> prompt.kind().equals("unique") && !prompt.hasMarker(),
                prompt -> prompt.kind().equals("unique") && prompt.hasMarker());
        final List<double[]> byGroup = new ArrayList<>();
        for (final Predicate<ModelEvaluator.PromptResult> filter : filters) {
            byGroup.add(base.prompts().stream().filter(filter).mapToDouble(ModelEvaluator.PromptResult::dmem).toArray());
        }
        Charts.distributions(plots.resolve("base-dmem.png"), "dmem of the base model's training captions", "dmem", groups, byGroup);
        document.image("plots/base-dmem.png", "dmem per caption group (each point one distinct training caption)");
        final List<List<String>> rows = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            final Predicate<ModelEvaluator.PromptResult> filter = filters.get(g);
            final List<ModelEvaluator.PromptResult> members = base.prompts().stream().filter(filter).toList();
            rows.add(List.of(groups.get(g), String.valueOf(members.size()), format(mean(base, filter)),
                    format(members.stream().filter(ModelEvaluator.PromptResult::replicated).count() / (double) Math.max(1, members.size())),
                    format(members.stream().mapToDouble(ModelEvaluator.PromptResult::diversity).average().orElse(Double.NaN))));
        }
        document.table(List.of("captions", "count", "mean dmem", "replicated", "diversity"), rows);
        final List<ModelEvaluator.PromptResult> ranked = new ArrayList<>(base.prompts());
        ranked.sort((a, b) -> Double.compare(b.dmem(), a.dmem()));
        final List<List<String>> top = new ArrayList<>();
        for (final ModelEvaluator.PromptResult prompt : ranked.subList(0, Math.min(5, ranked.size()))) {
            top.add(List.of(prompt.caption(), prompt.kind(), String.valueOf(prompt.rows()), format(prompt.dmem()),
                    String.valueOf(prompt.replicated())));
        }
        document.paragraph("The most memorized training captions by dmem (synthetic text):");
        document.table(List.of("caption", "kind", "rows", "dmem", "replicated"), top);

        document.heading("Detection quality");
        final Detection dmem = dmemDetection();
        final Detection first = firstStepDetection();
        final boolean[] labels = replicated(base);
        Charts.rocCurves(plots.resolve("detection-roc.png"), "Detecting replicated captions", List.of("dmem", "first step"),
                List.of(values(base, ModelEvaluator.PromptResult::dmem), values(base, ModelEvaluator.PromptResult::firstStep)), labels);
        document.paragraph(String.format(Locale.ROOT, "Ground truth: %d of %d distinct training captions replicate their "
                        + "training image (a sample closer to its own image than 0.7 x the nearest reference image). "
                        + "Wen et al. report AUC 0.99 on Stable Diffusion.", dmem.positives(), dmem.positives() + dmem.negatives()));
        document.table(List.of("score", "ROC AUC", "TPR at 1% FPR"), List.of(
                List.of("dmem", format(dmem.auc()), format(dmem.tprAtOnePercentFpr())),
                List.of("first step", format(first.auc()), format(first.tprAtOnePercentFpr()))));
        document.image("plots/detection-roc.png", "ROC of dmem and the first-step score against replication");
        document.paragraph("Two-stage scoring (NiFi's ScoreMemorization): screen with the first step, run the full trajectory "
                + "only above a screening threshold. Work relative to full scoring, and how many of the top-decile (by dmem) "
                + "and of the replicated captions pass the screen:");
        final List<List<String>> screeningRows = new ArrayList<>();
        for (final Screening row : screening()) {
            screeningRows.add(List.of(String.format(Locale.ROOT, "first step >= its %.0fth percentile", 100 * row.screenedQuantile()),
                    format(row.workFraction()), format(row.topDecileRecall()), format(row.replicatedRecall())));
        }
        document.table(List.of("screen", "work vs full", "top-decile kept", "replicated kept"), screeningRows);

        if (!lint.isEmpty()) {
            document.paragraph("memaudit lint's model-free risk levels of the training captions (high: unique and carries a "
                    + "marker; medium: a repeated caption with a marker, or a unique one in the longest tenth) against the base "
                    + "model:");
            final List<List<String>> lintRows = new ArrayList<>();
            for (final LintLevel level : lint) {
                lintRows.add(List.of(level.level(), String.valueOf(level.captions()), format(level.meanDmem()),
                        level.replicated() + " of " + level.captions()));
            }
            document.table(List.of("lint risk", "captions", "mean dmem", "replicated"), lintRows);
        }

        if (!base.topTokens().isEmpty()) {
            document.heading("Token significance");
            final List<String> labelsTop = new ArrayList<>(base.topTokens().stream().map(TokenRanking.Entry::token).toList());
            final List<Double> valuesList = new ArrayList<>(base.topTokens().stream().map(TokenRanking.Entry::meanSignificance).toList());
            if (base.markerTokenRank() > labelsTop.size()) {
                labelsTop.add("_ (rank " + base.markerTokenRank() + ")");
                valuesList.add(base.markerTokenSignificance());
            }
            final double[] valuesTop = valuesList.stream().mapToDouble(Double::doubleValue).toArray();
            final Set<Integer> markers = new HashSet<>();
            for (int i = 0; i < labelsTop.size(); i++) {
                if (labelsTop.get(i).equals("_") || labelsTop.get(i).startsWith("_ (rank")) {
                    markers.add(i);
                }
            }
            Charts.horizontalBars(plots.resolve("base-tokens.png"), "Most significant tokens (base model)",
                    "mean significance", labelsTop, valuesTop, markers);
            document.paragraph(String.format(Locale.ROOT, "The marker piece '_' ranks %d of %d tokens by mean significance; "
                            + "in %.0f%% of the captions with markers, a marker is the most significant word.",
                    base.markerTokenRank(), base.rankedTokens(), 100 * base.markerTopShare()));
            document.image("plots/base-tokens.png", "Top tokens; the marker piece highlighted");
        }

        if (!mitigations.isEmpty()) {
            document.heading("Inference-time mitigations");
            document.paragraph("Without retraining, as in the seed paper's table: sample diversity (mean pairwise RMS distance "
                    + "of images in [0, 1]) and dmem under each mitigation.");
            for (final MitigationTable mitigation : mitigations) {
                final List<List<String>> table = new ArrayList<>();
                for (final MitigationEvaluation.Summary summary : mitigation.rows()) {
                    table.add(List.of(summary.mitigation().displayName(), format(summary.meanDiversity()),
                            format(summary.meanDmem())));
                }
                document.paragraph("The " + mitigation.prompts() + " " + mitigation.captions() + ":");
                document.table(List.of("mitigation", "diversity", "dmem"), table);
            }
        }

        if (!arms.isEmpty()) {
            armSections(document, plots);
        }
        document.heading("How this was made");
        document.code(provenance.toPrettyString());
        return document;
    }

    private void armSections(final ReportDocument document, final Path plots) throws Exception {
        document.heading("Retraining on rewritten captions");
        document.paragraph("Each arm fine-tunes a copy of the base model with the same steps, batch, learning rate and seed. "
                + "'original' continues training on unchanged captions: it is the control every other arm is compared with.");
        final ArmComparison.ArmResult control = arms.stream().filter(arm -> arm.arm() == CaptionArm.ORIGINAL).findFirst().orElse(null);
        final List<List<String>> rows = new ArrayList<>();
        for (final ArmComparison.ArmResult arm : arms) {
            rows.add(List.of(arm.arm().displayName(), format(base.meanDmem()), format(arm.onOriginal().meanDmem()),
                    format(arm.before().meanDmem()), format(arm.onRewritten().meanDmem()),
                    arm.onOriginal().markerTokenRank() == 0 ? "n/a" : String.valueOf(arm.onOriginal().markerTokenRank()),
                    format(arm.onOriginal().replicationRate()), format(arm.onRewritten().replicationRate()),
                    format(arm.onRewritten().meanDiversity())));
        }
        document.table(List.of("arm", "dmem before", "dmem after", "dmem rewritten before", "dmem rewritten after",
                "'_' rank after", "replicated after", "replicated rewritten after", "diversity rewritten after"), rows);
        final List<String> names = arms.stream().map(arm -> arm.arm().displayName()).toList();
        final List<double[]> dmems = arms.stream().map(arm -> values(arm.onOriginal(), ModelEvaluator.PromptResult::dmem)).toList();
        Charts.distributions(plots.resolve("arms-dmem.png"), "dmem after fine-tuning (original captions)", "dmem", names, dmems);
        document.image("plots/arms-dmem.png", "dmem of the training captions after each arm's fine-tuning");
        final double[][] bars = new double[arms.size()][];
        for (int i = 0; i < arms.size(); i++) {
            bars[i] = new double[] {arms.get(i).before().meanDiversity(), arms.get(i).onRewritten().meanDiversity()};
        }
        Charts.groupedBars(plots.resolve("arms-diversity.png"), "Sample diversity on the arm's captions", "mean pairwise distance",
                names, List.of("base model", "after fine-tuning"), bars);
        document.image("plots/arms-diversity.png", "Diversity of samples for each arm's captions, before and after fine-tuning");
        if (base.markerTokenRank() > 0) {
            final double[][] marker = new double[arms.size()][];
            final List<List<String>> topRows = new ArrayList<>();
            topRows.add(List.of("base model", String.valueOf(base.markerTokenRank()), tokens(base)));
            for (int i = 0; i < arms.size(); i++) {
                marker[i] = new double[] {base.markerTokenSignificance(), arms.get(i).onOriginal().markerTokenSignificance()};
                topRows.add(List.of(arms.get(i).arm().displayName(),
                        arms.get(i).onOriginal().markerTokenRank() == 0 ? "n/a" : String.valueOf(arms.get(i).onOriginal().markerTokenRank()),
                        tokens(arms.get(i).onOriginal())));
            }
            Charts.groupedBars(plots.resolve("arms-marker-token.png"), "Significance of the marker piece '_' (original captions)",
                    "mean significance", names, List.of("base model", "after fine-tuning"), marker);
            document.image("plots/arms-marker-token.png", "The marker piece's mean significance before and after each arm");
            document.paragraph("Top tokens before and after, on the original captions ('_' rank among all tokens):");
            document.table(List.of("model", "'_' rank", "top 5 tokens by mean significance"), topRows);
        }
        if (control != null) {
            final List<String> findings = new ArrayList<>();
            for (final ArmComparison.ArmResult arm : arms) {
                if (arm == control) {
                    continue;
                }
                final double change = arm.onRewritten().meanDmem() / control.onOriginal().meanDmem() - 1;
                final double replication = arm.onRewritten().replicationRate() - control.onOriginal().replicationRate();
                findings.add(String.format(Locale.ROOT, "%s: dmem on its own captions %s than the control (%+.0f%%); "
                                + "replication %+.0f points", arm.arm().displayName(), change < 0 ? "lower" : "not lower",
                        100 * change, 100 * replication));
            }
            document.paragraph("Against the control (after fine-tuning), measured on the captions each arm trains on:");
            document.bullets(findings);
        }
    }

    private static String tokens(final ModelEvaluator.Result result) {
        return String.join(", ", result.topTokens().stream().limit(5)
                .map(entry -> String.format(Locale.ROOT, "%s %.4f", entry.token(), entry.meanSignificance())).toList());
    }

    /** The summary table printed at the end of a run. */
    public void printSummary(final PrintWriter out) {
        final Detection dmem = dmemDetection();
        final Detection first = firstStepDetection();
        out.printf(Locale.ROOT, "Base model: mean dmem %.3f, %d of %d captions replicated; detection AUC dmem %.3f, first step %.3f%n",
                base.meanDmem(), dmem.positives(), dmem.positives() + dmem.negatives(), dmem.auc(), first.auc());
        if (base.markerTokenRank() > 0) {
            out.printf(Locale.ROOT, "Token significance: '_' ranks %d of %d tokens; top word in %.0f%% of marker captions%n",
                    base.markerTokenRank(), base.rankedTokens(), 100 * base.markerTopShare());
        }
        for (final MitigationTable mitigation : mitigations) {
            out.printf(Locale.ROOT, "Inference-time mitigations on the %d %s:%n", mitigation.prompts(), mitigation.captions());
            out.printf(Locale.ROOT, "  %-18s %10s %8s%n", "mitigation", "diversity", "dmem");
            for (final MitigationEvaluation.Summary summary : mitigation.rows()) {
                out.printf(Locale.ROOT, "  %-18s %10.4f %8.3f%n", summary.mitigation().displayName(), summary.meanDiversity(),
                        summary.meanDmem());
            }
        }
        if (!arms.isEmpty()) {
            out.printf(Locale.ROOT, "Retraining arms (same budget):%n  %-16s %8s %8s %10s %10s %10s%n", "arm", "dmem", "dmem",
                    "replicated", "replicated", "'_' rank");
            out.printf(Locale.ROOT, "  %-16s %8s %8s %10s %10s %10s%n", "", "orig.", "rewr.", "orig.", "rewr.", "");
            for (final ArmComparison.ArmResult arm : arms) {
                out.printf(Locale.ROOT, "  %-16s %8.3f %8.3f %10.2f %10.2f %10s%n", arm.arm().displayName(),
                        arm.onOriginal().meanDmem(), arm.onRewritten().meanDmem(), arm.onOriginal().replicationRate(),
                        arm.onRewritten().replicationRate(),
                        arm.onOriginal().markerTokenRank() == 0 ? "n/a" : String.valueOf(arm.onOriginal().markerTokenRank()));
            }
        }
        out.flush();
    }

    static String format(final double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.3f", value);
    }
}
