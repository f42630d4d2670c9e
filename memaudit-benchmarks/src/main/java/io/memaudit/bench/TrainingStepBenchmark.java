package io.memaudit.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.memaudit.diffusion.DiffusionModel;
import io.memaudit.synthetic.SyntheticChestXrays;
import io.memaudit.training.DiffusionTrainer;
import io.memaudit.training.TrainingSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Training steps per second of {@link DiffusionTrainer} (DJL's Trainer, batches drawn and noised per step, listeners)
 * against a bare DJL loop on the same bundle and batch size (one fixed batch: forward, loss, backward, Adam step, nothing
 * else), measured in one JVM, alternating the two, after a warm-up. Run by hand, not by the tests:
 *
 * <pre>{@code
 * java --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -cp memaudit-benchmarks/target/benchmarks.jar \
 *     io.memaudit.bench.TrainingStepBenchmark [bundle=models/tiny-init] [batch=32] [steps=30] [rounds=5]
 * }</pre>
 */
public final class TrainingStepBenchmark {
    private TrainingStepBenchmark() {
    }

    public static void main(final String[] args) throws Exception {
        final Path bundle = Path.of(args.length > 0 ? args[0] : "models/tiny-init");
        final int batch = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        final int steps = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        final int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        final Path directory = Files.createTempDirectory("memaudit-train-bench");
        try {
            SyntheticChestXrays.write(SyntheticChestXrays.generate(
                    new SyntheticChestXrays.Options(32, 2, 2, 2, 1, 4, List.of(1, 3), 0.3, 0.8, 11L)),
                    directory.resolve("data"), done -> { });
            final List<DiffusionTrainer.Example> examples = TrainingSet.read(directory.resolve("data"), 32).examples();
            final DiffusionTrainer.Options options = new DiffusionTrainer.Options(steps, batch, 1e-4, 0.1, 7L, Double.NaN, steps);
            final double[] harness = new double[rounds];
            final double[] bare = new double[rounds];
            try (DiffusionTrainer trainer = new DiffusionTrainer(bundle, Device.cpu());
                 BareLoop loop = new BareLoop(bundle, batch)) {
                trainer.train(examples, options, done -> { }); // warm-up
                loop.run(steps);
                for (int round = 0; round < rounds; round++) {
                    long started = System.nanoTime();
                    trainer.train(examples, options, done -> { });
                    harness[round] = steps / ((System.nanoTime() - started) / 1e9);
                    started = System.nanoTime();
                    loop.run(steps);
                    bare[round] = steps / ((System.nanoTime() - started) / 1e9);
                    System.out.printf("round %d: DiffusionTrainer %.2f steps/s, bare DJL loop %.2f steps/s%n",
                            round + 1, harness[round], bare[round]);
                }
            }
            final double harnessMedian = median(harness);
            final double bareMedian = median(bare);
            System.out.printf("bundle %s, batch %d, %d steps x %d rounds (medians): DiffusionTrainer %.2f steps/s, "
                            + "bare DJL loop %.2f steps/s, harness time / bare time = %.3f%n",
                    bundle, batch, steps, rounds, harnessMedian, bareMedian, bareMedian / harnessMedian);
        } finally {
            CliBenchmark.deleteRecursively(directory);
        }
    }

    private static double median(final double[] values) {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** The bare loop: the bundle's text encoder and UNet, one fixed batch, epsilon MSE, backward, Adam. */
    private static final class BareLoop implements AutoCloseable {
        private final Model textEncoder;
        private final Model unet;
        private final NDManager manager;
        private final NDList inputs;
        private final NDArray noise;
        private final Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-4f)).build();
        private final List<Pair<String, Parameter>> parameters = new ArrayList<>();

        BareLoop(final Path bundle, final int batch) throws Exception {
            textEncoder = load(bundle, "text_encoder");
            unet = load(bundle, "unet");
            manager = NDManager.newBaseManager(Device.cpu());
            final Shape latentShape;
            final long[] ids;
            try (DiffusionModel model = DiffusionModel.load(bundle, Device.cpu())) {
                latentShape = model.latentShape(batch);
                ids = model.tokenIds("a chest radiograph");
            }
            final Random random = new Random(7);
            final long[][] batchIds = new long[batch][];
            final long[] timesteps = new long[batch];
            for (int i = 0; i < batch; i++) {
                batchIds[i] = ids;
                timesteps[i] = random.nextInt(1000);
            }
            manager.getEngine().setRandomSeed(7);
            inputs = new NDList(manager.randomNormal(latentShape), manager.create(timesteps), manager.create(batchIds));
            noise = manager.randomNormal(latentShape);
            textEncoder.getBlock().getParameters().forEach(parameters::add);
            unet.getBlock().getParameters().forEach(parameters::add);
        }

        private static Model load(final Path bundle, final String name) throws Exception {
            final Model model = Model.newInstance(name, Device.cpu(), "PyTorch");
            model.load(bundle, name, Map.of("trainParam", "true"));
            return model;
        }

        void run(final int steps) {
            for (int step = 0; step < steps; step++) {
                try (NDManager work = manager.newSubManager()) {
                    // outputs land in their inputs' manager: lend the fixed batch to this step's manager so they go with it
                    work.tempAttachAll(inputs, new NDList(noise));
                    final ParameterStore store = new ParameterStore(work, false);
                    try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                        final NDArray hidden = textEncoder.getBlock().forward(store, new NDList(inputs.get(2)), true)
                                .singletonOrThrow();
                        final NDArray predicted = unet.getBlock()
                                .forward(store, new NDList(inputs.get(0), inputs.get(1), hidden), true).singletonOrThrow();
                        final NDArray loss = predicted.sub(noise).square().mean();
                        collector.backward(loss);
                    }
                    for (final Pair<String, Parameter> parameter : parameters) {
                        final NDArray weight = parameter.getValue().getArray();
                        try (NDArray gradient = weight.getGradient()) {
                            adam.update(parameter.getKey(), weight, gradient);
                        }
                    }
                }
            }
        }

        @Override
        public void close() {
            manager.close();
            unet.close();
            textEncoder.close();
        }
    }
}
