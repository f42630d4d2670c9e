package io.memaudit.core.gate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.core.provenance.Provenance;
import java.util.List;

/**
 * What the release gate decided about one dataset, why, and what it counted. Its {@link #toJson report} holds counts and
 * the policy only: no prompt text, no file name.
 *
 * @param outcome approved, rejected or held
 * @param reasons why, one sentence each (empty when approved)
 * @param counts what the gate counted
 * @param policy the rules it applied
 * @param scoreField the name of the score field, as configured (for the report)
 * @param wholeness what the gate checked to know it was given the whole dataset, and what it found
 */
public record GateDecision(Outcome outcome, List<String> reasons, GateCounts counts, GatePolicy policy, String scoreField,
                           WholenessCheck wholeness) {

    /**
     * The wholeness check of one dataset.
     *
     * @param expected what was checked
     * @param repeatedKeys records whose key an earlier record had
     * @param recordsWithoutKey records without a key (only counted when keys are checked)
     */
    public record WholenessCheck(Wholeness expected, long repeatedKeys, long recordsWithoutKey) {
    }

    /** The three outcomes; only {@link #APPROVED} lets a dataset through. */
    public enum Outcome {
        APPROVED, REJECTED, HELD;

        /** The lower-case name used in attributes, reports and relationship names. */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public GateDecision {
        reasons = List.copyOf(reasons);
    }

    public boolean approved() {
        return outcome == Outcome.APPROVED;
    }

    /** The reasons in one line ("" when approved). */
    public String reasonLine() {
        return String.join("; ", reasons);
    }

    /**
     * The decision report as JSON, written through {@link Provenance#JSON} so it is always valid JSON (a missing maximum
     * is null, never a bare NaN).
     *
     * @param tool what decided (e.g. "memaudit gate 0.1.0" or "EvaluateReleaseGate")
     * @param dataset how the dataset is named in the report (a FlowFile uuid, or the name a user gave on the command
     *                line); null to leave it out
     */
    public ObjectNode toJson(final String tool, final String dataset) {
        final ObjectNode json = Provenance.of(tool);
        if (dataset != null) {
            json.put("dataset", dataset);
        }
        json.put("decision", outcome.value());
        final ArrayNode reasonArray = json.putArray("reasons");
        reasons.forEach(reasonArray::add);
        json.put("records", counts.records());
        json.put("scored", counts.scored());
        json.put("screened_out", counts.screenedOut());
        json.put("unscored", counts.unscored());
        json.put("failed", counts.failed());
        json.put("score_field", scoreField);
        json.put("threshold", policy.memorizationThreshold());
        json.put("memorized", counts.memorized());
        json.put("memorized_fraction", counts.memorizedFraction());
        json.put("memorized_driven_by_markers", counts.memorizedWithMarkers());
        json.put("memorized_with_marker_rank", counts.attributed());
        if (counts.hasMaximum()) {
            json.put("max_score", counts.maxScore());
        } else {
            json.putNull("max_score");
        }
        final ObjectNode whole = json.putObject("wholeness");
        if (wholeness.expected().expectedRecords() == null) {
            whole.putNull("expected_records");
        } else {
            whole.put("expected_records", wholeness.expected().expectedRecords());
        }
        if (wholeness.expected().checksKeys()) {
            whole.put("key_field", wholeness.expected().keyField());
            whole.put("repeated_keys", wholeness.repeatedKeys());
            whole.put("records_without_key", wholeness.recordsWithoutKey());
        } else {
            whole.putNull("key_field");
        }
        final ObjectNode rules = json.putObject("policy");
        rules.put("memorization_threshold", policy.memorizationThreshold());
        rules.put("maximum_memorized_fraction", policy.maximumMemorizedFraction());
        if (policy.maximumScore() == null) {
            rules.putNull("maximum_score");
        } else {
            rules.put("maximum_score", policy.maximumScore());
        }
        rules.put("marker_rule", policy.markerRule());
        rules.put("marker_rank_limit", policy.markerRankLimit());
        rules.put("unscored_records", policy.unscoredRecords().value());
        return json;
    }

    /** {@link #toJson} as text. */
    public String toJsonText(final String tool, final String dataset) {
        try {
            return Provenance.JSON.writeValueAsString(toJson(tool, dataset)) + "\n";
        } catch (final com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree of numbers and strings always serialises", e);
        }
    }
}
