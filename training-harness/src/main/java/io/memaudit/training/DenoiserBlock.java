package io.memaudit.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The noise predictor being trained: a bundle's text encoder and UNet as one DJL block, eps(x_t, t, caption).
 *
 * <p>Inputs: noisy latents [B, C, H, W], timesteps [B] (int64), caption token ids [B, L] (int64) and, when Wen et al.'s
 * filter is on, the empty prompt's token ids [B, L]. Outputs: the predicted noise [B, C, H, W] and, with the fourth
 * input, the unconditional prediction (no gradient), which {@link EpsilonLoss} compares with the conditional one.
 */
final class DenoiserBlock extends AbstractBlock {
    private final Block textEncoder;
    private final Block unet;
    private final List<Parameter> parameters = new ArrayList<>();

    DenoiserBlock(final Block textEncoder, final Block unet) {
        this.textEncoder = addChildBlock("text_encoder", textEncoder);
        this.unet = addChildBlock("unet", unet);
        getParameters().forEach(pair -> parameters.add(pair.getValue()));
    }

    @Override
    protected NDList forwardInternal(final ParameterStore parameterStore, final NDList inputs, final boolean training,
                                     final PairList<String, Object> params) {
        register(parameterStore, inputs.head().getDevice(), training);
        final NDArray noisy = inputs.get(0);
        final NDArray time = inputs.get(1);
        final NDArray predicted = predict(parameterStore, noisy, time, inputs.get(2), training);
        if (inputs.size() == 3) {
            return new NDList(predicted);
        }
        final NDArray unconditional = predict(parameterStore, noisy, time, inputs.get(3), training).stopGradient();
        return new NDList(predicted, unconditional);
    }

    private NDArray predict(final ParameterStore parameterStore, final NDArray noisy, final NDArray time, final NDArray ids,
                            final boolean training) {
        final NDArray hidden = textEncoder.forward(parameterStore, new NDList(ids), training).singletonOrThrow();
        return unet.forward(parameterStore, new NDList(noisy, time, hidden), training).singletonOrThrow();
    }

    /**
     * TorchScript modules read their own tensors and never ask the parameter store for them; announcing every tensor
     * here is what lets the Trainer's optimizer update them. A store that hands back a copy (another device) would train a
     * copy the module never reads, so that is refused.
     */
    private void register(final ParameterStore parameterStore, final Device device, final boolean training) {
        for (final Parameter parameter : parameters) {
            if (parameterStore.getValue(parameter, device, training) != parameter.getArray()) {
                throw new IllegalStateException("The TorchScript text encoder and UNet live on "
                        + parameter.getArray().getDevice() + " but the trainer runs a split on " + device + ": DJL's "
                        + "data-parallel training mirrors parameters the TorchScript forward never reads, so training "
                        + "runs on the one device the bundle was loaded on; pass that single device");
            }
        }
    }

    /** The children are loaded TorchScript modules: their tensors hold the bundle's weights and must not be reset. */
    @Override
    protected void initializeChildBlocks(final NDManager manager, final DataType dataType, final Shape... inputShapes) {
    }

    @Override
    public Shape[] getOutputShapes(final Shape[] inputShapes) {
        return inputShapes.length == 3 ? new Shape[] {inputShapes[0]} : new Shape[] {inputShapes[0], inputShapes[0]};
    }
}
