package io.memaudit.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import io.memaudit.core.io.DatasetFiles;
import io.memaudit.core.markers.MarkerDialect;
import io.memaudit.core.mitigation.Mitigation;
import io.memaudit.core.mitigation.PromptMitigations;
import io.memaudit.core.provenance.Provenance;
import io.memaudit.dataset.DatasetReader;
import io.memaudit.diffusion.DiffusionModel;
import io.memaudit.diffusion.MemorizationScorer;
import io.memaudit.diffusion.MitigationEvaluation;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "mitigate", mixinStandardHelpOptions = true,
        description = {"The seed paper's inference-time mitigation table: for each prompt and mitigation (original, random "
                + "word addition, random number addition, marker removal, and memaudit's random-tag and typed-surrogate), "
                + "N samples from different seeds, their diversity (mean pairwise RMS distance, on images when the bundle has "
                + "a VAE decoder, else on latents) and dmem.",
                "The seed paper saw diversity barely move (0.38 original vs 0.42-0.45 mitigated): inference-time fixes do not "
                        + "undo what the model memorized. Writes every figure as JSON and prints the table."},
        footer = {"", "Example:", "  memaudit mitigate --model models/tiny-init --in prompts.jsonl --out mitigation.json --samples 50"})
final class MitigateCommand extends ModelOverDatasetCommand {

    @Option(names = "--samples", paramLabel = "N", defaultValue = "50", description = "Samples per prompt and mitigation. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--insertions", paramLabel = "K", defaultValue = "1", description = "Words or numbers RWA and RNA insert. Default: ${DEFAULT-VALUE}.")
    int insertions;

    @Option(names = "--mitigations", split = ",", paramLabel = "NAME",
            defaultValue = "original,random-words,random-numbers,remove-markers,random-tag,typed-surrogate",
            description = "Which to run. Default: ${DEFAULT-VALUE}.")
    List<String> mitigations;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Use only the first N distinct prompts (0: all).")
    int limit;

    @Override
    public Integer call() throws Exception {
        final List<Mitigation> which = mitigations.stream().map(Mitigation::fromName).toList();
        final List<String> prompts = DatasetReader.distinctTexts(io.input, io.field, limit);
        try (DiffusionModel diffusion = sampling.load()) {
            final MemorizationScorer.Options options = sampling.scorerOptions(diffusion, samples, 6, false);
            final MitigationEvaluation evaluation = new MitigationEvaluation(diffusion,
                    new PromptMitigations(diffusion.vocabularyWords(), insertions, EnumSet.of(MarkerDialect.MIMIC_CXR)));
            final AtomicLong done = new AtomicLong();
            final boolean showProgress = progress.show();
            final List<MitigationEvaluation.Outcome> outcomes;
            try (AutoCloseable bar = ProgressBar.start(showProgress, "mitigate", (long) prompts.size() * which.size(),
                    done::get, ProgressBar.Unit.items("prompts"))) {
                outcomes = evaluation.evaluate(prompts, which, options, done::set);
            }
            final List<MitigationEvaluation.Summary> summaries = MitigationEvaluation.summarize(outcomes);
            DatasetFiles.writeAtomically(io.output, out -> {
                try (JsonGenerator json = Provenance.JSON.getFactory().createGenerator(out, JsonEncoding.UTF8)
                        .useDefaultPrettyPrinter()) {
                    json.writeStartObject();
                    for (final var field : Provenance.of("memaudit mitigate " + MemauditCommand.version()).properties()) {
                        json.writeObjectField(field.getKey(), field.getValue());
                    }
                    json.writeStringField("model", sampling.model.toString());
                    json.writeStringField("input", io.input.getFileName().toString());
                    json.writeStringField("distance", "mean pairwise RMS distance on "
                            + (diffusion.decodesImages() ? "images in [0, 1]" : "final latents"));
                    json.writeNumberField("samples", samples);
                    json.writeNumberField("steps", options.steps());
                    json.writeNumberField("guidance", options.guidance());
                    json.writeNumberField("seed", options.seed());
                    json.writeNumberField("insertions", insertions);
                    json.writeArrayFieldStart("summary");
                    for (final MitigationEvaluation.Summary summary : summaries) {
                        json.writeStartObject();
                        json.writeStringField("mitigation", summary.mitigation().displayName());
                        json.writeNumberField("diversity", summary.meanDiversity());
                        json.writeNumberField("dmem", summary.meanDmem());
                        json.writeNumberField("prompts", summary.prompts());
                        json.writeEndObject();
                    }
                    json.writeEndArray();
                    json.writeArrayFieldStart("outcomes");
                    for (final MitigationEvaluation.Outcome outcome : outcomes) {
                        json.writeStartObject();
                        json.writeStringField("prompt", outcome.prompt());
                        json.writeStringField("mitigation", outcome.mitigation().displayName());
                        json.writeStringField("mitigated_prompt", outcome.mitigatedPrompt());
                        json.writeNumberField("diversity", outcome.diversity());
                        json.writeNumberField("dmem", outcome.dmem());
                        json.writeEndObject();
                    }
                    json.writeEndArray();
                    json.writeEndObject();
                }
                return null;
            });
            final PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "%d prompts x %d mitigations, %d samples each, %d steps; distance on %s%n", prompts.size(),
                    which.size(), samples, options.steps(), diffusion.decodesImages() ? "images" : "latents");
            out.printf(Locale.ROOT, "%-16s %10s %10s%n", "mitigation", "diversity", "dmem");
            for (final MitigationEvaluation.Summary summary : summaries) {
                out.printf(Locale.ROOT, "%-16s %10.4f %10.4f%n", summary.mitigation().displayName(), summary.meanDiversity(),
                        summary.meanDmem());
            }
            out.println("written to " + io.output);
            out.flush();
        }
        return 0;
    }
}
