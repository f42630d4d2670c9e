package io.memaudit.diffusion;

import io.memaudit.core.scoring.DetectorDescription;

/**
 * A memorization signal read off the sampling trajectory. A new detector is one implementation and one entry in
 * {@link DetectorRegistry}: the scorer, the NiFi service and processor and the CLI write every registered detector's value
 * under its name without knowing it.
 */
public interface Detector {

    DetectorDescription description();

    /** A fresh accumulator for one batch of {@code prompts} prompts of {@code generations} samples each. */
    Accumulator start(int prompts, int generations, int stepsToRun);

    /** Watches one batch's trajectory and then gives one value per prompt. */
    interface Accumulator extends SamplingTrajectory.Observer {
        /** One value per prompt, in the batch's order. */
        double[] values();
    }
}
