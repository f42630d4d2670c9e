package io.memaudit.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar with throughput and ETA on stderr, redrawn by a daemon thread so the work loop pays nothing; or, without
 * a terminal (a log file), one line each time another tenth of the work is done.
 */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;

    private final String label;
    private final Unit unit;
    private final long total;
    private final LongSupplier done;
    private final PrintStream out;
    private final long started = System.nanoTime();
    private final Thread painter;
    private volatile boolean running = true;
    private final boolean lines;
    private int tenthsPrinted;

    private ProgressBar(final String label, final long total, final LongSupplier done, final Unit unit, final PrintStream out,
                        final boolean lines) {
        this.label = label;
        this.unit = unit;
        this.total = Math.max(1, total);
        this.done = done;
        this.out = out;
        this.lines = lines;
        this.painter = Thread.ofPlatform().daemon().name("memaudit-progress").start(this::paintLoop);
    }

    /** What the bar counts: bytes (shown as MB/s) or items such as files or prompts (shown as items/s). */
    record Unit(String rateName, double scale) {
        static final Unit BYTES = new Unit("MB/s", 1e6);

        static Unit items(final String name) {
            return new Unit(name + "/s", 1);
        }
    }

    /** Starts a bar, or returns a no-op when {@code enabled} is false. */
    static AutoCloseable start(final boolean enabled, final String label, final long total, final LongSupplier done,
                               final Unit unit) {
        return enabled ? new ProgressBar(label, total, done, unit, System.err, false) : () -> { };
    }

    /** One progress line per tenth of the work on {@code out}, whatever the terminal. */
    static ProgressBar lines(final String label, final long total, final LongSupplier done, final Unit unit,
                             final PrintStream out) {
        return new ProgressBar(label, total, done, unit, out, true);
    }

    /** A bar in a terminal, else one progress line per tenth of the work (for logs of long runs). */
    static AutoCloseable barOrLines(final String label, final long total, final LongSupplier done, final Unit unit) {
        return new ProgressBar(label, total, done, unit, System.err, System.console() == null);
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
        if (lines) {
            printLines(false);
            return;
        }
        final long current = Math.min(done.getAsLong(), total);
        final double fraction = current / (double) total;
        final double seconds = (System.nanoTime() - started) / 1e9;
        final double rate = current / Math.max(seconds, 1e-9) / unit.scale();
        final double eta = fraction > 0 ? seconds * (1 - fraction) / fraction : Double.NaN;
        final int filled = (int) Math.round(fraction * WIDTH);
        out.print(String.format(Locale.ROOT, "\r%s [%s%s] %5.1f%% %7.1f %s ETA %s ", label, "#".repeat(filled),
                " ".repeat(WIDTH - filled), fraction * 100, rate, unit.rateName(), Double.isNaN(eta) ? "--" : String.format(Locale.ROOT, "%.0fs", eta)));
        out.flush();
    }

    /** Prints a line for every tenth reached since the last one printed (and the last one at the end). */
    private void printLines(final boolean finished) {
        final long current = Math.min(done.getAsLong(), total);
        final int tenths = (int) (10 * current / total);
        final double seconds = (System.nanoTime() - started) / 1e9;
        if (tenths > tenthsPrinted || finished && tenthsPrinted < 10 && current == total) {
            tenthsPrinted = Math.max(tenths, tenthsPrinted);
            final double fraction = current / (double) total;
            final double eta = fraction > 0 ? seconds * (1 - fraction) / fraction : Double.NaN;
            out.println(String.format(Locale.ROOT, "%s: %d/%d (%3.0f%%) %.1f %s, %.0f s elapsed, ETA %s", label, current, total,
                    fraction * 100, current / Math.max(seconds, 1e-9) / unit.scale(), unit.rateName(), seconds,
                    Double.isNaN(eta) ? "--" : String.format(Locale.ROOT, "%.0f s", eta)));
            out.flush();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        painter.interrupt();
        painter.join();
        if (lines) {
            printLines(true);
            return;
        }
        paint();
        out.println();
    }
}
