package io.memaudit.training;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.util.function.IntConsumer;

/** Tells a progress display how many steps have been computed (forward and backward done; the update follows). */
final class StepCounter extends TrainingListenerAdapter {
    private final IntConsumer progress;

    StepCounter(final IntConsumer progress) {
        this.progress = progress;
    }

    @Override
    public void onTrainingBatch(final Trainer trainer, final BatchData batchData) {
        progress.accept(Math.toIntExact(batchData.getBatch().getProgress()) + 1);
    }
}
