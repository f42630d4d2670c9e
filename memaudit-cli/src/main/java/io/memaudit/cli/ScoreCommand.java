package io.memaudit.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.core.io.DatasetFiles;
import io.memaudit.core.provenance.Provenance;
import io.memaudit.core.scoring.DetectorDescription;
import io.memaudit.core.scoring.Detectors;
import io.memaudit.core.scoring.PromptScore;
import io.memaudit.core.scoring.SamplingSettings;
import io.memaudit.core.scoring.ScoringMode;
import io.memaudit.core.scoring.ScoringRequest;
import io.memaudit.dataset.DatasetFormat;
import io.memaudit.dataset.DatasetReader;
import io.memaudit.dataset.RecordTransform;
import io.memaudit.dataset.RewriteOptions;
import io.memaudit.diffusion.DetectorRegistry;
import io.memaudit.diffusion.DiffusionModel;
import io.memaudit.diffusion.PromptScorer;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Score every prompt of a dataset for memorization with dmem (Wen et al. 2024): along the "
                + "classifier-free-guided DDIM trajectory, the mean over steps and generations of ||eps(x_t, prompt) - "
                + "eps(x_t, \"\")||_2, plus the first step's value alone.",
                "Writes every input record with dmem and dmem_first_step added; with --top-percent also memorized (true for "
                        + "the top share) and prints the threshold, which NiFi's ScoreMemorization takes as its absolute "
                        + "threshold. Identical prompts are scored once. A <out>.memaudit.json file records how."},
        footer = {"", "Example:", "  memaudit score --model models/tiny-init --in prompts.jsonl --out scored.jsonl --top-percent 1"})
final class ScoreCommand extends ModelOverDatasetCommand {

    @Option(names = "--generations", paramLabel = "G", defaultValue = "4", description = "Trajectories per prompt. Default: ${DEFAULT-VALUE}.")
    int generations;

    @Option(names = "--mode", paramLabel = "full|first-step|two-stage", defaultValue = "full",
            description = "How much of the trajectory to run: full dmem, only the first step, or two-stage (first step for "
                    + "every prompt, full dmem for those at or above --screening-threshold). Default: ${DEFAULT-VALUE}.")
    String mode;

    @Option(names = "--first-step-only", description = "Same as --mode first-step.")
    boolean firstStepOnly;

    @Option(names = "--screening-threshold", paramLabel = "S",
            description = "Two-stage mode: the first-step score at or above which a prompt gets the full dmem.")
    Double screeningThreshold;

    @Option(names = "--top-percent", paramLabel = "P", description = "Mark the top P percent of distinct prompts as memorized.")
    Double topPercent;

    /** Exit code when some prompts could not be scored (their records carry score_error). */
    static final int EXIT_NOT_SCORED = 3;

    @Override
    public Integer call() throws Exception {
        final DatasetFormat format = OptionChecks.option(spec, "--in", () -> DatasetFormat.of(io.input));
        if (OptionChecks.option(spec, "--out", () -> DatasetFormat.of(io.output)) != format) {
            throw new ParameterException(spec.commandLine(), "--out " + io.output + " must have the same format as --in " + io.input);
        }
        if (topPercent != null && !(topPercent > 0 && topPercent <= 100)) {
            throw new ParameterException(spec.commandLine(), "--top-percent " + topPercent + " must be in (0, 100]");
        }
        final ScoringMode scoringMode = scoringMode();
        final List<String> prompts = DatasetReader.distinctTexts(io.input, io.field, 0);
        final long started = System.nanoTime();
        final Map<String, PromptScore> scores = new HashMap<>();
        try (DiffusionModel diffusion = sampling.load()) {
            final SamplingSettings settings = sampling.settings(generations, SamplingSettings.DEFAULT_BATCH_SIZE);
            final ScoringRequest request = new ScoringRequest(prompts, settings, scoringMode,
                    scoringMode == ScoringMode.TWO_STAGE ? screeningThreshold : 0.0);
            final AtomicLong done = new AtomicLong();
            final boolean showProgress = progress.show();
            try (AutoCloseable bar = ProgressBar.start(showProgress, "score", prompts.size(), done::get,
                    ProgressBar.Unit.items("prompts"))) {
                final List<PromptScore> results = new PromptScorer(diffusion).score(request, done::set, () -> true);
                for (int i = 0; i < prompts.size(); i++) {
                    scores.put(prompts.get(i), results.get(i));
                }
            }
            final List<DetectorDescription> detectors = DetectorRegistry.descriptions();
            final Double threshold = topPercent == null ? null : threshold(scores.values(), scoringMode);
            final long[] unscored = new long[1];
            DatasetFiles.writeAtomically(io.output, out -> {
                try (InputStream in = Files.newInputStream(io.input)) {
                    format.rewriter(new RewriteOptions(io.field, null,
                            transform(detectors, scores, scoringMode, threshold, unscored))).rewrite(in, out);
                }
                return null;
            });
            final double seconds = (System.nanoTime() - started) / 1e9;
            writeProvenance(settings.guidanceOr(diffusion.config().guidanceScale()), settings, scoringMode, threshold,
                    prompts.size(), unscored[0], diffusion.config().provenance().toString(), diffusion.device().toString());
            printSummary(prompts.size(), seconds, threshold, scores, scoringMode, unscored[0], diffusion.device().toString());
            return unscored[0] == 0 ? 0 : EXIT_NOT_SCORED;
        }
    }

