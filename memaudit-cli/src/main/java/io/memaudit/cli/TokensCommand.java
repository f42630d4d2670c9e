package io.memaudit.cli;

import io.memaudit.core.provenance.Provenance;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.core.io.DatasetFiles;
import io.memaudit.core.markers.MarkerDialect;
import io.memaudit.core.markers.MarkerFinder;
import io.memaudit.core.scoring.PromptSignificance;
import io.memaudit.core.scoring.TokenRanking;
import io.memaudit.dataset.DatasetReader;
import io.memaudit.diffusion.DiffusionModel;
import io.memaudit.diffusion.MemorizationScorer;
import io.memaudit.diffusion.TokenSignificance;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "tokens", mixinStandardHelpOptions = true,
        description = {"Token significance (Wen et al. 2024): which tokens drive each prompt's memorization. The gradient of "
                + "||eps(x_t, e) - eps(x_t, \"\")||_2 with respect to the text encoder's output e, its L2 norm per token, "
                + "averaged over the first K steps of the guided trajectory and over generations.",
                "Writes a JSON file with, per distinct prompt, the significance of every token, word and marker (the three "
                        + "_ pieces of one ___ are one marker) and the marker's rank among the prompt's words; and a "
                        + "dataset-level ranking of tokens by mean significance. Prints the top of the ranking."},
        footer = {"", "Example:", "  memaudit tokens --model models/tiny-init --in prompts.jsonl --out tokens.json --steps 10"})
final class TokensCommand extends ModelOverDatasetCommand {

    @Option(names = "--generations", paramLabel = "G", defaultValue = "4", description = "Trajectories per prompt. Default: ${DEFAULT-VALUE}.")
    int generations;

    @Option(names = "--significance-steps", paramLabel = "K",
            description = "Average the gradient over the first K steps (default: all --steps; 1 is the cheap first-step view).")
    Integer significanceSteps;

    @Option(names = "--dialect", split = ",", paramLabel = "NAME", defaultValue = "mimic-cxr",
            converter = MarkerOptions.DialectConverter.class, description = "Marker dialects to group pieces by. Default: ${DEFAULT-VALUE}.")
    List<MarkerDialect> dialects;

    @Option(names = "--top", paramLabel = "N", defaultValue = "15", description = "Tokens to print. Default: ${DEFAULT-VALUE}.")
    int top;

    @Override
    public Integer call() throws Exception {
        final List<String> prompts = DatasetReader.distinctTexts(io.input, io.field, 0);
        final MarkerFinder markers = MarkerFinder.of(EnumSet.copyOf(dialects), null);
        final long started = System.nanoTime();
        try (DiffusionModel diffusion = sampling.load();
             TokenSignificance significance = new TokenSignificance(diffusion)) {
            final MemorizationScorer.Options options = sampling.scorerOptions(diffusion, generations, 8, false);
            final int steps = significanceSteps != null ? significanceSteps : options.steps();
            final AtomicLong done = new AtomicLong();
            final boolean showProgress = progress.show();
            final List<double[]> values;
            try (AutoCloseable bar = ProgressBar.start(showProgress, "tokens", prompts.size(), done::get,
                    ProgressBar.Unit.items("prompts"))) {
                values = significance.compute(prompts, options, steps, done::set);
            }
            final List<PromptSignificance> grouped = new ArrayList<>(prompts.size());
            for (int i = 0; i < prompts.size(); i++) {
                grouped.add(PromptSignificance.of(prompts.get(i), diffusion.tokenized(prompts.get(i)), values.get(i), markers));
            }
            final TokenRanking ranking = TokenRanking.of(grouped);
            final ObjectNode report = report(prompts, grouped, ranking, options, steps, diffusion);
            DatasetFiles.writeAtomically(io.output, out -> {
                Provenance.JSON.writeValue(out, report);
                return null;
            });
            printSummary(prompts.size(), (System.nanoTime() - started) / 1e9, ranking, diffusion.device().toString());
        }
        return 0;
    }

