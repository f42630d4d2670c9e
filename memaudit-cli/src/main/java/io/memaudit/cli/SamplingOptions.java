package io.memaudit.cli;

import io.memaudit.core.scoring.DeviceSpec;
import io.memaudit.core.scoring.SamplingSettings;
import io.memaudit.diffusion.DiffusionModel;
import io.memaudit.diffusion.MemorizationScorer;
import io.memaudit.diffusion.NpyFile;
import io.memaudit.diffusion.UnetPrecision;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The model and sampling flags shared by every command that runs the diffusion model. */
final class SamplingOptions {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model bundle directory (see README, Model bundles).")
    Path model;

    @Option(names = "--steps", paramLabel = "T", defaultValue = "" + SamplingSettings.DEFAULT_STEPS, description = "DDIM steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--guidance", paramLabel = "W", description = "Guidance scale. Default: the bundle's (RadEdit: 7.5).")
    Double guidance;

    @Option(names = "--batch", paramLabel = "N",
            description = "Prompts per UNet call (each brings 2G samples); results do not depend on it. Default: 8 for score, 6 for mitigate.")
    Integer batch;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "" + SamplingSettings.DEFAULT_SEED,
            description = "Seed of each prompt's initial noise (derived from the seed and the prompt). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--init-noise", paramLabel = "FILE.npy",
            description = "Initial noise [G,C,H,W] (float32 .npy) used for every prompt instead of seeded noise.")
    Path initialNoise;

    @Option(names = "--device", paramLabel = "auto|cpu|gpu|gpu:N", defaultValue = "auto",
            description = "Where to run: auto uses a GPU when DJL finds a CUDA libtorch. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--precision", paramLabel = "float32|float16", defaultValue = "float32",
            description = "UNet number format: float16 runs the bundle's unet.float16.pt (made by "
                    + "tools/convert_unet_precision.py), for GPUs; scores then differ slightly from float32 (see docs/gpu.md). "
                    + "Default: ${DEFAULT-VALUE}.")
    String precision;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    DiffusionModel load() throws Exception {
        final DeviceSpec chosen;
        try {
            chosen = DeviceSpec.parse(device);
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--device: " + e.getMessage());
        }
        final UnetPrecision unetPrecision;
        try {
            unetPrecision = UnetPrecision.of(precision);
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--precision: " + e.getMessage());
        }
        return DiffusionModel.load(model, DiffusionModel.toDevice(chosen), unetPrecision);
    }

    /** The sampling settings of these flags, for {@code generations} trajectories per prompt. */
    SamplingSettings settings(final int generations, final int defaultBatch) {
        return new SamplingSettings(generations, steps, guidance, batch != null ? batch : defaultBatch, seed);
    }

    /** Scorer options for {@code generations} trajectories per prompt. */
    MemorizationScorer.Options scorerOptions(final DiffusionModel loaded, final int generations, final int defaultBatch,
                                             final boolean firstStepOnly) throws IOException {
        final SamplingSettings settings = settings(generations, defaultBatch);
        return new MemorizationScorer.Options(generations, steps, settings.guidanceOr(loaded.config().guidanceScale()),
                settings.batchSize(), seed, initialNoise == null ? null : NpyFile.read(initialNoise).values(), firstStepOnly);
    }
}
