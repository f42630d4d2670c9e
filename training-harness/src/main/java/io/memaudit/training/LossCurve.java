package io.memaudit.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Records a run's loss curve: every {@code every} steps (and at the last step) the mean over those steps of the batch's
 * unfiltered epsilon MSE; with Wen et al.'s filter on, also how many samples the filter left out.
 */
final class LossCurve extends TrainingListenerAdapter {
    private final int every;
    private final int steps;
    private final double threshold;
    private final List<double[]> points = new ArrayList<>();
    private double sum;
    private long filtered;

    /** @param threshold the filter's threshold, or NaN without the filter */
    LossCurve(final int every, final int steps, final double threshold) {
        this.every = every;
        this.steps = steps;
        this.threshold = threshold;
    }

    @Override
    public void onTrainingBatch(final Trainer trainer, final BatchData batchData) {
        final int step = Math.toIntExact(batchData.getBatch().getProgress());
        double loss = 0;
        for (final Map.Entry<ai.djl.Device, NDList> split : batchData.getLabels().entrySet()) {
            final NDList predictions = batchData.getPredictions().get(split.getKey());
            final NDArray perSample = EpsilonLoss.perSample(split.getValue().singletonOrThrow(), predictions.get(0));
            final long size = perSample.getShape().get(0);
            loss += perSample.mean().getFloat() * ((double) size / batchData.getBatch().getSize());
            if (!Double.isNaN(threshold)) {
                filtered += size - Math.round(EpsilonLoss.keep(predictions, threshold).sum().getFloat());
            }
        }
        sum += loss;
        if ((step + 1) % every == 0 || step + 1 == steps) {
            points.add(new double[] {step + 1, sum / ((step % every) + 1)});
            sum = 0;
        }
    }

    /** [step, mean loss] pairs. */
    List<double[]> points() {
        return List.copyOf(points);
    }

    /** Samples the filter left out. */
    long filtered() {
        return filtered;
    }
}
