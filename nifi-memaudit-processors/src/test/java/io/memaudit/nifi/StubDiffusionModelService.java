package io.memaudit.nifi;

import io.memaudit.core.markers.MarkerFinder;
import io.memaudit.core.scoring.DetectorDescription;
import io.memaudit.core.scoring.Detectors;
import io.memaudit.core.scoring.PromptScore;
import io.memaudit.core.scoring.PromptSignificance;
import io.memaudit.core.scoring.SamplingSettings;
import io.memaudit.core.scoring.ScoringRequest;
import io.memaudit.nifi.api.DiffusionModelService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.apache.nifi.controller.AbstractControllerService;

/**
 * A model service without a model, for tests where the model is not the point (faults around scoring, streaming): a
 * prompt containing "MEMO" scores 0.9, any other 0.1 (first step: half of it), and the test provokes faults through its
 * public fields. Batches follow the request's batch size, as the real service's do.
 */
public class StubDiffusionModelService extends AbstractControllerService implements DiffusionModelService {
    /** A prompt containing this gets NaN values and no error: a service that does not fail closed. */
    public static final String NAN = "NAN";
    /** The batch (0-based) that fails as the real scorer reports a failed batch; -1 for none. */
    public volatile int failingBatch = -1;
    /** Thrown by score() when set (a service disabled mid-task, libtorch throwing). */
    public volatile RuntimeException scoreFailure;
    /** Called before each batch with its index. */
    public volatile IntConsumer beforeBatch = batch -> { };
    /** Prompts scored so far. */
    public volatile long scoredPrompts;

    @Override
    public List<DetectorDescription> detectors() {
        return List.of(new DetectorDescription(Detectors.DMEM, "stub dmem", false),
                new DetectorDescription(Detectors.FIRST_STEP, "stub first step", true));
    }

    @Override
    public List<PromptScore> score(final ScoringRequest request, final BooleanSupplier scheduled) {
        if (scoreFailure != null) {
            throw scoreFailure;
        }
        final List<PromptScore> scores = new ArrayList<>(request.prompts().size());
        final int batchSize = request.sampling().batchSize();
        for (int start = 0, batch = 0; start < request.prompts().size(); start += batchSize, batch++) {
            beforeBatch.accept(batch);
            final List<String> slice = request.prompts().subList(start, Math.min(request.prompts().size(), start + batchSize));
            final boolean stopped = !scheduled.getAsBoolean();
            for (final String prompt : slice) {
                if (stopped) {
                    scores.add(PromptScore.failed("stopped before this prompt was scored", false));
                } else if (batch == failingBatch) {
                    scores.add(PromptScore.failed("scoring failed: EngineException", false));
                } else {
                    final double value = prompt.contains(NAN) ? Double.NaN : prompt.contains("MEMO") ? 0.9 : 0.1;
                    final Map<String, Double> values = new LinkedHashMap<>();
                    values.put(Detectors.DMEM, value);
                    values.put(Detectors.FIRST_STEP, value / 2);
                    scores.add(new PromptScore(values, false, null));
                }
            }
            scoredPrompts += slice.size();
        }
        return scores;
    }

    @Override
    public List<PromptSignificance> significance(final List<String> prompts, final SamplingSettings sampling,
                                                 final int significanceSteps, final MarkerFinder markers) {
        throw new UnsupportedOperationException("the stub has no gradients; set Top Tokens to 0");
    }
}
