package io.memaudit.nifi;

import io.memaudit.core.diffusion.BundleConfig;
import io.memaudit.core.diffusion.MemorizationScorer;
import io.memaudit.core.diffusion.PromptSignificance;
import io.memaudit.core.markers.MarkerFinder;
import java.util.List;
import org.apache.nifi.controller.ControllerService;

/**
 * A diffusion model bundle loaded once and shared by every processor that scores with it. Scoring is thread-safe; the
 * service bounds the batch size so concurrent tasks do not exhaust memory.
 */
public interface DiffusionModelService extends ControllerService {

    /** The loaded bundle's configuration (shapes, scheduler, default guidance). */
    BundleConfig config();

    /** Scores prompts in order (see {@link MemorizationScorer}); the batch size is capped at the service's maximum. */
    List<MemorizationScorer.Score> score(List<String> prompts, MemorizationScorer.Options options);

    /**
     * Token significance of prompts (see {@link io.memaudit.core.diffusion.TokenSignificance}) over the first
     * {@code significanceSteps} steps of the same trajectories {@link #score} follows, grouped into words and markers.
     */
    List<PromptSignificance> significance(List<String> prompts, MemorizationScorer.Options options, int significanceSteps,
                                          MarkerFinder markers);

    /** Whether a prompt is longer than the text encoder takes (it is truncated). */
    boolean isTruncated(String prompt);
}
