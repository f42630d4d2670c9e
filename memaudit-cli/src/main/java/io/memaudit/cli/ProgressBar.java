package io.memaudit.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress with throughput and ETA on stderr, drawn by a daemon thread so the work loop pays nothing. In a terminal it is
 * a bar redrawn in place; without one (output to a file or a CI log) it prints one line each time another tenth of the
 * work is done, once the stage has run for {@link #QUIET_SECONDS} seconds, so short stages stay silent and long ones
 * say how far they are.
 */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;
    /** Without a terminal, stages shorter than this print nothing. */
    static final double QUIET_SECONDS = 10;

    private final String label;
    private final Unit unit;
    private final long total;
    private final LongSupplier done;
    private final PrintStream out;
    private final long started = System.nanoTime();
    private final Thread painter;
    private final boolean lines;
    private final double quietSeconds;
    private volatile boolean running = true;
    private int tenthsPrinted;

    private ProgressBar(final String label, final long total, final LongSupplier done, final Unit unit, final PrintStream out,
                        final boolean lines, final double quietSeconds) {
        this.lines = lines;
        this.quietSeconds = quietSeconds;
        this.label = label;
        this.unit = unit;
        this.total = Math.max(1, total);
        this.done = done;
        this.out = out;
        this.painter = Thread.ofPlatform().daemon().name("memaudit-progress").start(this::paintLoop);
    }

    /** What the bar counts: bytes (shown as MB/s) or items such as files or prompts (shown as items/s). */
    record Unit(String rateName, double scale) {
        static final Unit BYTES = new Unit("MB/s", 1e6);

        static Unit items(final String name) {
            return new Unit(name + "/s", 1);
        }
    }

    /** Starts progress (a bar in a terminal, lines without one), or returns a no-op when {@code enabled} is false. */
    static AutoCloseable start(final boolean enabled, final String label, final long total, final LongSupplier done,
                               final Unit unit) {
        return enabled ? new ProgressBar(label, total, done, unit, System.err, System.console() == null, QUIET_SECONDS)
                : () -> { };
    }

    /** One progress line per tenth of the work on {@code out}, whatever the terminal and however short the work. */
    static ProgressBar lines(final String label, final long total, final LongSupplier done, final Unit unit,
                             final PrintStream out) {
        return new ProgressBar(label, total, done, unit, out, true, 0);
    }

    private void paintLoop() {
        while (running) {
            paint();
            try {
                Thread.sleep(200);
            } catch (final InterruptedException e) {
                return;
            }
        }
    }

    private void paint() {
        final long current = Math.min(done.getAsLong(), total);
        final double fraction = current / (double) total;
        final double seconds = (System.nanoTime() - started) / 1e9;
        final double rate = current / Math.max(seconds, 1e-9) / unit.scale();
        final double eta = fraction > 0 ? seconds * (1 - fraction) / fraction : Double.NaN;
        final String etaText = Double.isNaN(eta) ? "--" : String.format(Locale.ROOT, "%.0fs", eta);
        if (lines) {
            final int tenths = (int) (10 * current / total);
            if (tenths > tenthsPrinted && seconds >= quietSeconds) {
                tenthsPrinted = tenths;
                out.println(String.format(Locale.ROOT, "%s: %d/%d (%3.0f%%) %.1f %s, %.0fs elapsed, ETA %s", label, current,
                        total, fraction * 100, rate, unit.rateName(), seconds, etaText));
                out.flush();
            }
            return;
        }
        final int filled = (int) Math.round(fraction * WIDTH);
        out.print(String.format(Locale.ROOT, "\r%s [%s%s] %5.1f%% %7.1f %s ETA %s ", label, "#".repeat(filled),
                " ".repeat(WIDTH - filled), fraction * 100, rate, unit.rateName(), etaText));
        out.flush();
    }

    @Override
    public void close() {
        running = false;
        painter.interrupt();
        try {
            painter.join();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        paint();
        if (!lines) {
            out.println();
        }
    }
}
