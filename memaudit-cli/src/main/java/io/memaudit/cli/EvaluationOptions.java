package io.memaudit.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.training.ModelEvaluator;
import picocli.CommandLine.Option;

/** How trained models are measured: the flags shared by compare and demo. */
final class EvaluationOptions {

    @Option(names = "--generations", paramLabel = "G", defaultValue = "4", description = "dmem trajectories per caption. Default: ${DEFAULT-VALUE}.")
    int generations = 4;

    @Option(names = "--eval-steps", paramLabel = "T", defaultValue = "20", description = "DDIM steps when measuring. Default: ${DEFAULT-VALUE}.")
    int steps = 20;

    @Option(names = "--guidance", paramLabel = "W", defaultValue = "7.5", description = "Guidance for dmem. Default: ${DEFAULT-VALUE}.")
    double guidance = 7.5;

    @Option(names = "--replication-samples", paramLabel = "N", defaultValue = "4",
            description = "Samples per caption for replication and diversity. Default: ${DEFAULT-VALUE}.")
    int replicationSamples = 4;

    @Option(names = "--replication-guidance", paramLabel = "W", defaultValue = "2.5",
            description = "Guidance of those samples (a tiny pixel model's samples saturate at 7.5). Default: ${DEFAULT-VALUE}.")
    double replicationGuidance = 2.5;

    @Option(names = "--twins", paramLabel = "N", defaultValue = "10",
            description = "Reference images with identical findings per training image (synthetic data). Default: ${DEFAULT-VALUE}.")
    int twins = 10;

    @Option(names = "--significance-steps", paramLabel = "K", defaultValue = "3",
            description = "First steps averaged for token significance (0 skips it). Default: ${DEFAULT-VALUE}.")
    int significanceSteps = 3;

    ModelEvaluator.Settings settings(final long seed) {
        return new ModelEvaluator.Settings(generations, steps, guidance, 8, seed, replicationSamples, replicationGuidance, twins,
                significanceSteps, 2);
    }

    /** Writes these settings into a report's or bundle's provenance. */
    void describe(final ObjectNode measuring) {
        measuring.put("generations", generations);
        measuring.put("steps", steps);
        measuring.put("guidance", guidance);
        measuring.put("replication_samples", replicationSamples);
        measuring.put("replication_guidance", replicationGuidance);
        measuring.put("twins", twins);
        measuring.put("significance_steps", significanceSteps);
    }
}
