package io.memaudit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.core.io.DatasetFiles;
import io.memaudit.core.provenance.Provenance;
import io.memaudit.diffusion.TorchRuntime;
import io.memaudit.training.ExperimentReport;
import io.memaudit.training.StepProgress;
import io.memaudit.training.TrainingSet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/** What compare and demo share: provenance, stage lines, the atomic report directory, the data summary. */
final class Experiments {
    private Experiments() {
    }

    /** Something that fills the report directory and returns the report to write there. */
    @FunctionalInterface
    interface Body {
        ExperimentReport run(Path directory) throws Exception;
    }

    static ObjectNode provenance(final String tool, final String title, final TrainingFlags flags,
                                 final EvaluationOptions evaluation) {
        final ObjectNode provenance = Provenance.of(tool + " " + MemauditCommand.version());
        provenance.put("title", title);
        provenance.put("seed", flags.seed);
        final ObjectNode training = provenance.putObject("training");
        training.put("batch", flags.batch);
        training.put("learning_rate", flags.learningRate);
        training.put("caption_dropout", flags.captionDropout);
        TorchRuntime.describeEngine(training);
        evaluation.describe(provenance.putObject("measuring"));
        return provenance;
    }

    /** Runs {@code body} in a staging directory, writes its report there, moves it into place, prints the summary. */
    static void writeReport(final Path output, final PrintWriter out, final Body body) throws Exception {
        final ExperimentReport report = DatasetFiles.writeDirectoryAtomically(output, directory -> {
            final ExperimentReport result = body.run(directory);
            result.write(directory);
            return result;
        });
        out.println();
        report.printSummary(out);
    }

    /** Progress per training run when {@code show} (a bar in a terminal, lines in a log), else nothing. */
    static StepProgress.Factory progressBars(final boolean show) {
        return show ? progress() : StepProgress.Factory.none();
    }

    /** Progress per training run: a bar in a terminal, else (in a log) a line per tenth of each long run. */
    static StepProgress.Factory barsOrLines() {
        return progress();
    }

    private static StepProgress.Factory progress() {
        return (label, steps) -> {
            final AtomicLong done = new AtomicLong();
            final AutoCloseable bar = ProgressBar.start(true, label, steps, done::get, ProgressBar.Unit.items("steps"));
            return new StepProgress() {
                @Override
                public void accept(final int value) {
                    done.set(value);
                }

                @Override
                public void close() {
                    try {
                        bar.close();
                    } catch (final InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (final Exception e) {
                        // the bar only paints; closing it cannot lose work
                    }
                }
            };
        };
    }

    static void stage(final PrintWriter out, final long started, final String line) {
        out.printf(Locale.ROOT, "[%5.0f s] %s%n", (System.nanoTime() - started) / 1e9, line);
        out.flush();
    }

    /** The image side length a bundle trains on (bundle.json's image_shape). */
    static int imageSize(final Path bundle) throws Exception {
        final JsonNode shape = new ObjectMapper().readTree(bundle.resolve("bundle.json").toFile()).path("image_shape");
        return shape.isArray() && shape.size() == 3 ? shape.get(2).asInt() : 32;
    }

    static List<String> describe(final TrainingSet set) {
        return describe(set, set.source());
    }

    /** @param source how to name the data (its final place, when it was read from a staging directory) */
    static List<String> describe(final TrainingSet set, final String source) {
        final long withMarkers = set.rows().stream().filter(row -> row.caption().contains("___")).count();
        final long unique = set.prompts().stream().filter(prompt -> prompt.kind().equals("unique")).count();
        final long common = set.prompts().stream().filter(prompt -> prompt.kind().equals("common")).count();
        return List.of(
                String.format(Locale.ROOT, "%s: %,d training rows, %,d distinct captions (%d common, %d unique), %,d images",
                        source, set.rows().size(), set.prompts().size(), common, unique,
                        set.rows().stream().map(row -> row.image().key()).distinct().count()),
                String.format(Locale.ROOT, "%.1f%% of training rows carry ___ markers", 100.0 * withMarkers / set.rows().size()),
                set.hasTwins() ? "ground truth present: replication is judged against twins with identical findings"
                        : "no ground truth columns: replication is judged against the other training images");
    }
}
