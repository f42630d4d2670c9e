package io.memaudit.diffusion;

import io.memaudit.core.scoring.DetectorDescription;
import io.memaudit.core.scoring.Detectors;
import java.util.List;

/** The detectors every scoring run offers, in output order. Register a new detector here. */
public final class DetectorRegistry {
    private static final List<Detector> ALL = List.of(new DistanceDetector(Detectors.DMEM, false,
                    "dmem (Wen et al. 2024): mean over steps and generations of ||eps(x_t, prompt) - eps(x_t, \"\")||_2"),
            new DistanceDetector(Detectors.FIRST_STEP, true,
                    "the same distance at the first step only, averaged over generations (the cheap screen)"));

    private DetectorRegistry() {
    }

    public static List<Detector> all() {
        return ALL;
    }

    public static List<DetectorDescription> descriptions() {
        return ALL.stream().map(Detector::description).toList();
    }

    /**
     * Wen et al.'s distance ||eps_c - eps_u||_2, averaged over generations at each step, then over the steps (dmem) or
     * taken at the first step. The arithmetic order (per step: generations in order, each divided by G; then the steps
     * summed and divided by their number) is the reference's, which the golden test pins to 5e-7.
     */
    private record DistanceDetector(String name, boolean firstStepOnly, String text) implements Detector {
        @Override
        public DetectorDescription description() {
            return new DetectorDescription(name, text, firstStepOnly);
        }

        @Override
        public Accumulator start(final int prompts, final int generations, final int stepsToRun) {
            final double[][] perStep = new double[prompts][stepsToRun];
            return new Accumulator() {
                @Override
                public void observe(final SamplingTrajectory.Step step) {
                    if (firstStepOnly && step.index() > 0) {
                        return;
                    }
                    final float[] distances = step.distances();
                    for (int sample = 0; sample < distances.length; sample++) {
                        perStep[sample / generations][step.index()] += distances[sample] / (double) generations;
                    }
                }

                @Override
                public double[] values() {
                    final double[] values = new double[prompts];
                    for (int prompt = 0; prompt < prompts; prompt++) {
                        if (firstStepOnly) {
                            values[prompt] = perStep[prompt][0];
                            continue;
                        }
                        double total = 0;
                        for (final double value : perStep[prompt]) {
                            total += value;
                        }
                        values[prompt] = total / stepsToRun;
                    }
                    return values;
                }
            };
        }
    }
}
