package io.memaudit.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The commands that run a model over a prompt dataset (score, tokens, mitigate): the dataset and output
 * ({@link DatasetOptions}), progress, and the model and its sampling ({@link SamplingOptions}), declared once.
 */
abstract class ModelOverDatasetCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatasetOptions io;

    @Mixin
    ProgressOption progress;

    @Mixin
    SamplingOptions sampling;
}