    private ScoringMode scoringMode() {
        final ScoringMode chosen;
        try {
            chosen = firstStepOnly ? ScoringMode.FIRST_STEP : ScoringMode.of(mode);
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--mode: " + e.getMessage());
        }
        if (chosen == ScoringMode.TWO_STAGE && screeningThreshold == null) {
            throw new ParameterException(spec.commandLine(), "--mode two-stage needs --screening-threshold (a first-step "
                    + "score, e.g. from a calibration run with --mode first-step --top-percent 10)");
        }
        if (sampling.initialNoise != null) {
            throw new ParameterException(spec.commandLine(), "--init-noise is for tokens and mitigate; score seeds each prompt");
        }
        return chosen;
    }

    /** The deciding value, or null when the prompt has none (failed, or screened out in two-stage mode: then its first step). */
    private static Double decidingValue(final PromptScore score, final ScoringMode mode) {
        final Double value = score.value(mode.decidingDetector());
        return value != null || mode != ScoringMode.TWO_STAGE ? value : score.value(Detectors.FIRST_STEP) == null ? null
                : Double.NEGATIVE_INFINITY;
    }

    /** The score at the top-percent rank among scored distinct prompts (nearest rank): prompts at or above it are memorized. */
    private double threshold(final java.util.Collection<PromptScore> scores, final ScoringMode mode) {
        final double[] sorted = scores.stream().filter(PromptScore::scored).map(score -> decidingValue(score, mode))
                .filter(java.util.Objects::nonNull).mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return Double.POSITIVE_INFINITY;
        }
        final int count = Math.max(1, (int) Math.ceil(sorted.length * topPercent / 100.0));
        return sorted[sorted.length - count];
    }

    private RecordTransform transform(final List<DetectorDescription> detectors, final Map<String, PromptScore> scores,
                                      final ScoringMode mode, final Double threshold, final long[] unscored) {
        final List<String> fields = new ArrayList<>();
        detectors.forEach(detector -> fields.add(detector.name()));
        fields.add("prompt_truncated");
        fields.add("score_error");
        if (threshold != null) {
            fields.add("memorized");
        }
        return new RecordTransform() {
            @Override
            public List<String> addedFields() {
                return fields;
            }

            @Override
            public Result apply(final String text, final String key) {
                final PromptScore score = text == null ? PromptScore.failed("the text field is missing or not a string", false)
                        : scores.get(text);
                if (!score.scored()) {
                    unscored[0]++;
                }
                final List<Object> values = new ArrayList<>();
                detectors.forEach(detector -> values.add(score.value(detector.name())));
                values.add(score.truncated());
                values.add(score.error());
                if (threshold != null) {
                    final Double value = score.scored() ? decidingValue(score, mode) : null;
                    // fail closed: a record without a score is not "not memorized"; it has no verdict
                    values.add(value == null ? null : value >= threshold);
                }
                return new Result(text, values);
            }
        };
    }

    private void printSummary(final int prompts, final double seconds, final Double threshold,
                              final Map<String, PromptScore> scores, final ScoringMode mode, final long unscored,
                              final String deviceName) {
        final PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "Scored %,d distinct prompts of %s on %s in %.1f s (%.2f prompts/s; %d generations x %d steps, "
                + "%s)%n", prompts, io.input, deviceName, seconds, prompts / Math.max(seconds, 1e-9), generations,
                mode == ScoringMode.FIRST_STEP ? 1 : sampling.steps, mode.value());
        if (threshold != null) {
            final long memorized = scores.values().stream().filter(PromptScore::scored).map(score -> decidingValue(score, mode))
                    .filter(value -> value != null && value >= threshold).count();
            out.printf(Locale.ROOT, "  top %s%%: %s >= %.6f marks %,d prompts memorized (use this threshold in NiFi)%n",
                    topPercent, mode.decidingDetector(), threshold, memorized);
        }
        out.println("  written to " + io.output);
        out.flush();
        if (unscored > 0) {
            spec.commandLine().getErr().printf(Locale.ROOT, "memaudit score: %,d records were not scored (score_error says "
                    + "why; they are neither memorized nor not memorized)%n", unscored);
        }
    }

    private void writeProvenance(final double guidance, final SamplingSettings settings, final ScoringMode mode,
                                 final Double threshold, final int prompts, final long unscored, final String bundleProvenance,
                                 final String deviceName) throws Exception {
        final Path provenance = io.output.resolveSibling(io.output.getFileName() + ".memaudit.json");
        final ObjectNode made = Provenance.of("memaudit score " + MemauditCommand.version());
        made.put("input", io.input.getFileName().toString());
        made.put("model", sampling.model.toString());
        made.set("model_provenance", Provenance.JSON.readTree(bundleProvenance));
        made.put("device", deviceName);
        made.put("mode", mode.value());
        made.put("generations", settings.generations());
        made.put("steps", settings.steps());
        made.put("guidance", guidance);
        made.put("seed", settings.seed());
        made.put("batch", settings.batchSize());
        if (mode == ScoringMode.TWO_STAGE) {
            made.put("screening_threshold", screeningThreshold);
        }
        made.put("distinct_prompts", prompts);
        made.put("records_not_scored", unscored);
        if (topPercent != null) {
            made.put("top_percent", topPercent);
        }
        if (threshold != null && Double.isFinite(threshold)) {
            made.put("threshold", threshold);
        }
        Provenance.write(provenance, made);
    }
}
