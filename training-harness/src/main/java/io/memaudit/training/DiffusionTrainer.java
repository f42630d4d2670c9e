package io.memaudit.training;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.core.io.DatasetFiles;
import io.memaudit.core.provenance.Provenance;
import io.memaudit.core.random.GaussianNoise;
import io.memaudit.diffusion.BundleException;
import io.memaudit.diffusion.BundleIntegrity;
import io.memaudit.diffusion.DdimScheduler;
import io.memaudit.diffusion.DiffusionModel;
import io.memaudit.diffusion.TorchRuntime;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Trains (or fine-tunes) a model bundle's text encoder and UNet on captioned images with the standard epsilon-prediction
 * DDPM objective, in DJL: the TorchScript modules are loaded with trainable tensors, trained by DJL's {@code Trainer}
 * (Adam, the epsilon loss, listeners for progress, the loss curve and checkpoints), and written back as TorchScript, so
 * the result is a bundle like any other (loadable by {@link DiffusionModel} and by Python's torch).
 *
 * <p>Per step: a batch of rows drawn with replacement (a row that appears k times in the data is drawn k times as
 * often: duplication is what memorization feeds on), timesteps uniform over the training schedule, Gaussian noise, and
 * the caption replaced by the empty prompt with probability {@code captionDropout} (what classifier-free guidance
 * needs). Everything random comes from the seed, so a run is repeatable.
 *
 * <p>Optionally Wen et al.'s training-time mitigation: samples whose text-conditional noise prediction departs from the
 * unconditional one by more than a threshold (||eps(x_t, c) - eps(x_t, "")||_2, the per-sample dmem) are left out of the
 * loss. The threshold is the {@code filterQuantile} of that magnitude over the training data under the starting model.
 */
public final class DiffusionTrainer implements AutoCloseable {
    private final Path bundle;
    private final DiffusionModel base;
    private final Model textEncoder;
    private final Model unet;
    private final NDManager manager;
    private final long[] imageShape;

    /** A training pair: the caption and its image [C, H, W] in [0, 1] (flattened), C, H, W as bundle.json's image_shape. */
    public record Example(String caption, float[] image) {
    }

    /**
     * @param steps optimizer steps
     * @param batchSize examples per step
     * @param learningRate Adam's learning rate
     * @param captionDropout probability of training a pair on the empty prompt
     * @param seed every random choice derives from it
     * @param filterQuantile NaN for plain training; otherwise drop samples above this quantile of the per-sample magnitude
     * @param lossEvery record the mean loss of every this many steps
     */
    public record Options(int steps, int batchSize, double learningRate, double captionDropout, long seed,
                          double filterQuantile, int lossEvery) {
        public Options {
            if (steps < 0 || batchSize < 1 || lossEvery < 1 || !(learningRate > 0) || !(captionDropout >= 0 && captionDropout < 1)) {
                throw new IllegalArgumentException("steps >= 0, batch >= 1, learning rate > 0 and caption dropout in [0, 1) "
                        + "are required (got " + steps + ", " + batchSize + ", " + learningRate + ", " + captionDropout + ")");
            }
            if (!Double.isNaN(filterQuantile) && !(filterQuantile > 0 && filterQuantile < 1)) {
                throw new IllegalArgumentException("filter quantile " + filterQuantile + " must be in (0, 1)");
            }
        }

        /** Whether Wen et al.'s per-sample filter is on. */
        public boolean filtered() {
            return !Double.isNaN(filterQuantile);
        }
    }

    /**
     * What a run did.
     *
     * @param lossCurve [step, mean loss over the preceding lossEvery steps] pairs
     * @param filterThreshold the per-sample magnitude above which samples were dropped (NaN without the filter)
     * @param filteredSamples samples left out of the loss
     * @param dataFingerprint SHA-256 of the captions and images in order
     */
    public record Result(List<double[]> lossCurve, double filterThreshold, long filteredSamples, String dataFingerprint,
                         double seconds) {
    }

    /** Loads {@code bundle} for training on {@code device} (null: DJL's default). */
    public DiffusionTrainer(final Path bundle, final Device device) throws BundleException {
        this.bundle = bundle;
        this.base = DiffusionModel.load(bundle, device);
        final List<AutoCloseable> opened = new ArrayList<>(List.of(base));
        try {
            if (!Files.isRegularFile(bundle.resolve("vae_encoder.pt"))) {
                throw new BundleException(bundle.resolve("vae_encoder.pt") + ": missing; training needs the VAE encoder "
                        + "to turn images into latents");
            }
            this.imageShape = imageShape(bundle.resolve("bundle.json"));
            // the trainable copies are second loads: the files must still be the ones the base load verified
            BundleIntegrity.requireUnchanged(bundle, "text_encoder.pt", base.verifiedFiles());
            BundleIntegrity.requireUnchanged(bundle, "unet.pt", base.verifiedFiles());
            BundleIntegrity.requireUnchanged(bundle, "vae_encoder.pt", base.verifiedFiles());
            this.textEncoder = trainable(bundle, "text_encoder", base.device());
            opened.add(textEncoder);
            this.unet = trainable(bundle, "unet", base.device());
            opened.add(unet);
            this.manager = NDManager.newBaseManager(base.device());
        } catch (final BundleException | RuntimeException e) {
            for (final AutoCloseable resource : opened) {
                closeQuietly(resource);
            }
            throw e;
        }
    }

    private static long[] imageShape(final Path file) throws BundleException {
        try {
            final JsonNode shape = new ObjectMapper().readTree(file.toFile()).path("image_shape");
            if (!shape.isArray() || shape.size() != 3) {
                throw new BundleException(file + ": image_shape [C, H, W] is required for training");
            }
            return new long[] {shape.get(0).asLong(), shape.get(1).asLong(), shape.get(2).asLong()};
        } catch (final IOException e) {
            throw new BundleException(file + ": cannot read it (" + e.getMessage() + ")", e);
        }
    }

    private static Model trainable(final Path bundle, final String name, final Device device) throws BundleException {
        final Model model = Model.newInstance(name + "-trainable", device, "PyTorch");
        try {
            model.load(bundle, name, Map.of("trainParam", "true"));
            return model;
        } catch (final IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new BundleException(bundle.resolve(name + ".pt") + ": cannot load it for training (" + e.getMessage() + ")", e);
        }
    }

    /** The bundle being trained, loaded for inference (its tokenizer, config and starting weights). */
    public DiffusionModel base() {
        return base;
    }

    /** The image shape [C, H, W] training examples must have. */
    public long[] imageShape() {
        return imageShape.clone();
    }

    /** Native arrays held after the first and after the latest step: equal when a step leaves nothing behind. */
    final int[] heldArrays = new int[2];

    private int parameterArrays() {
        return textEncoder.getNDManager().getManagedArrays().size() + unet.getNDManager().getManagedArrays().size();
    }

    /** Trains in place; {@code progress} receives the number of steps done. */
    public Result train(final List<Example> examples, final Options options, final IntConsumer progress) {
        return train(examples, options, progress, List.of());
    }

    /**
     * Trains in place; {@code progress} receives the number of steps done and {@code listeners} observe the run beside
     * the trainer's own (for example {@link #checkpoints}).
     */
    public Result train(final List<Example> examples, final Options options, final IntConsumer progress,
                        final List<TrainingListener> listeners) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("No training examples");
        }
        final long started = System.nanoTime();
        final DdimScheduler schedule = new DdimScheduler(base.config().scheduler());
        final int trainTimesteps = base.config().scheduler().trainTimesteps();
        try (NDManager run = manager.newSubManager()) {
            final NDArray latents = encodeImages(run, examples);
            final long[][] captionIds = new long[examples.size()][];
            for (int i = 0; i < examples.size(); i++) {
                captionIds[i] = base.tokenIds(examples.get(i).caption());
            }
            final long[] emptyIds = base.tokenIds("");
            final double threshold = options.filtered()
                    ? calibrateFilter(run, latents, examples, options, trainTimesteps, schedule) : Double.NaN;
            final DiffusionBatches batches = new DiffusionBatches(latents, captionIds, emptyIds, options, schedule,
                    trainTimesteps, base::latentShape);
            final LossCurve curve = new LossCurve(options.lossEvery(), options.steps(), threshold);
            final List<TrainingListener> observers = new ArrayList<>(List.of(curve, new StepCounter(progress)));
            observers.addAll(listeners);
            final TrainingConfig config = new DefaultTrainingConfig(new EpsilonLoss(threshold))
                    .optOptimizer(adam(options))
                    .optDevices(new Device[] {base.device()})
                    .addTrainingListeners(observers.toArray(TrainingListener[]::new));
            try (Model denoiser = Model.newInstance("denoiser", base.device(), "PyTorch")) {
                denoiser.setBlock(new DenoiserBlock(textEncoder.getBlock(), unet.getBlock()));
                try (Trainer trainer = denoiser.newTrainer(config)) {
                    for (final Batch batch : trainer.iterateDataset(batches)) {
                        try (batch) {
                            EasyTrain.trainBatch(trainer, batch);
                            trainer.step();
                        }
                        heldArrays[batch.getProgress() == 0 ? 0 : 1] = run.getManagedArrays().size()
                                + trainer.getManager().getManagedArrays().size() + parameterArrays();
                    }
                    trainer.notifyListeners(listener -> listener.onEpoch(trainer));
                }
            } catch (final IOException | TranslateException e) {
                throw new IllegalStateException("Cannot draw the training batches: " + e.getMessage(), e);
            }
            return new Result(curve.points(), threshold, curve.filtered(), fingerprint(examples),
                    (System.nanoTime() - started) / 1e9);
        }
    }

    /** Adam as the hand-written loop used it: DJL's defaults (betas 0.9, 0.999, epsilon 1e-8) at a fixed learning rate. */
    static Optimizer adam(final Options options) {
        return Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) options.learningRate())).build();
    }

    /**
     * A listener that writes the text encoder and UNet being trained, as TorchScript, to {@code directory/step-NNNNNN}
     * after every {@code every} steps.
     */
    public TrainingListener checkpoints(final Path directory, final int every) {
        if (every < 1) {
            throw new IllegalArgumentException("checkpoint interval " + every + " must be at least 1 step");
        }
        return new TrainingListenerAdapter() {
            private long done;

            @Override
            public void onTrainingBatch(final Trainer trainer, final BatchData batchData) {
                // called before the batch's update: the weights are those after `progress` steps
                write(batchData.getBatch().getProgress());
                done = batchData.getBatch().getProgress() + 1;
            }

            @Override
            public void onTrainingEnd(final Trainer trainer) {
                write(done);
            }

            private void write(final long steps) {
                if (steps == 0 || steps % every != 0) {
                    return;
                }
                final Path target = directory.resolve("step-%06d".formatted(steps));
                try {
                    Files.createDirectories(target);
                    writeModule(textEncoder, target.resolve("text_encoder.pt"));
                    writeModule(unet, target.resolve("unet.pt"));
                } catch (final IOException e) {
                    throw new UncheckedIOException(target + ": cannot write the checkpoint (" + e.getMessage()
                            + "); check that the directory is writable", e);
                }
            }
        };
    }

    /** The filter quantile of ||eps_c - eps_u|| over every example once, at seeded timesteps, under the starting model. */
    private double calibrateFilter(final NDManager run, final NDArray latents, final List<Example> examples,
                                   final Options options, final int trainTimesteps, final DdimScheduler schedule) {
        final int count = examples.size();
        final double[] magnitudes = new double[count];
        final SplittableRandom random = new SplittableRandom(options.seed() ^ 0x5DEECE66DL);
        for (int start = 0; start < count; start += options.batchSize()) {
            final int batch = Math.min(options.batchSize(), count - start);
            try (NDManager work = run.newSubManager()) {
                final long[] indices = new long[batch];
                final long[] timesteps = new long[batch];
                final float[] signal = new float[batch];
                final float[] noiseScale = new float[batch];
                for (int i = 0; i < batch; i++) {
                    indices[i] = start + i;
                    timesteps[i] = random.nextInt(trainTimesteps);
                    final double alphaBar = schedule.alphaCumprod((int) timesteps[i]);
                    signal[i] = (float) Math.sqrt(alphaBar);
                    noiseScale[i] = (float) Math.sqrt(1 - alphaBar);
                }
                final Shape latentShape = base.latentShape(batch);
                final NDArray noise = work.create(GaussianNoise.sample(random.nextLong(), (int) latentShape.size()), latentShape);
                final NDArray clean = latents.get(work.create(indices));
                clean.attach(work);
                final NDArray noisy = clean.mul(work.create(signal).reshape(batch, 1, 1, 1))
                        .add(noise.mul(work.create(noiseScale).reshape(batch, 1, 1, 1)));
                final List<String> prompts = new ArrayList<>(2 * batch);
                for (int i = 0; i < batch; i++) {
                    prompts.add(examples.get(start + i).caption());
                }
                for (int i = 0; i < batch; i++) {
                    prompts.add("");
                }
                final NDArray both = base.predictNoise(noisy.concat(noisy, 0),
                        work.create(timesteps).concat(work.create(timesteps), 0), base.encodeText(work, prompts));
                final float[] values = both.get("0:" + batch).sub(both.get(batch + ":")).square().sum(new int[] {1, 2, 3}).sqrt()
                        .toFloatArray();
                for (int i = 0; i < batch; i++) {
                    magnitudes[start + i] = values[i];
                }
            }
        }
        Arrays.sort(magnitudes);
        return magnitudes[Math.min(count - 1, (int) Math.floor(options.filterQuantile() * count))];
    }

    /** Latents [N, C, H, W] of every example's image through the bundle's VAE encoder, times the scaling factor. */
    private NDArray encodeImages(final NDManager run, final List<Example> examples) {
        final int size = (int) (imageShape[0] * imageShape[1] * imageShape[2]);
        final float[] pixels = new float[examples.size() * size];
        for (int i = 0; i < examples.size(); i++) {
            final float[] image = examples.get(i).image();
            if (image.length != size) {
                throw new IllegalArgumentException("Training example " + i + " has " + image.length + " pixels; the bundle's "
                        + "image_shape " + Arrays.toString(imageShape) + " needs " + size);
            }
            System.arraycopy(image, 0, pixels, i * size, size);
        }
        try (Model encoder = Model.newInstance("vae_encoder", base.device(), "PyTorch")) {
            encoder.load(bundle, "vae_encoder");
            final NDArray images = run.create(pixels, new Shape(examples.size(), imageShape[0], imageShape[1], imageShape[2]));
            final NDArray latents = encoder.getBlock().forward(new ParameterStore(run, false), new NDList(images), false)
                    .singletonOrThrow().mul(base.config().vaeScalingFactor());
            if (!latents.getShape().equals(base.latentShape(examples.size()))) {
                throw new IllegalStateException(bundle.resolve("vae_encoder.pt") + " returns " + latents.getShape()
                        + "; bundle.json's latent_shape needs " + base.latentShape(examples.size()));
            }
            return latents;
        } catch (final IOException | MalformedModelException e) {
            throw new IllegalStateException(bundle.resolve("vae_encoder.pt") + ": cannot load it (" + e.getMessage() + ")", e);
        }
    }

    /** SHA-256 over every example's caption (UTF-8) and image (float32 bits), in order. */
    public static String fingerprint(final List<Example> examples) {
        try {
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (final Example example : examples) {
                digest.update(example.caption().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                final ByteBuffer bytes = ByteBuffer.allocate(example.image().length * 4);
                bytes.asFloatBuffer().put(example.image());
                digest.update(bytes);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes the trained bundle to {@code target} (a new directory, written atomically): the trained text_encoder.pt and
     * unet.pt, the starting bundle's tokenizer and VAE, and a bundle.json whose provenance records how it was made.
     *
     * @param made what to record beside the training result (command, arm, data description ...)
     */
    public void save(final Path target, final Options options, final Result result, final ObjectNode made) throws Exception {
        DatasetFiles.writeDirectoryAtomically(target, directory -> {
            writeModule(textEncoder, directory.resolve("text_encoder.pt"));
            writeModule(unet, directory.resolve("unet.pt"));
            for (final String file : List.of("tokenizer.json", "vae_encoder.pt", "vae_decoder.pt")) {
                if (Files.isRegularFile(bundle.resolve(file))) {
                    Files.copy(bundle.resolve(file), directory.resolve(file));
                }
            }
            final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            final ObjectNode config = (ObjectNode) json.readTree(bundle.resolve("bundle.json").toFile());
            final ObjectNode provenance = Provenance.of("memaudit train");
            provenance.setAll(made);
            final ObjectNode training = provenance.putObject("training");
            training.put("steps", options.steps());
            training.put("batch", options.batchSize());
            training.put("learning_rate", options.learningRate());
            training.put("optimizer", "adam");
            training.put("caption_dropout", options.captionDropout());
            training.put("seed", options.seed());
            training.put("objective", "epsilon prediction, MSE, timesteps uniform over the training schedule");
            if (options.filtered()) {
                training.put("filter", "Wen et al.: drop samples with ||eps_c - eps_u|| above the threshold");
                training.put("filter_quantile", options.filterQuantile());
                training.put("filter_threshold", result.filterThreshold());
                training.put("filtered_samples", result.filteredSamples());
            }
            TorchRuntime.describeEngine(training);
            training.put("data_fingerprint_sha256", result.dataFingerprint());
            training.put("seconds", result.seconds());
            final ArrayNode curve = training.putArray("loss_curve");
            for (final double[] point : result.lossCurve()) {
                curve.addArray().add((long) point[0]).add(point[1]);
            }
            provenance.set("base", config.path("provenance"));
            // every load checks these (BundleIntegrity): the trained modules are new files, the others copies
            provenance.set(BundleIntegrity.FIELD, BundleIntegrity.hashes(directory));
            config.set("provenance", provenance);
            json.writeValue(directory.resolve("bundle.json").toFile(), config);
            return null;
        });
    }

    /**
     * The training result recorded in a bundle this class saved (to reuse a cached bundle), or null when {@code bundle}
     * holds no such record.
     */
    public static Result readResult(final Path bundle) throws IOException {
        final Path file = bundle.resolve("bundle.json");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        final JsonNode training = new ObjectMapper().readTree(file.toFile()).path("provenance").path("training");
        if (!training.has("loss_curve")) {
            return null;
        }
        final List<double[]> curve = new ArrayList<>();
        training.path("loss_curve").forEach(point -> curve.add(new double[] {point.get(0).asDouble(), point.get(1).asDouble()}));
        return new Result(List.copyOf(curve), training.path("filter_threshold").asDouble(Double.NaN),
                training.path("filtered_samples").asLong(0), training.path("data_fingerprint_sha256").asText(),
                training.path("seconds").asDouble());
    }

    private static void writeModule(final Model model, final Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            JniUtils.writeModule((PtSymbolBlock) model.getBlock(), out, false);
        }
    }

    @Override
    public void close() {
        for (final AutoCloseable resource : List.of(manager, unet, textEncoder, base)) {
            closeQuietly(resource);
        }
    }

    private static void closeQuietly(final AutoCloseable resource) {
        try {
            resource.close();
        } catch (final Exception e) {
            // best effort: keep releasing the others
        }
    }
}
