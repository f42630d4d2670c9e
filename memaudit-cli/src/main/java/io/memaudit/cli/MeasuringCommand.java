package io.memaudit.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The commands that measure trained models and report (demo, experiment, compare, detection): how models are measured
 * ({@link EvaluationOptions}), where the report goes, and the clock its seconds are taken from, declared once.
 */
abstract class MeasuringCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    EvaluationOptions evaluation;

    @Override
    public final Integer call() throws Exception {
        return run(spec.commandLine().getOut(), System.nanoTime());
    }

    /**
     * The command itself.
     *
     * @param out where it reports
     * @param started {@link System#nanoTime()} when it started
     * @return the exit code
     */
    abstract int run(PrintWriter out, long started) throws Exception;

    /** Seconds since {@code started}. */
    static double secondsSince(final long started) {
        return (System.nanoTime() - started) / 1e9;
    }
}
