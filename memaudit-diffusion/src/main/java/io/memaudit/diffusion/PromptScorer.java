package io.memaudit.diffusion;

import io.memaudit.core.scoring.Detectors;
import io.memaudit.core.scoring.PromptScore;
import io.memaudit.core.scoring.SamplingSettings;
import io.memaudit.core.scoring.ScoringMode;
import io.memaudit.core.scoring.ScoringRequest;
import io.memaudit.core.scoring.TwoStageScreen;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * The one scoring path of memaudit: the CLI's {@code score} and NiFi's ScoreMemorization (through the model service)
 * both answer a {@link ScoringRequest} here. Identical prompts are scored once; prompts are scored batch by batch so
 * that a failing batch costs only its own prompts; the mode decides how much of the trajectory runs (two-stage: the
 * first step for every prompt, the full trajectory for those at or above the screening threshold).
 *
 * <p>Fails closed: a prompt whose deciding value is not a finite number, or whose batch failed, gets an error and no
 * usable score, never a value that reads as "not memorized". Error texts name exception types and counts only, never
 * prompt text.
 */
public final class PromptScorer {
    private final DiffusionModel model;
    private final MemorizationScorer scorer;

    public PromptScorer(final DiffusionModel model) {
        this.model = Objects.requireNonNull(model, "model");
        this.scorer = new MemorizationScorer(model);
    }

    /**
     * Scores a request; the result has one entry per requested prompt, in order.
     *
     * @param progress receives the number of distinct prompts finished (first stage and second stage count separately
     *                 in two-stage mode)
     * @param scheduled checked between batches: when it turns false, the remaining prompts get the error "stopped"
     */
    public List<PromptScore> score(final ScoringRequest request, final IntConsumer progress, final BooleanSupplier scheduled) {
        final List<String> distinct = new ArrayList<>(new LinkedHashSet<>(request.prompts()));
        final SamplingSettings sampling = request.sampling();
        final Map<String, Outcome> outcomes = new HashMap<>();
        final boolean firstStepOnly = request.mode() != ScoringMode.FULL;
        run(distinct, options(sampling, firstStepOnly), outcomes, progress, scheduled);
        if (request.mode() == ScoringMode.TWO_STAGE) {
            final List<String> screenedIn = new ArrayList<>();
            for (final String prompt : distinct) {
                final Outcome first = outcomes.get(prompt);
                if (first.error == null && TwoStageScreen.screenedIn(first.values.get(Detectors.FIRST_STEP),
                        request.screeningThreshold())) {
                    screenedIn.add(prompt);
                }
            }
            final Map<String, Outcome> full = new HashMap<>();
            run(screenedIn, options(sampling, false), full, progress, scheduled);
            full.forEach((prompt, outcome) -> {
                final Outcome screened = outcomes.get(prompt);
                if (outcome.error != null) {
                    outcomes.put(prompt, outcome);
                } else {
                    // keep the first stage's first-step value: it is the one the screen decided on
                    final Map<String, Double> values = new LinkedHashMap<>(outcome.values);
                    values.put(Detectors.FIRST_STEP, screened.values.get(Detectors.FIRST_STEP));
                    outcomes.put(prompt, new Outcome(values, null));
                }
            });
        }
        final Map<String, Boolean> truncated = new HashMap<>();
        final List<PromptScore> results = new ArrayList<>(request.prompts().size());
        for (final String prompt : request.prompts()) {
            final Outcome outcome = outcomes.get(prompt);
            final boolean cut = truncated.computeIfAbsent(prompt, model::isTruncated);
            final String error = outcome.error != null ? outcome.error : checkFinite(outcome.values, request.mode());
            results.add(error != null ? new PromptScore(outcome.values, cut, error) : new PromptScore(outcome.values, cut, null));
        }
        return results;
    }

    /** Why the deciding value is unusable, or null. In two-stage mode a screened-out prompt is decided by its first step. */
    private static String checkFinite(final Map<String, Double> values, final ScoringMode mode) {
        for (final Map.Entry<String, Double> value : values.entrySet()) {
            if (!Double.isFinite(value.getValue())) {
                return "not a finite score: " + value.getKey() + " is " + value.getValue();
            }
        }
        final boolean decided = values.containsKey(mode.decidingDetector())
                || (mode == ScoringMode.TWO_STAGE && values.containsKey(Detectors.FIRST_STEP));
        return decided ? null : "no " + mode.decidingDetector() + " was computed";
    }

    private record Outcome(Map<String, Double> values, String error) {
    }

    private void run(final List<String> prompts, final MemorizationScorer.Options options, final Map<String, Outcome> outcomes,
                     final IntConsumer progress, final BooleanSupplier scheduled) {
        int done = 0;
        for (int start = 0; start < prompts.size(); start += options.batchSize()) {
            final List<String> slice = prompts.subList(start, Math.min(prompts.size(), start + options.batchSize()));
            if (!scheduled.getAsBoolean()) {
                slice.forEach(prompt -> outcomes.put(prompt, new Outcome(Map.of(), "stopped before this prompt was scored")));
                continue;
            }
            try {
                final List<MemorizationScorer.Score> scores = scorer.score(slice, options, finished -> { });
                for (int i = 0; i < slice.size(); i++) {
                    outcomes.put(slice.get(i), new Outcome(scores.get(i).values(), null));
                }
            } catch (final RuntimeException e) {
                final String reason = "scoring failed: " + e.getClass().getSimpleName();
                slice.forEach(prompt -> outcomes.put(prompt, new Outcome(Map.of(), reason)));
            }
            done += slice.size();
            progress.accept(done);
        }
    }

    private MemorizationScorer.Options options(final SamplingSettings sampling, final boolean firstStepOnly) {
        return new MemorizationScorer.Options(sampling.generations(), sampling.steps(),
                sampling.guidanceOr(model.config().guidanceScale()), sampling.batchSize(), sampling.seed(), null, firstStepOnly);
    }
}