    private ObjectNode report(final List<String> prompts, final List<PromptSignificance> grouped, final TokenRanking ranking,
                              final MemorizationScorer.Options options, final int steps, final DiffusionModel diffusion) {
        final ObjectMapper json = Provenance.JSON;
        final ObjectNode root = json.createObjectNode();
        final ObjectNode made = root.putObject("provenance").setAll(Provenance.of("memaudit tokens " + MemauditCommand.version()));
        made.put("input", io.input.getFileName().toString());
        made.put("model", sampling.model.toString());
        made.set("model_provenance", json.valueToTree(diffusion.config().provenance()));
        made.put("device", diffusion.device().toString());
        made.put("generations", options.generations());
        made.put("steps", options.steps());
        made.put("significance_steps", steps);
        made.put("guidance", options.guidance());
        made.put("seed", options.seed());
        made.put("distinct_prompts", prompts.size());
        final ObjectNode summary = root.putObject("markers");
        summary.put("prompts_with_markers", ranking.promptsWithMarkers());
        summary.put("share_where_marker_is_top_word", ranking.markerTopShare());
        summary.put("mean_marker_rank_among_words", ranking.meanMarkerRank());
        final ArrayNode tokens = root.putArray("ranking");
        for (final TokenRanking.Entry entry : ranking.tokens()) {
            tokens.addObject().put("token", entry.token()).put("mean_significance", entry.meanSignificance())
                    .put("occurrences", entry.occurrences()).put("prompts", entry.prompts());
        }
        final ArrayNode perPrompt = root.putArray("prompts");
        for (int i = 0; i < prompts.size(); i++) {
            final PromptSignificance prompt = grouped.get(i);
            final ObjectNode node = perPrompt.addObject();
            node.put("prompt", prompts.get(i));
            node.put("truncated", prompt.truncated());
            node.put("marker_rank", prompt.markerRank());
            node.put("padding", prompt.padding());
            pieces(node.putArray("tokens"), prompt.tokens());
            pieces(node.putArray("words"), prompt.words());
            pieces(node.putArray("markers"), prompt.markers());
        }
        return root;
    }

    private static void pieces(final ArrayNode target, final List<PromptSignificance.Piece> pieces) {
        for (final PromptSignificance.Piece piece : pieces) {
            target.addObject().put("text", piece.text()).put("start", piece.start()).put("end", piece.end())
                    .put("significance", piece.significance()).put("pieces", piece.pieces());
        }
    }

    private void printSummary(final int prompts, final double seconds, final TokenRanking ranking, final String deviceName) {
        final PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "Token significance of %,d distinct prompts of %s on %s in %.1f s (%.2f prompts/s)%n",
                prompts, io.input, deviceName, seconds, prompts / Math.max(seconds, 1e-9));
        out.printf(Locale.ROOT, "  %-4s %-16s %12s %11s %8s%n", "rank", "token", "mean signif.", "occurrences", "prompts");
        for (int i = 0; i < Math.min(top, ranking.tokens().size()); i++) {
            final TokenRanking.Entry entry = ranking.tokens().get(i);
            out.printf(Locale.ROOT, "  %-4d %-16s %12.5f %11d %8d%n", i + 1, entry.token(), entry.meanSignificance(),
                    entry.occurrences(), entry.prompts());
        }
        if (ranking.promptsWithMarkers() > 0) {
            out.printf(Locale.ROOT, "  marker piece '_' ranks %d of %d tokens; in %,d prompts with markers the marker is the "
                            + "most significant word in %.0f%% (mean rank %.1f)%n", ranking.rankOf("_"), ranking.tokens().size(),
                    ranking.promptsWithMarkers(), 100 * ranking.markerTopShare(), ranking.meanMarkerRank());
        }
        out.println("  written to " + io.output);
        out.flush();
    }
}
