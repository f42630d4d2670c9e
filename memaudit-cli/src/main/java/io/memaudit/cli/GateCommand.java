package io.memaudit.cli;

import io.memaudit.core.gate.GateDecision;
import io.memaudit.core.gate.GatePolicy;
import io.memaudit.core.gate.ReleaseGate;
import io.memaudit.core.gate.UnscoredRecords;
import io.memaudit.core.gate.Wholeness;
import io.memaudit.core.io.DatasetFiles;
import io.memaudit.dataset.DatasetFormat;
import io.memaudit.dataset.DatasetReader;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "gate", mixinStandardHelpOptions = true,
        description = {"Decide whether a scored dataset (the output of memaudit score) may be released, with the same policy "
                + "as NiFi's EvaluateReleaseGate: rejected when the share of memorized records (score at or above "
                + "--threshold) exceeds --max-fraction, when a score exceeds --max-score, or (marker rule) when a memorized "
                + "record is driven by a de-identification marker (marker_rank within --marker-rank-limit, or, without a "
                + "rank, a marker in its text); with --key-field or --expected-records, also when it is not the whole "
                + "dataset.",
                "Fails closed: a record without a usable score (missing, not a number, NaN or infinite, or with a "
                        + "score_error) is never taken as not memorized; a dataset with such records is rejected (or held "
                        + "with --unscored hold). Writes the decision as JSON (--out: counts and policy, no prompt text) and "
                        + "prints it. Exit code: 0 approved, 4 rejected, 5 held, 1 unreadable input, 2 bad options."})
final class GateCommand implements Callable<Integer> {
    /** Exit code of a rejected dataset. */
    static final int EXIT_REJECTED = 4;
    /** Exit code of a held dataset (--unscored hold). */
    static final int EXIT_HELD = 5;

    @Spec
    CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "Scored dataset (.jsonl or .csv).")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the decision report (JSON).")
    Path output;

    @Option(names = "--name", paramLabel = "TEXT",
            description = "How the report names the dataset (left out by default: file names can carry patient identifiers).")
    String name;

    @Option(names = "--threshold", required = true, paramLabel = "T",
            description = "Score at or above which a record is memorized (memaudit score --top-percent 1 prints one).")
    double threshold;

    @Option(names = "--max-fraction", paramLabel = "F", defaultValue = "0.01",
            description = "Largest share of scored records that may be memorized (0 to 1). Default: ${DEFAULT-VALUE}.")
    double maximumFraction;

    @Option(names = "--max-score", paramLabel = "S", description = "Reject when any record scores above this.")
    Double maximumScore;

    @Option(names = "--marker-rule", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Reject when a memorized record is driven by a de-identification marker. Default: on.")
    boolean markerRule;

    @Option(names = "--marker-rank-limit", paramLabel = "N", defaultValue = "1",
            description = "A memorized record whose marker ranks at or above this (1 = the top word) is marker-driven. "
                    + "Default: ${DEFAULT-VALUE}.")
    int markerRankLimit;

    @Option(names = "--unscored", paramLabel = "reject|hold", defaultValue = "reject",
            description = "What records without a usable score do to the dataset; neither approves it. Default: ${DEFAULT-VALUE}.")
    String unscored;

    @Option(names = "--field", paramLabel = "NAME", defaultValue = "prompt", description = "Text field, for the marker rule. Default: ${DEFAULT-VALUE}.")
    String field;

    @Option(names = "--score-field", paramLabel = "NAME", defaultValue = "dmem",
            description = "Score field (dmem, or dmem_first_step for a first-step run). Default: ${DEFAULT-VALUE}.")
    String scoreField;

    @Option(names = "--score-error-field", paramLabel = "NAME", defaultValue = "score_error",
            description = "Field with the reason a record was not scored. Default: ${DEFAULT-VALUE}.")
    String scoreErrorField;

    @Option(names = "--marker-rank-field", paramLabel = "NAME", defaultValue = "marker_rank",
            description = "Field with the marker's rank by token significance. Default: ${DEFAULT-VALUE}.")
    String markerRankField;

    @Option(names = "--screening-field", paramLabel = "NAME",
            description = "Two-stage datasets only: the first-step score field (dmem_first_step); a record without a score "
                    + "but with a finite value here and no score_error was screened out and counts as decided.")
    String screeningField;

    @Option(names = "--key-field", paramLabel = "NAME",
            description = "A field no two records share (e.g. image): a repeated value or a record without one rejects the "
                    + "dataset as not whole (a reassembly that took a repeated chunk in place of a missing one).")
    String keyField;

    @Option(names = "--expected-records", paramLabel = "N",
            description = "How many records the dataset has: more or fewer rejects it as not whole.")
    Long expectedRecords;

    @Mixin
    MarkerOptions markers;

    @Override
    public Integer call() throws Exception {
        final GatePolicy policy;
        final Wholeness wholeness;
        try {
            policy = new GatePolicy(threshold, maximumFraction, maximumScore, markerRule, markerRankLimit,
                    UnscoredRecords.of(unscored));
            wholeness = new Wholeness(keyField, expectedRecords);
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        final ReleaseGate gate = new ReleaseGate(policy, markers.rewriter().finder(), scoreField);
        final ReleaseGate.Evaluation evaluation = gate.start(wholeness);
        final Set<String> fields = new HashSet<>(List.of(field, scoreField, scoreErrorField, markerRankField));
        if (wholeness.checksKeys()) {
            fields.add(keyField);
        }
        if (screeningField != null) {
            fields.add(screeningField);
        }
        try (InputStream in = Files.newInputStream(input)) {
            DatasetReader.readFields(DatasetFormat.of(input), in, fields, (line, values) -> add(evaluation, values));
        }
        final GateDecision decision = evaluation.decide();
        final String report = decision.toJsonText("memaudit gate " + MemauditCommand.version(), name);
        DatasetFiles.writeAtomically(output, out -> {
            out.write(report.getBytes(StandardCharsets.UTF_8));
            return null;
        });
        final PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s: %,d records, %,d scored, %,d not scored, %,d memorized%n",
                decision.outcome().value(), decision.counts().records(), decision.counts().decided(),
                decision.counts().notScored(), decision.counts().memorized());
        decision.reasons().forEach(reason -> out.println("  " + reason));
        out.println("  report written to " + output);
        out.flush();
        return switch (decision.outcome()) {
            case APPROVED -> 0;
            case REJECTED -> EXIT_REJECTED;
            case HELD -> EXIT_HELD;
        };
    }

    private void add(final ReleaseGate.Evaluation evaluation, final Map<String, Object> values) {
        final Object error = values.get(scoreErrorField);
        final Object text = values.get(field);
        evaluation.add(ReleaseGate.number(values.get(scoreField)), error == null ? null : error.toString(),
                ReleaseGate.number(values.get(markerRankField)),
                screeningField == null ? null : ReleaseGate.number(values.get(screeningField)),
                () -> text instanceof String string ? string : null);
        if (keyField != null) {
            final Object key = values.get(keyField);
            evaluation.key(key == null ? null : key.toString());
        }
    }
}
