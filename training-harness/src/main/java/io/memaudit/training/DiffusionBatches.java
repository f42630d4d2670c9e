package io.memaudit.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.Batchifier;
import ai.djl.util.Progress;
import io.memaudit.core.random.GaussianNoise;
import io.memaudit.diffusion.DdimScheduler;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * The batches of one training run, one per optimizer step: rows drawn with replacement, the caption replaced by the
 * empty prompt with the caption-dropout probability, timesteps uniform over the training schedule, Gaussian noise, and
 * the latents noised to those timesteps. Data: noisy latents, timesteps, caption token ids (and the empty prompt's ids
 * when the filter needs the unconditional prediction); label: the noise.
 *
 * <p>Every draw of step k comes from its own generator seeded with (seed, k), so a step's batch does not depend on how
 * the batches are iterated, and the batches are those of the hand-written loop this class replaced.
 */
final class DiffusionBatches implements Dataset {
    private final NDArray latents;
    private final long[][] captionIds;
    private final long[] emptyIds;
    private final DiffusionTrainer.Options options;
    private final DdimScheduler schedule;
    private final int trainTimesteps;
    private final IntFunction<Shape> latentShape;

    /**
     * @param latents [N, C, H, W] of every example
     * @param captionIds every example's caption token ids
     * @param emptyIds the empty prompt's token ids
     * @param latentShape the latent shape of a batch of the given size
     */
    DiffusionBatches(final NDArray latents, final long[][] captionIds, final long[] emptyIds,
                     final DiffusionTrainer.Options options, final DdimScheduler schedule, final int trainTimesteps,
                     final IntFunction<Shape> latentShape) {
        this.latents = latents;
        this.captionIds = captionIds;
        this.emptyIds = emptyIds;
        this.options = options;
        this.schedule = schedule;
        this.trainTimesteps = trainTimesteps;
        this.latentShape = latentShape;
    }

    @Override
    public Iterable<Batch> getData(final NDManager manager) {
        return () -> new Iterator<>() {
            private int step;

            @Override
            public boolean hasNext() {
                return step < options.steps();
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("all " + options.steps() + " steps were drawn");
                }
                return batch(manager.newSubManager(), step++);
            }
        };
    }

    /** The batch of {@code step}, on {@code manager} (which the batch owns and closes). */
    Batch batch(final NDManager manager, final int step) {
        final SplittableRandom random = new SplittableRandom(options.seed() * 1_000_003L + step);
        final int batch = options.batchSize();
        final long[] indices = new long[batch];
        final long[][] ids = new long[batch][];
        final long[] timesteps = new long[batch];
        final float[] signal = new float[batch];
        final float[] noiseScale = new float[batch];
        for (int i = 0; i < batch; i++) {
            indices[i] = random.nextInt(captionIds.length);
            ids[i] = random.nextDouble() < options.captionDropout() ? emptyIds : captionIds[(int) indices[i]];
            timesteps[i] = random.nextInt(trainTimesteps);
            final double alphaBar = schedule.alphaCumprod((int) timesteps[i]);
            signal[i] = (float) Math.sqrt(alphaBar);
            noiseScale[i] = (float) Math.sqrt(1 - alphaBar);
        }
        final Shape shape = latentShape.apply(batch);
        final NDArray noise = manager.create(GaussianNoise.sample(random.nextLong(), (int) shape.size()), shape);
        final NDArray clean = latents.get(manager.create(indices));
        clean.attach(manager); // a gather lands in the source's manager: without this every step's batch stays alive
        final NDArray noisy = clean.mul(manager.create(signal).reshape(batch, 1, 1, 1))
                .add(noise.mul(manager.create(noiseScale).reshape(batch, 1, 1, 1)));
        final NDList data = new NDList(noisy, manager.create(timesteps), manager.create(ids));
        if (options.filtered()) {
            final long[][] empty = new long[batch][];
            Arrays.fill(empty, emptyIds);
            data.add(manager.create(empty));
        }
        return new Batch(manager, data, new NDList(noise), batch, Batchifier.STACK, Batchifier.STACK, step, options.steps());
    }

    @Override
    public void prepare(final Progress progress) {
        // everything is in memory already
    }
}
