package io.memaudit.cli;

import picocli.CommandLine.Option;

/** The optimizer flags shared by train, compare and demo. */
final class TrainingFlags {

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32", description = "Examples per step. Default: ${DEFAULT-VALUE}.")
    int batch = 32;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "1e-3", description = "Adam learning rate. Default: ${DEFAULT-VALUE}.")
    double learningRate = 1e-3;

    @Option(names = "--caption-dropout", paramLabel = "P", defaultValue = "0.1",
            description = "Probability of training a pair on the empty prompt (for guidance). Default: ${DEFAULT-VALUE}.")
    double captionDropout = 0.1;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "20250207",
            description = "Seed of every random choice (batches, noise, timesteps, rewrites, sampling). Default: ${DEFAULT-VALUE}.")
    long seed = 20250207L;
}
