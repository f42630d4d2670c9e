package io.memaudit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.core.io.DatasetFiles;
import io.memaudit.core.stats.Bootstrap;
import io.memaudit.core.stats.Interval;
import io.memaudit.diffusion.DiffusionModel;
import io.memaudit.synthetic.ImageDistance;
import io.memaudit.training.ModelEvaluator;
import io.memaudit.training.TrainingSet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "detection", mixinStandardHelpOptions = true,
        description = {"How well dmem detects replication for one model on its training data, under the measuring settings "
                + "given: ROC AUC and TPR at 1 %% FPR with 95 %% bootstrap intervals (captions resampled) of dmem at --guidance, "
                + "of dmem along the replication samples' own trajectories at --replication-guidance, and of the first-step "
                + "score, against the replication ground truth (--replication-samples samples per caption at "
                + "--replication-guidance). Run it with different settings to see which ones detection depends on.",
                "Optionally writes every caption's scores and replication ratio as JSON (--json)."},
        footer = {"", "Example:", "  memaudit detection --model base --data data --replication-samples 16 --eval-steps 50"})
final class DetectionCommand extends MeasuringCommand {


    @Option(names = "--model", required = true, paramLabel = "DIR", description = "The trained bundle.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DIR|CSV", description = "Its training data.")
    Path data;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "20250207", description = "Sampling noise seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the per-caption results here.")
    Path json;

    @Override
    int run(final PrintWriter out, final long started) throws Exception {
        final int size = Experiments.imageSize(model);
        final TrainingSet set = TrainingSet.read(data, size);
        final ModelEvaluator evaluator = new ModelEvaluator(evaluation.settings(seed), size);
        final ModelEvaluator.Result result;
        try (DiffusionModel loaded = DiffusionModel.load(model, (ai.djl.Device) null)) {
            result = evaluator.evaluate(loaded, set, set.prompts(), set.prompts().stream().map(TrainingSet.Prompt::caption).toList(),
                    stage -> { }, false);
        }
        final boolean[] labels = new boolean[result.prompts().size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = result.prompts().get(i).replicated();
        }
        final long positives = result.prompts().stream().filter(ModelEvaluator.PromptResult::replicated).count();
        out.printf(Locale.ROOT, "%d captions, %d replicated (ratio < %.2f); generations %d, steps %d, guidance %.1f, replication "
                        + "samples %d at guidance %.1f, twins %d, seed %d (%.0f s)%n", labels.length, positives,
                ImageDistance.REPLICATION_RATIO, evaluation.generations, evaluation.steps, evaluation.guidance,
                evaluation.replicationSamples, evaluation.replicationGuidance, evaluation.twins, seed,
                secondsSince(started));
        final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        final ObjectNode root = mapper.createObjectNode();
        root.put("model", model.toString());
        root.put("data", data.toString());
        root.put("seed", seed);
        root.set("settings", mapper.valueToTree(evaluation.settings(seed)));
        final ArrayNode rows = root.putArray("detection");
        final List<String> names = List.of(String.format(Locale.ROOT, "dmem (w = %.1f)", evaluation.guidance),
                String.format(Locale.ROOT, "dmem (w = %.1f)", evaluation.replicationGuidance), "first step");
        final List<ToDoubleFunction<ModelEvaluator.PromptResult>> scores = List.of(ModelEvaluator.PromptResult::dmem,
                ModelEvaluator.PromptResult::dmemAtReplicationGuidance, ModelEvaluator.PromptResult::firstStep);
        for (int k = 0; k < names.size(); k++) {
            final double[] values = result.prompts().stream().mapToDouble(scores.get(k)).toArray();
            final Interval auc = Bootstrap.pooledAuc(List.of(values), List.of(labels), 2000, seed);
            final Interval tpr = Bootstrap.pooledTprAtFpr(List.of(values), List.of(labels), 0.01, 2000, seed);
            out.printf(Locale.ROOT, "  %-16s AUC %s  TPR@1%%FPR %s%n", names.get(k), auc.format(3), tpr.format(3));
            rows.addObject().put("score", names.get(k)).set("auc", mapper.valueToTree(auc));
            ((ObjectNode) rows.get(rows.size() - 1)).set("tpr_at_1pct_fpr", mapper.valueToTree(tpr));
        }
        root.set("prompts", mapper.valueToTree(result.prompts()));
        if (json != null) {
            DatasetFiles.writeAtomically(json, stream -> {
                mapper.writeValue(stream, root);
                return null;
            });
        }
        out.flush();
        return 0;
    }
}
