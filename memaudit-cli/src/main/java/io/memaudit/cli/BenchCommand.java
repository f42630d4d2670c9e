package io.memaudit.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.memaudit.diffusion.DiffusionModel;
import io.memaudit.diffusion.MemorizationScorer;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure dmem scoring throughput on this machine, in one run: prompts/s at each batch size (1 first, "
                + "as the baseline), the speed-up of the best batch over batch 1, and the UNet FLOP/s achieved as a fraction "
                + "of dense matrix multiplication FLOP/s measured through the same engine.",
                "The UNet FLOP count comes from bundle.json's unet_flops_per_sample (tools/count_unet_flops.py)."})
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--prompts", paramLabel = "N", defaultValue = "64", description = "Prompts per measurement. Default: ${DEFAULT-VALUE}.")
    int prompts;

    @Option(names = "--generations", paramLabel = "G", defaultValue = "1", description = "Generations per prompt. Default: ${DEFAULT-VALUE}.")
    int generations;

    @Option(names = "--batches", split = ",", paramLabel = "B", defaultValue = "1,2,4,8,16,32",
            description = "Batch sizes to measure; the first is the baseline. Default: ${DEFAULT-VALUE}.")
    List<Integer> batches;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "3", description = "Timed runs per batch size (best kept). Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Override
    public Integer call() throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final List<String> texts = IntStream.range(0, prompts)
                .mapToObj(i -> "Bench prompt " + i + ": compared to ___, small left pleural effusion.").toList();
        try (DiffusionModel model = sampling.load()) {
            final MemorizationScorer scorer = new MemorizationScorer(model);
            scorer.score(texts.subList(0, Math.min(4, texts.size())), sampling.scorerOptions(model, generations, 4, false), done -> { });
            final double matmul = matmulFlopsPerSecond(model);
            final long flops = model.config().unetFlopsPerSample();
            out.printf(Locale.ROOT, "%s on %s: %d prompts x %d generations x %d steps per measurement, best of %d%n",
                    sampling.model, model.device(), prompts, generations, sampling.steps, repeats);
            out.printf(Locale.ROOT, "dense matmul through the engine: %.2f GFLOP/s%n", matmul / 1e9);
            out.printf(Locale.ROOT, "%-6s %12s %10s %14s %10s%n", "batch", "prompts/s", "x batch 1", "UNet GFLOP/s", "of matmul");
            double baseline = Double.NaN;
            double best = 0;
            for (final int batch : batches) {
                final MemorizationScorer.Options options = new MemorizationScorer.Options(generations, sampling.steps,
                        model.config().guidanceScale(), batch, sampling.seed, null, false);
                double seconds = Double.MAX_VALUE;
                for (int repeat = 0; repeat < repeats; repeat++) {
                    final long start = System.nanoTime();
                    scorer.score(texts, options, done -> { });
                    seconds = Math.min(seconds, (System.nanoTime() - start) / 1e9);
                }
                final double rate = prompts / seconds;
                if (Double.isNaN(baseline)) {
                    baseline = rate;
                }
                best = Math.max(best, rate);
                final double achieved = rate * 2.0 * generations * sampling.steps * flops;
                out.printf(Locale.ROOT, "%-6d %12.2f %10.2f %14s %10s%n", batch, rate, rate / baseline,
                        flops == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", achieved / 1e9),
                        flops == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * achieved / matmul));
            }
            out.printf(Locale.ROOT, "best batch: %.2fx the prompts/s of batch %d%n", best / baseline, batches.get(0));
            out.flush();
        }
        return 0;
    }

    /** FLOP/s of 512x512 float32 matrix products through the engine (2 n^3 per product), best of several runs. */
    private static double matmulFlopsPerSecond(final DiffusionModel model) {
        final int n = 512;
        final int products = 20;
        double best = 0;
        try (NDManager manager = model.newSubManager()) {
            final NDArray a = manager.randomUniform(-1, 1, new Shape(n, n));
            final NDArray b = manager.randomUniform(-1, 1, new Shape(n, n));
            for (int run = 0; run < 5; run++) {
                try (NDManager work = manager.newSubManager()) {
                    work.tempAttachAll(a, b);
                    final long start = System.nanoTime();
                    NDArray sum = a.matMul(b);
                    for (int i = 1; i < products; i++) {
                        sum = a.matMul(b);
                    }
                    sum.getFloat(0, 0);
                    final double seconds = (System.nanoTime() - start) / 1e9;
                    best = Math.max(best, products * 2.0 * n * n * n / seconds);
                }
            }
        }
        return best;
    }
}
