package io.memaudit.cli;

import io.memaudit.core.provenance.Provenance;
import io.memaudit.core.io.DatasetFiles;
import io.memaudit.core.lint.LintReport;
import io.memaudit.core.lint.PromptLint;
import io.memaudit.core.lint.PromptRisk;
import io.memaudit.dataset.DatasetFormat;
import io.memaudit.dataset.DatasetReader;
import io.memaudit.dataset.TableWriter;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "lint", mixinStandardHelpOptions = true,
        description = {"Profile a prompt dataset without any model: marker forms and how many distinct prompts carry them, "
                + "exact and near-duplicate captions, caption length, the share of unique marker-bearing prompts, and a risk "
                + "flag per prompt (high: unique and carries a marker; medium: repeated with a marker, or unique and in the "
                + "longest tenth; low: the rest). The cheap pre-screen before spending GPU time on dmem.",
                "Prints a short table; --out writes the facts as JSON, --flags one row per record (line, key, risk, reasons). "
                        + "Neither contains prompt text."})
final class LintCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "Prompt dataset (.jsonl or .csv).")
    Path input;

    @Option(names = "--field", paramLabel = "NAME", defaultValue = "prompt", description = "Text field or column. Default: ${DEFAULT-VALUE}.")
    String field;

    @Option(names = "--key-field", paramLabel = "NAME", description = "Field or column identifying each record in --flags.")
    String keyField;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the facts as JSON.")
    Path summary;

    @Option(names = "--flags", paramLabel = "FILE", description = "Write each record's risk flag (.jsonl or .csv).")
    Path flags;

    @Mixin
    MarkerOptions markers;

    @Override
    public Integer call() throws Exception {
        final DatasetFormat format = OptionChecks.option(spec, "--in", () -> DatasetFormat.of(input));
        final PromptLint lint = new PromptLint(markers.rewriter().finder());
        final List<Long> lines = new ArrayList<>();
        final List<String> keys = new ArrayList<>();
        final List<Boolean> hasText = new ArrayList<>();
        try (InputStream in = Files.newInputStream(input)) {
            DatasetReader.read(format, in, field, keyField, entry -> {
                lint.add(entry.text());
                lines.add(entry.line());
                keys.add(entry.key());
                hasText.add(entry.text() != null);
            });
        }
        final LintReport report = lint.finish();
        if (summary != null) {
            final Map<String, String> provenance = new LinkedHashMap<>();
            Provenance.of("memaudit lint " + MemauditCommand.version()).properties()
                    .forEach(entry -> provenance.put(entry.getKey(), entry.getValue().asText()));
            provenance.put("input", input.getFileName().toString());
            provenance.put("text_field", field);
            provenance.put("markers", markers.describe());
            DatasetFiles.writeAtomically(summary, out -> {
                out.write(report.toJson(provenance).getBytes(StandardCharsets.UTF_8));
                return null;
            });
        }
        if (flags != null) {
            DatasetFiles.writeAtomically(flags, out -> {
                try (TableWriter table = new TableWriter(DatasetFormat.of(flags), List.of("line", "key", "risk", "reasons"), out)) {
                    int prompt = 0;
                    for (int i = 0; i < lines.size(); i++) {
                        final PromptRisk risk = hasText.get(i) ? report.risk(prompt++) : null;
                        table.write(Arrays.asList(lines.get(i), keys.get(i), risk == null ? null : risk.level().displayName(),
                                risk == null ? "no text" : String.join(",", risk.reasons())));
                    }
                }
                return null;
            });
        }
        spec.commandLine().getOut().print(report.toTable());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
