package io.memaudit.training;

import java.util.function.IntConsumer;

/** Progress of one training run: receives the number of steps done, closed when the run ends (a progress bar, or nothing). */
public interface StepProgress extends IntConsumer, AutoCloseable {

    /** Opens the progress of a run of {@code steps} steps called {@code label}. */
    @FunctionalInterface
    interface Factory {
        StepProgress start(String label, int steps);

        /** Progress that goes nowhere. */
        static Factory none() {
            return (label, steps) -> new StepProgress() {
                @Override
                public void accept(final int done) {
                }

                @Override
                public void close() {
                }
            };
        }
    }

    @Override
    void close();
}
