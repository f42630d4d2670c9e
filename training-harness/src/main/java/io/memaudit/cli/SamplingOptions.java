package io.memaudit.cli;

import ai.djl.Device;
import io.memaudit.core.diffusion.DiffusionModel;
import io.memaudit.core.diffusion.MemorizationScorer;
import io.memaudit.core.diffusion.NpyFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The model and sampling flags shared by every command that runs the diffusion model. */
final class SamplingOptions {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model bundle directory (see README, Model bundles).")
    Path model;

    @Option(names = "--steps", paramLabel = "T", defaultValue = "50", description = "DDIM steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--guidance", paramLabel = "W", description = "Guidance scale. Default: the bundle's (RadEdit: 7.5).")
    Double guidance;

    @Option(names = "--batch", paramLabel = "N",
            description = "Prompts per UNet call (each brings 2G samples); results do not depend on it. Default: 8 for score, 6 for mitigate.")
    Integer batch;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of each prompt's initial noise (derived from the seed and the prompt). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--init-noise", paramLabel = "FILE.npy",
            description = "Initial noise [G,C,H,W] (float32 .npy) used for every prompt instead of seeded noise.")
    Path initialNoise;

    @Option(names = "--device", paramLabel = "cpu|gpu|auto", defaultValue = "auto",
            description = "Where to run: auto uses a GPU when DJL finds a CUDA libtorch. Default: ${DEFAULT-VALUE}.")
    String device;

    DiffusionModel load() throws Exception {
        final Device chosen = switch (device.toLowerCase(Locale.ROOT)) {
            case "auto" -> null;
            case "cpu" -> Device.cpu();
            case "gpu" -> Device.gpu();
            default -> throw new IllegalArgumentException("--device '" + device + "': use cpu, gpu or auto");
        };
        return DiffusionModel.load(model, chosen);
    }

    /** Scorer options for {@code generations} trajectories per prompt. */
    MemorizationScorer.Options scorerOptions(final DiffusionModel loaded, final int generations, final int defaultBatch,
                                             final boolean firstStepOnly) throws IOException {
        return new MemorizationScorer.Options(generations, steps, guidance != null ? guidance : loaded.config().guidanceScale(),
                batch != null ? batch : defaultBatch, seed, initialNoise == null ? null : NpyFile.read(initialNoise).values(),
                firstStepOnly);
    }
}
