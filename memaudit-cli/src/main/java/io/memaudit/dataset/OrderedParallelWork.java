package io.memaudit.dataset;

import io.memaudit.core.io.MalformedDatasetException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chunks of a dataset computed on worker threads and handed to a sink strictly in the order they were submitted, so the
 * output is the same bytes whatever the thread count. At most two chunks per thread are in flight, which bounds memory.
 * The first chunk (in input order) that failed is the one whose failure is thrown; later chunks are abandoned.
 *
 * @param <R> a computed chunk
 */
final class OrderedParallelWork<R> implements AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();

    /** Receives each computed chunk, in submission order. */
    @FunctionalInterface
    interface Sink<R> {
        void accept(R chunk) throws IOException, MalformedDatasetException;
    }

    /** Computes one chunk. */
    @FunctionalInterface
    interface Task<R> {
        R compute() throws IOException, MalformedDatasetException;
    }

    private final ExecutorService executor;
    private final ArrayDeque<Future<R>> inFlight = new ArrayDeque<>();
    private final int maxInFlight;
    private final Sink<R> sink;

    OrderedParallelWork(final int threads, final Sink<R> sink) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        final int pool = POOLS.incrementAndGet();
        final AtomicInteger count = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(threads, runnable -> {
            final Thread thread = new Thread(runnable, "memaudit-rewrite-" + pool + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.maxInFlight = 2 * threads;
        this.sink = sink;
    }

    /** Queues a chunk; first hands finished chunks to the sink while too many are in flight. */
    void submit(final Task<R> task) throws IOException, MalformedDatasetException {
        while (inFlight.size() >= maxInFlight) {
            drainOne();
        }
        inFlight.add(executor.submit((Callable<R>) task::compute));
    }

    /** Hands every remaining chunk to the sink, in order. */
    void finish() throws IOException, MalformedDatasetException {
        while (!inFlight.isEmpty()) {
            drainOne();
        }
    }

    private void drainOne() throws IOException, MalformedDatasetException {
        final R chunk;
        try {
            chunk = inFlight.removeFirst().get();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while rewriting", e);
        } catch (final ExecutionException e) {
            throw rethrow(e.getCause());
        }
        sink.accept(chunk);
    }

    private static IOException rethrow(final Throwable cause) throws MalformedDatasetException {
        if (cause instanceof MalformedDatasetException malformed) {
            throw malformed;
        }
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof UncheckedIOException unchecked) {
            return unchecked.getCause();
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IOException(cause);
    }

    /** Abandons whatever is still in flight and stops the threads. */
    @Override
    public void close() {
        inFlight.forEach(future -> future.cancel(true));
        inFlight.clear();
        executor.shutdownNow();
    }
}
