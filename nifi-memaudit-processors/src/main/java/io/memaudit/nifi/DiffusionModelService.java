package io.memaudit.nifi;

import io.memaudit.core.diffusion.BundleConfig;
import io.memaudit.core.diffusion.MemorizationScorer;
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

    /** Whether a prompt is longer than the text encoder takes (it is truncated). */
    boolean isTruncated(String prompt);
}
