package io.memaudit.cli;

import io.memaudit.core.diffusion.DiffusionModel;
import io.memaudit.core.diffusion.MemorizationScorer;
import io.memaudit.dataset.DatasetFiles;
import io.memaudit.dataset.DatasetFormat;
import io.memaudit.dataset.DatasetReader;
import io.memaudit.dataset.RecordTransform;
import io.memaudit.dataset.RewriteOptions;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Score every prompt of a dataset for memorization with dmem (Wen et al. 2024): along the "
                + "classifier-free-guided DDIM trajectory, the mean over steps and generations of ||eps(x_t, prompt) - "
                + "eps(x_t, \"\")||_2, plus the first step's value alone.",
                "Writes every input record with dmem and dmem_first_step added; with --top-percent also memorized (true for "
                        + "the top share) and prints the threshold, which NiFi's ScoreMemorization takes as its absolute "
                        + "threshold. Identical prompts are scored once. A <out>.memaudit.json file records how."},
        footer = {"", "Example:", "  memaudit score --model models/tiny-init --in prompts.jsonl --out scored.jsonl --top-percent 1"})
final class ScoreCommand implements Callable<Integer>, InputCommand {

    @Spec
    CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "Prompt dataset (.jsonl or .csv).")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Scored dataset, same format as the input.")
    Path output;

    @Option(names = "--field", paramLabel = "NAME", defaultValue = "prompt", description = "Text field or column. Default: ${DEFAULT-VALUE}.")
    String field;

    @Option(names = "--generations", paramLabel = "G", defaultValue = "4", description = "Trajectories per prompt. Default: ${DEFAULT-VALUE}.")
    int generations;

    @Option(names = "--first-step-only", description = "Run only the first step: dmem_first_step, no dmem (much cheaper).")
    boolean firstStepOnly;

    @Option(names = "--top-percent", paramLabel = "P", description = "Mark the top P percent of distinct prompts as memorized.")
    Double topPercent;

    @Option(names = "--progress", negatable = true, description = "Show a progress bar (default: on in a terminal).")
    Boolean progress;

    @Mixin
    SamplingOptions sampling;

    @Override
    public Path input() {
        return input;
    }

    @Override
    public Integer call() throws Exception {
        final DatasetFormat format = DatasetFormat.of(input);
        if (DatasetFormat.of(output) != format) {
            throw new IllegalArgumentException("--out " + output + " must have the same format as --in " + input);
        }
        if (topPercent != null && !(topPercent > 0 && topPercent <= 100)) {
            throw new IllegalArgumentException("--top-percent " + topPercent + " must be in (0, 100]");
        }
        final List<String> prompts = DatasetReader.distinctTexts(input, field, 0);
        final long started = System.nanoTime();
        final Map<String, MemorizationScorer.Score> scores = new HashMap<>();
        final String modelDescription;
        try (DiffusionModel diffusion = sampling.load()) {
            final MemorizationScorer.Options options = sampling.scorerOptions(diffusion, generations, 8, firstStepOnly);
            final AtomicLong done = new AtomicLong();
            final boolean showProgress = progress != null ? progress : System.console() != null;
            try (AutoCloseable bar = ProgressBar.start(showProgress, "score", prompts.size(), done::get,
                    ProgressBar.Unit.items("prompts"))) {
                final List<MemorizationScorer.Score> results = new MemorizationScorer(diffusion).score(prompts, options, done::set);
                for (int i = 0; i < prompts.size(); i++) {
                    scores.put(prompts.get(i), results.get(i));
                }
            }
            modelDescription = diffusion.config().provenance().toString();
            final Double threshold = topPercent == null ? null : threshold(scores.values());
            DatasetFiles.writeAtomically(output, out -> {
                try (InputStream in = Files.newInputStream(input)) {
                    format.rewriter(new RewriteOptions(field, null, transform(scores, threshold))).rewrite(in, out);
                }
                return null;
            });
            final double seconds = (System.nanoTime() - started) / 1e9;
            writeProvenance(options, threshold, prompts.size(), modelDescription, diffusion.device().toString());
            printSummary(prompts.size(), seconds, threshold, scores, diffusion.device().toString());
        }
        return 0;
    }

    private double value(final MemorizationScorer.Score score) {
        return firstStepOnly ? score.firstStep() : score.dmem();
    }

    /** The score at the top-percent rank among distinct prompts (nearest rank): prompts at or above it are memorized. */
    private double threshold(final java.util.Collection<MemorizationScorer.Score> scores) {
        final double[] sorted = scores.stream().mapToDouble(this::value).sorted().toArray();
        if (sorted.length == 0) {
            return Double.POSITIVE_INFINITY;
        }
        final int count = Math.max(1, (int) Math.ceil(sorted.length * topPercent / 100.0));
        return sorted[sorted.length - count];
    }

    private RecordTransform transform(final Map<String, MemorizationScorer.Score> scores, final Double threshold) {
        final List<String> fields = threshold == null ? List.of("dmem", "dmem_first_step")
                : List.of("dmem", "dmem_first_step", "memorized");
        return new RecordTransform() {
            @Override
            public List<String> addedFields() {
                return fields;
            }

            @Override
            public Result apply(final String text, final String key) {
                final MemorizationScorer.Score score = text == null ? null : scores.get(text);
                final List<Object> values = new ArrayList<>(Arrays.asList(score == null ? null : score.dmem(),
                        score == null ? null : score.firstStep()));
                if (threshold != null) {
                    values.add(score == null ? null : value(score) >= threshold);
                }
                return new Result(text, values);
            }
        };
    }

    private void printSummary(final int prompts, final double seconds, final Double threshold,
                              final Map<String, MemorizationScorer.Score> scores, final String deviceName) {
        final PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "Scored %,d distinct prompts of %s on %s in %.1f s (%.2f prompts/s; %d generations x %d steps)%n",
                prompts, input, deviceName, seconds, prompts / Math.max(seconds, 1e-9), generations,
                firstStepOnly ? 1 : sampling.steps);
        if (threshold != null) {
            final long memorized = scores.values().stream().filter(score -> value(score) >= threshold).count();
            out.printf(Locale.ROOT, "  top %s%%: %s >= %.6f marks %,d prompts memorized (use this threshold in NiFi)%n",
                    topPercent, firstStepOnly ? "dmem_first_step" : "dmem", threshold, memorized);
        }
        out.println("  written to " + output);
        out.flush();
    }

    private void writeProvenance(final MemorizationScorer.Options options, final Double threshold, final int prompts,
                                 final String bundleProvenance, final String deviceName) throws Exception {
        final Path provenance = output.resolveSibling(output.getFileName() + ".memaudit.json");
        final String json = String.format(Locale.ROOT, """
                {
                  "tool": "memaudit score %s",
                  "created": "%s",
                  "input": "%s",
                  "model": "%s",
                  "model_provenance": %s,
                  "device": "%s",
                  "generations": %d,
                  "steps": %d,
                  "guidance": %s,
                  "seed": %d,
                  "init_noise": %s,
                  "first_step_only": %s,
                  "batch": %d,
                  "distinct_prompts": %d,
                  "top_percent": %s,
                  "threshold": %s
                }
                """, MemauditCommand.version(), Instant.now(), input.getFileName(), sampling.model, bundleProvenance, deviceName,
                options.generations(), options.steps(), options.guidance(), options.seed(),
                sampling.initialNoise == null ? "null" : "\"" + sampling.initialNoise.getFileName() + "\"", options.firstStepOnly(),
                options.batchSize(), prompts, topPercent == null ? "null" : topPercent.toString(),
                threshold == null || threshold.isInfinite() ? "null" : threshold.toString());
        DatasetFiles.writeAtomically(provenance, out -> {
            out.write(json.getBytes(StandardCharsets.UTF_8));
            return null;
        });
    }
}
