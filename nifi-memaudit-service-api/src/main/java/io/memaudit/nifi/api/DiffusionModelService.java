package io.memaudit.nifi.api;

import io.memaudit.core.markers.MarkerFinder;
import io.memaudit.core.scoring.DetectorDescription;
import io.memaudit.core.scoring.PromptScore;
import io.memaudit.core.scoring.PromptSignificance;
import io.memaudit.core.scoring.SamplingSettings;
import io.memaudit.core.scoring.ScoringRequest;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.nifi.controller.ControllerService;

/**
 * A diffusion model bundle loaded once and shared by every processor that scores with it. Scoring is thread-safe; the
 * service bounds the batch size so concurrent tasks do not exhaust memory. Speaks only memaudit-core's types, so that
 * processors need neither DJL nor libtorch.
 */
public interface DiffusionModelService extends ControllerService {

    /** The detectors every score carries, in output order (each name is also the record field of its value). */
    List<DetectorDescription> detectors();

    /**
     * Scores a request (memaudit's one scoring path: the same code as {@code memaudit score}); one result per requested
     * prompt, in order. Fails closed: a prompt without a finite score carries an error.
     *
     * @param scheduled checked between batches; when false, the remaining prompts fail with "stopped"
     */
    List<PromptScore> score(ScoringRequest request, BooleanSupplier scheduled);

    /**
     * Token significance of prompts over the first {@code significanceSteps} steps of the same trajectories
     * {@link #score} follows, grouped into words and markers.
     */
    List<PromptSignificance> significance(List<String> prompts, SamplingSettings sampling, int significanceSteps,
                                          MarkerFinder markers);
}
