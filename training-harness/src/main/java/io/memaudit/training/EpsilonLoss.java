package io.memaudit.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;

/**
 * The DDPM epsilon objective: the mean squared error between the predicted and the true noise, per sample averaged over
 * the latent, then over the batch. With a threshold (Wen et al.'s training-time mitigation), samples whose conditional
 * prediction departs from the unconditional one by more than the threshold, ||eps(x_t, c) - eps(x_t, "")||_2, are left
 * out, and the loss is the mean over the samples kept.
 *
 * <p>Labels: the true noise. Predictions: as {@link DenoiserBlock} returns them (the unconditional one only with a
 * threshold).
 */
final class EpsilonLoss extends Loss {
    private final double threshold;

    /** @param threshold the filter's threshold, or NaN for the plain objective */
    EpsilonLoss(final double threshold) {
        super("epsilon_mse");
        this.threshold = threshold;
    }

    @Override
    public NDArray evaluate(final NDList labels, final NDList predictions) {
        final NDArray perSample = perSample(labels.singletonOrThrow(), predictions.get(0));
        if (Double.isNaN(threshold)) {
            return perSample.mean();
        }
        final NDArray keep = keep(predictions, threshold);
        final float kept = keep.sum().getFloat();
        return perSample.mul(keep).sum().div(Math.max(1f, kept));
    }

    /** The squared error of each sample, averaged over its latent: [B]. */
    static NDArray perSample(final NDArray noise, final NDArray predicted) {
        final long batch = predicted.getShape().get(0);
        return predicted.sub(noise).square().reshape(batch, -1).mean(new int[] {1});
    }

    /** 1 for the samples the filter keeps, 0 for those it drops: [B] float32. */
    static NDArray keep(final NDList predictions, final double threshold) {
        final NDArray magnitude = predictions.get(0).stopGradient().sub(predictions.get(1)).square()
                .sum(new int[] {1, 2, 3}).sqrt();
        return magnitude.lte((float) threshold).toType(DataType.FLOAT32, false);
    }
}
