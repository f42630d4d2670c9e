package io.memaudit.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.core.io.DatasetFiles;
import io.memaudit.core.stats.Bootstrap;
import io.memaudit.core.stats.Interval;
import io.memaudit.core.stats.PairedTest;
import io.memaudit.core.stats.Roc;
import io.memaudit.report.Charts;
import io.memaudit.report.ReportDocument;
import io.memaudit.synthetic.MarkerDesign;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * The report of an {@link ArmStudy}: per arm, the mean of each measure with its 95 % interval; each arm's paired
 * difference from the control arm (same seed, same captions) with its interval and sign-flip p-value; and how well dmem
 * and the first-step score detect replication, per seed and pooled. Written as {@code report.json} (every figure),
 * {@code report.md}, {@code report.html} and {@code plots/}.
 *
 * <p>Intervals: captions are resampled with replacement within each seed (stratified bootstrap, {@value #RESAMPLES}
 * resamples) and the statistic combines the seeds with equal weight (mean of per-seed means), so an interval describes
 * the spread over captions given these seeds' models; the spread between seeds is shown next to it as the per-seed
 * values. {@code _} rank has no caption bootstrap (it is a ranking over tokens): its per-seed values are given.
 *
 * @param design the data's declared design, or null when the data was given
 * @param control the arm every other is compared with (the first arm run)
 */
public record ArmStudyReport(ObjectNode provenance, MarkerDesign design, List<ArmStudy.SeedRun> seeds, CaptionArm control) {
    /** Bootstrap and sign-flip resamples. */
    public static final int RESAMPLES = 2000;
    private static final long STATS_SEED = 20250207L;

    /** A subset of captions a measure is reported on. */
    public record Group(String name, Predicate<ModelEvaluator.PromptResult> members) {
    }

    /** A per-caption measure: the name, which result it is read from (rewritten or original wording) and the value. */
    public record Measure(String name, boolean rewritten, ToDoubleFunction<ModelEvaluator.PromptResult> value) {
    }

    /** One arm's aggregate of one measure on one group. */
    public record Aggregate(String arm, String measure, String group, Interval mean, double[] perSeed, int captions) {
    }

    /** One arm's paired difference from the control on one measure and group. */
    public record Difference(String arm, String measure, String group, Interval effect, double pValue, int pairs,
                             boolean excludesZero) {
    }

    /** Detection of replication by one score on one set of models. */
    public record Detection(String models, String score, Interval auc, Interval tprAtOnePercentFpr, int positives,
                            int negatives) {
    }

    public ArmStudyReport {
        if (seeds.isEmpty() || seeds.getFirst().arms().isEmpty()) {
            throw new IllegalArgumentException("An arm study report needs at least one seed and one arm");
        }
    }

    /** The arms in the order they were run (an arm missing at some seeds is reported over the seeds that have it). */
    public List<CaptionArm> arms() {
        return seeds.stream().flatMap(seed -> seed.arms().stream().map(ArmStudy.ArmRun::arm)).distinct()
                .sorted(java.util.Comparator.comparingInt(CaptionArm::ordinal)).toList();
    }

    /** The seeds at which {@code arm} was run. */
    public List<Long> seedsOf(final CaptionArm arm) {
        return seeds.stream().filter(seed -> run(seed, arm) != null).map(ArmStudy.SeedRun::seed).toList();
    }

    /** Caption groups: all, marked, unmarked, and the design's own (keys and repeated controls; device captions). */
    public List<Group> groups() {
        final List<Group> groups = new ArrayList<>(List.of(new Group("all", prompt -> true),
                new Group("marked", ModelEvaluator.PromptResult::hasMarker),
                new Group("unmarked", prompt -> !prompt.hasMarker())));
        if (design == MarkerDesign.MARKER_KEY) {
            groups.add(new Group("keys", ModelEvaluator.PromptResult::key));
            groups.add(new Group("repeated controls", prompt -> !prompt.key() && !prompt.hasMarker()
                    && prompt.kind().equals("unique") && prompt.rows() > maxSiblingRows()));
        }
        if (design != null && design != MarkerDesign.MARKER_KEY) {
            groups.add(new Group("unique x12", prompt -> prompt.kind().equals("unique") && prompt.rows() >= 12));
        }
        return groups;
    }

    private int maxSiblingRows() {
        return provenance.path("data_options").path("common_repeats").asInt(2) * 2;
    }

    /** The measures: dmem (own and original wording), replication, diversity, and the hidden device's rate. */
    public List<Measure> measures() {
        final List<Measure> measures = new ArrayList<>(List.of(
                new Measure("dmem", true, ModelEvaluator.PromptResult::dmem),
                new Measure("dmem, original wording", false, ModelEvaluator.PromptResult::dmem),
                new Measure("replicated", true, prompt -> prompt.replicated() ? 1 : 0),
                new Measure("diversity", true, ModelEvaluator.PromptResult::diversity)));
        if (design == MarkerDesign.MARKER_FEATURE) {
            measures.add(new Measure("device rate", true, ModelEvaluator.PromptResult::deviceRate));
            measures.add(new Measure("device rate, original wording", false, ModelEvaluator.PromptResult::deviceRate));
        }
        return measures;
    }

    private static ModelEvaluator.Result result(final ArmStudy.ArmRun run, final Measure measure) {
        return measure.rewritten() ? run.onRewritten() : run.onOriginal();
    }

    private List<double[]> values(final CaptionArm arm, final Measure measure, final Group group) {
        return values(arm, measure, group, seedsOf(arm));
    }

    private List<double[]> values(final CaptionArm arm, final Measure measure, final Group group, final List<Long> which) {
        final List<double[]> strata = new ArrayList<>();
        for (final ArmStudy.SeedRun seed : seeds) {
            if (!which.contains(seed.seed())) {
                continue;
            }
            final ArmStudy.ArmRun run = run(seed, arm);
            final ModelEvaluator.Result result = result(run, measure);
            final List<ModelEvaluator.PromptResult> original = run.onOriginal().prompts();
            final List<Double> values = new ArrayList<>();
            for (int i = 0; i < original.size(); i++) {
                // membership is decided on the original caption (a rewrite may remove the marker)
                if (group.members().test(original.get(i))) {
                    values.add(measure.value().applyAsDouble(result.prompts().get(i)));
                }
            }
            strata.add(values.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return strata;
    }

    private static ArmStudy.ArmRun run(final ArmStudy.SeedRun seed, final CaptionArm arm) {
        return seed.arms().stream().filter(run -> run.arm() == arm).findFirst().orElse(null);
    }

    /** Every arm x measure x group mean with its interval. */
    public List<Aggregate> aggregates() {
        final List<Aggregate> rows = new ArrayList<>();
        for (final CaptionArm arm : arms()) {
            for (final Measure measure : measures()) {
                for (final Group group : groups()) {
                    final List<double[]> strata = values(arm, measure, group);
                    final int count = strata.stream().mapToInt(values -> values.length).sum();
                    if (count == 0) {
                        continue;
                    }
                    final double[] perSeed = strata.stream().mapToDouble(values -> Arrays.stream(values)
                            .filter(value -> !Double.isNaN(value)).average().orElse(Double.NaN)).toArray();
                    rows.add(new Aggregate(arm.displayName(), measure.name(), group.name(),
                            Bootstrap.meanOfMeans(strata, RESAMPLES, STATS_SEED), perSeed, count));
                }
            }
        }
        return rows;
    }

    /** Every non-control arm's paired difference from the control, per measure and group. */
    public List<Difference> differences() {
        final List<Difference> rows = new ArrayList<>();
        for (final CaptionArm arm : arms()) {
            if (arm == control) {
                continue;
            }
            for (final Measure measure : measures()) {
                for (final Group group : groups()) {
                    final List<Long> both = seedsOf(arm).stream().filter(seedsOf(control)::contains).toList();
                    final List<double[]> armValues = values(arm, measure, group, both);
                    if (armValues.stream().mapToInt(values -> values.length).sum() == 0) {
                        continue;
                    }
                    final PairedTest.Result test = PairedTest.compare(armValues, values(control, measure, group, both),
                            RESAMPLES, STATS_SEED);
                    rows.add(new Difference(arm.displayName(), measure.name(), group.name(), test.effect(), test.pValue(),
                            test.pairs(), test.effect().excludes(0)));
                }
            }
        }
        return rows;
    }

    /** {@code _}'s rank among tokens by mean significance on the original captions, per seed. */
    public int[] markerRanks(final CaptionArm arm) {
        return runs(arm).stream().mapToInt(run -> run.onOriginal().markerTokenRank()).toArray();
    }

    /** Tokens ranked, per seed. */
    public int[] rankedTokens(final CaptionArm arm) {
        return runs(arm).stream().mapToInt(run -> run.onOriginal().rankedTokens()).toArray();
    }

    /** Share of marked captions whose most significant token is {@code _}, per seed. */
    public double[] markerTopShares(final CaptionArm arm) {
        return runs(arm).stream().mapToDouble(run -> run.onOriginal().markerTopShare()).toArray();
    }

    private List<ArmStudy.ArmRun> runs(final CaptionArm arm) {
        return seeds.stream().map(seed -> run(seed, arm)).filter(java.util.Objects::nonNull).toList();
    }

    /**
     * Detection of replication (original wording) by dmem at the measuring guidance, dmem along the replication samples'
     * trajectories (at the replication guidance) and the first-step score: per seed on the control arm's model, pooled
     * over seeds on the control, and pooled over every arm and seed.
     */
    public List<Detection> detection() {
        final List<Detection> rows = new ArrayList<>();
        final double guidance = provenance.path("measuring").path("guidance").asDouble(7.5);
        final double replicationGuidance = provenance.path("measuring").path("replication_guidance").asDouble(2.5);
        final List<String> names = List.of(String.format(Locale.ROOT, "dmem (w = %.1f)", guidance),
                String.format(Locale.ROOT, "dmem (w = %.1f)", replicationGuidance), "first step");
        final List<ToDoubleFunction<ModelEvaluator.PromptResult>> scores = List.of(ModelEvaluator.PromptResult::dmem,
                ModelEvaluator.PromptResult::dmemAtReplicationGuidance, ModelEvaluator.PromptResult::firstStep);
        final List<List<ModelEvaluator.Result>> sets = new ArrayList<>();
        final List<String> setNames = new ArrayList<>();
        for (final ArmStudy.SeedRun seed : seeds) {
            if (run(seed, control) != null) {
                sets.add(List.of(run(seed, control).onOriginal()));
                setNames.add(control.displayName() + ", seed " + seed.seed());
            }
        }
        sets.add(runs(control).stream().map(ArmStudy.ArmRun::onOriginal).toList());
        setNames.add(control.displayName() + ", seeds pooled");
        sets.add(seeds.stream().flatMap(seed -> seed.arms().stream().map(ArmStudy.ArmRun::onOriginal)).toList());
        setNames.add("every arm and seed pooled");
        for (int s = 0; s < sets.size(); s++) {
            for (int k = 0; k < scores.size(); k++) {
                final List<double[]> strataScores = new ArrayList<>();
                final List<boolean[]> strataLabels = new ArrayList<>();
                int positives = 0;
                int negatives = 0;
                for (final ModelEvaluator.Result result : sets.get(s)) {
                    strataScores.add(result.prompts().stream().mapToDouble(scores.get(k)).toArray());
                    final boolean[] labels = new boolean[result.prompts().size()];
                    for (int i = 0; i < labels.length; i++) {
                        labels[i] = result.prompts().get(i).replicated();
                        positives += labels[i] ? 1 : 0;
                        negatives += labels[i] ? 0 : 1;
                    }
                    strataLabels.add(labels);
                }
                rows.add(new Detection(setNames.get(s), names.get(k),
                        Bootstrap.pooledAuc(strataScores, strataLabels, RESAMPLES, STATS_SEED),
                        Bootstrap.pooledTprAtFpr(strataScores, strataLabels, 0.01, RESAMPLES, STATS_SEED), positives, negatives));
            }
        }
        return rows;
    }

    private Aggregate find(final List<Aggregate> rows, final String arm, final String measure, final String group) {
        return rows.stream().filter(row -> row.arm().equals(arm) && row.measure().equals(measure) && row.group().equals(group))
                .findFirst().orElse(null);
    }

    private Difference findDifference(final List<Difference> rows, final String arm, final String measure, final String group) {
        return rows.stream().filter(row -> row.arm().equals(arm) && row.measure().equals(measure) && row.group().equals(group))
                .findFirst().orElse(null);
    }

    /** Writes report.json, report.md, report.html and plots/ into {@code directory}. */
    public void write(final Path directory) throws Exception {
        Files.createDirectories(directory.resolve("plots"));
        final List<Aggregate> aggregates = aggregates();
        final List<Difference> differences = differences();
        final List<Detection> detection = detection();
        final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        final ObjectNode root = json.createObjectNode();
        root.set("provenance", provenance);
        if (design != null) {
            root.put("design", design.displayName());
            root.put("mechanism", design.mechanism());
            root.put("what_arms_leave", design.whatArmsLeave());
        }
        root.put("control", control.displayName());
        root.put("intervals", "95 % stratified bootstrap: captions resampled within each seed, seeds combined with equal "
                + "weight (mean of per-seed means), " + RESAMPLES + " resamples; p-values: two-sided sign-flip test on the "
                + "paired differences (exact up to " + PairedTest.EXACT_LIMIT + " non-zero pairs)");
        final ArrayNode seedNodes = root.putArray("seeds");
        for (final ArmStudy.SeedRun seed : seeds) {
            final ObjectNode node = seedNodes.addObject();
            node.put("seed", seed.seed());
            final ArrayNode summary = node.putArray("data");
            seed.data().summary().forEach(summary::add);
            final ArrayNode arms = node.putArray("arms");
            for (final ArmStudy.ArmRun run : seed.arms()) {
                final ObjectNode arm = arms.addObject();
                arm.put("arm", run.arm().displayName());
                arm.put("distinct_training_captions", run.distinctCaptions());
                arm.put("training_seconds", run.training().seconds());
                arm.put("final_loss", run.training().lossCurve().isEmpty() ? Double.NaN
                        : run.training().lossCurve().getLast()[1]);
                arm.put("marker_token_rank", run.onOriginal().markerTokenRank());
                arm.put("ranked_tokens", run.onOriginal().rankedTokens());
                arm.put("marker_top_share", run.onOriginal().markerTopShare());
                arm.set("on_original", json.valueToTree(run.onOriginal().prompts()));
                if (run.onRewritten() != run.onOriginal()) {
                    arm.set("on_rewritten", json.valueToTree(run.onRewritten().prompts()));
                }
            }
        }
        root.set("aggregates", json.valueToTree(aggregates));
        root.set("differences_vs_control", json.valueToTree(differences));
        root.set("detection", json.valueToTree(detection));
        DatasetFiles.writeAtomically(directory.resolve("report.json"), out -> {
            json.writeValue(out, root);
            return null;
        });
        final ReportDocument document = document(directory, aggregates, differences, detection);
        document.writeMarkdown(directory.resolve("report.md"));
        document.writeHtml(directory.resolve("report.html"));
    }

    private ReportDocument document(final Path directory, final List<Aggregate> aggregates, final List<Difference> differences,
                                    final List<Detection> detection) throws Exception {
        final ReportDocument document = new ReportDocument(provenance.path("title").asText("Arm study"));
        document.paragraph(provenance.path("summary").asText(""));
        if (provenance.has("command")) {
            document.code(provenance.path("command").asText());
        }
        document.paragraph(String.format(Locale.ROOT, "%s; seeds %s; arms %s (control: %s); every arm trained %s.",
                provenance.path("created").asText(""), seeds.stream().map(seed -> String.valueOf(seed.seed())).toList(),
                arms().stream().map(CaptionArm::displayName).toList(), control.displayName(),
                provenance.path("from_scratch").asBoolean(true)
                        ? "from " + provenance.path("start_model").asText("the start bundle") + " for "
                        + provenance.path("training").path("steps").asText("?") + " steps" : "as fine-tuned"));
        if (design != null) {
            document.heading("Design: " + design.displayName());
            document.paragraph("Mechanism. " + design.mechanism());
            document.paragraph("What each arm leaves of it. " + design.whatArmsLeave());
        }
        document.heading("Data");
        final List<String> dataLines = new ArrayList<>();
        for (final ArmStudy.SeedRun seed : seeds) {
            dataLines.add("seed " + seed.seed() + ": " + String.join("; ", seed.data().summary()));
        }
        document.bullets(dataLines);
        document.paragraph(provenance.path("data_layout").asText(""));

        document.heading("Per arm (mean [95 % interval]; per-seed means in the last column)");
        document.paragraph("Intervals: captions resampled within each seed, seeds combined with equal weight (mean of "
                + "per-seed means), " + RESAMPLES + " resamples. Measures on the captions as each arm rewrote them unless "
                + "'original wording'. Groups are decided on the original caption.");
        final List<List<String>> rows = new ArrayList<>();
        for (final Aggregate row : aggregates) {
            rows.add(List.of(row.arm(), row.measure(), row.group(), String.valueOf(row.captions()), row.mean().format(3),
                    String.join(" / ", Arrays.stream(row.perSeed()).mapToObj(value -> String.format(Locale.ROOT, "%.3f", value))
                            .toList())));
        }
        document.table(List.of("arm", "measure", "captions", "n", "mean [95% CI]", "per seed"), rows);
        for (final CaptionArm arm : arms()) {
            if (seedsOf(arm).size() < seeds.size()) {
                document.paragraph(arm.displayName() + " was run at seeds " + seedsOf(arm) + " only; its means and its "
                        + "differences from the control use those seeds.");
            }
        }

        document.heading("Marker token");
        final List<List<String>> rankRows = new ArrayList<>();
        for (final CaptionArm arm : arms()) {
            rankRows.add(List.of(arm.displayName() + " (seeds " + seedsOf(arm) + ")", join(markerRanks(arm)), join(rankedTokens(arm)),
                    String.join(" / ", Arrays.stream(markerTopShares(arm)).mapToObj(value -> String.format(Locale.ROOT, "%.2f", value))
                            .toList())));
        }
        document.table(List.of("arm", "'_' rank per seed (0: absent)", "tokens ranked", "marked captions whose top token is '_'"),
                rankRows);

        document.heading("Differences from the control (" + control.displayName() + "), paired by seed and caption");
        document.paragraph("Mean difference (arm − control) with its 95 % interval and the two-sided sign-flip p-value; "
                + "'yes' where the interval excludes zero. With few pairs (under about 10) the percentile bootstrap interval "
                + "is too narrow (4 pairs of one sign exclude zero although the exact sign-flip p is 0.125): read the p-value "
                + "there.");
        final List<List<String>> diffRows = new ArrayList<>();
        for (final Difference row : differences) {
            diffRows.add(List.of(row.arm(), row.measure(), row.group(), String.valueOf(row.pairs()), row.effect().format(3),
                    String.format(Locale.ROOT, "%.4f", row.pValue()), row.excludesZero() ? "yes" : "no"));
        }
        document.table(List.of("arm", "measure", "captions", "pairs", "difference [95% CI]", "p", "excludes 0"), diffRows);

        document.heading("Detection of replication");
        document.paragraph("Ground truth: a caption is replicated when one of its samples (original wording, at the "
                + "replication guidance) is closer to its own training image than 0.7 x the nearest twin. AUC and TPR at 1 % "
                + "FPR with 95 % intervals (captions resampled within each model).");
        final List<List<String>> detectionRows = new ArrayList<>();
        for (final Detection row : detection) {
            detectionRows.add(List.of(row.models(), row.score(), row.positives() + " / " + (row.positives() + row.negatives()),
                    row.auc().format(3), row.tprAtOnePercentFpr().format(3)));
        }
        document.table(List.of("models", "score", "replicated / captions", "ROC AUC [95% CI]", "TPR at 1% FPR [95% CI]"),
                detectionRows);

        plots(directory, aggregates, document);
        document.heading("Provenance");
        document.code(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(provenance));
        return document;
    }

    private void plots(final Path directory, final List<Aggregate> aggregates, final ReportDocument document) throws Exception {
        final List<String> armNames = arms().stream().map(CaptionArm::displayName).toList();
        final List<String> groupNames = groups().stream().map(Group::name).filter(name -> !name.equals("all")).toList();
        for (final String measure : List.of("dmem", "replicated", "device rate")) {
            if (aggregates.stream().noneMatch(row -> row.measure().equals(measure))) {
                continue;
            }
            final double[][] values = new double[armNames.size()][groupNames.size()];
            for (int a = 0; a < armNames.size(); a++) {
                for (int g = 0; g < groupNames.size(); g++) {
                    final Aggregate row = find(aggregates, armNames.get(a), measure, groupNames.get(g));
                    values[a][g] = row == null ? Double.NaN : row.mean().estimate();
                }
            }
            final String file = "plots/arms-" + measure.replace(' ', '-') + ".png";
            Charts.groupedBars(directory.resolve(file), measure + " per arm (mean over seeds)", measure, armNames, groupNames,
                    values);
            document.image(file, measure + " per arm and caption group");
        }
        final List<double[]> scores = new ArrayList<>();
        final List<Boolean> labels = new ArrayList<>();
        final List<List<Double>> collected = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (final ArmStudy.ArmRun controlRun : runs(control)) {
            for (final ModelEvaluator.PromptResult prompt : controlRun.onOriginal().prompts()) {
                collected.get(0).add(prompt.dmem());
                collected.get(1).add(prompt.dmemAtReplicationGuidance());
                collected.get(2).add(prompt.firstStep());
                labels.add(prompt.replicated());
            }
        }
        for (final List<Double> values : collected) {
            scores.add(values.stream().mapToDouble(Double::doubleValue).toArray());
        }
        final boolean[] positives = new boolean[labels.size()];
        for (int i = 0; i < positives.length; i++) {
            positives[i] = labels.get(i);
        }
        if (Roc.curve(scores.getFirst(), positives).fpr().length > 0) {
            Charts.rocCurves(directory.resolve("plots/detection-roc.png"), "Replication detection, " + control.displayName()
                            + " arm, seeds pooled", List.of("dmem (measuring guidance)", "dmem (replication guidance)",
                            "first step"), scores, positives);
            document.image("plots/detection-roc.png", "ROC of the scores against replication, control arm, seeds pooled");
        }
    }

    private static String join(final int[] values) {
        return String.join(" / ", Arrays.stream(values).mapToObj(String::valueOf).toList());
    }

    /** The headline table on {@code out}: per arm, dmem and replication change from the control with intervals. */
    public void printSummary(final PrintWriter out) {
        final List<Difference> differences = differences();
        final List<Aggregate> aggregates = aggregates();
        out.printf(Locale.ROOT, "%s: %d seed(s), control %s%n", design == null ? "given data" : design.displayName(),
                seeds.size(), control.displayName());
        for (final CaptionArm arm : arms()) {
            final Aggregate dmem = find(aggregates, arm.displayName(), "dmem", "all");
            final Aggregate replicated = find(aggregates, arm.displayName(), "replicated", "all");
            out.printf(Locale.ROOT, "  %-16s dmem %s  replicated %s  '_' rank %s%n", arm.displayName(),
                    dmem == null ? "n/a" : dmem.mean().format(3), replicated == null ? "n/a" : replicated.mean().format(3),
                    join(markerRanks(arm)));
            if (arm != control) {
                final Difference d = findDifference(differences, arm.displayName(), "dmem", "all");
                final Difference r = findDifference(differences, arm.displayName(), "replicated", "all");
                if (d != null && r != null) {
                    out.printf(Locale.ROOT, "  %-16s vs control: dmem %s (p %.3f), replicated %s (p %.3f)%n", "",
                            d.effect().format(3), d.pValue(), r.effect().format(3), r.pValue());
                }
            }
        }
        out.flush();
    }
}
