package io.memaudit.nifi;

import io.memaudit.core.markers.MarkerFinder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.nifi.annotation.behavior.InputRequirement;
import org.apache.nifi.annotation.behavior.WritesAttribute;
import org.apache.nifi.annotation.behavior.WritesAttributes;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.SeeAlso;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.flowfile.attributes.CoreAttributes;
import org.apache.nifi.processor.AbstractProcessor;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.exception.ProcessException;
import org.apache.nifi.processor.util.StandardValidators;
import org.apache.nifi.record.path.RecordPath;
import org.apache.nifi.record.path.validation.RecordPathValidator;
import org.apache.nifi.serialization.RecordReader;
import org.apache.nifi.serialization.RecordReaderFactory;
import org.apache.nifi.serialization.record.Record;

@InputRequirement(InputRequirement.Requirement.INPUT_REQUIRED)
@Tags({"memaudit", "release", "gate", "policy", "memorization", "dmem", "approve", "reject"})
@CapabilityDescription("""
        Decides whether a scored dataset (one FlowFile of many records, e.g. after MergeRecord) may be released: it is \
        rejected when the share of memorized records (score at or above the Memorization Threshold) exceeds the Maximum \
        Memorized Fraction, when any score exceeds the Maximum Score, or, with the marker rule on, when a memorized record is \
        driven by a de-identification marker: its marker ranks among the Marker Rank Limit most significant words (the \
        marker_rank ScoreMemorization writes with Top Tokens on), or, for records without that field, it still carries one. The dataset goes to 'approved' or 'rejected' with the decision and its \
        reasons as attributes, and a JSON report a reviewer can read goes to 'report'. Records without a score count as \
        unscored and are listed in the report.""")
@WritesAttributes({
        @WritesAttribute(attribute = EvaluateReleaseGate.DECISION, description = "approved or rejected"),
        @WritesAttribute(attribute = EvaluateReleaseGate.REASONS, description = "Why, in one line (empty when approved)"),
        @WritesAttribute(attribute = "gate.records", description = "Records read"),
        @WritesAttribute(attribute = "gate.memorized", description = "Records at or above the threshold"),
        @WritesAttribute(attribute = "gate.max.score", description = "Highest score"),
        @WritesAttribute(attribute = EvaluateReleaseGate.ERROR, description = "Why the dataset could not be read (on failure)")
})
@SeeAlso(ScoreMemorization.class)
public class EvaluateReleaseGate extends AbstractProcessor {
    static final String DECISION = "gate.decision";
    static final String REASONS = "gate.reasons";
    static final String ERROR = "gate.error";

    static final PropertyDescriptor RECORD_READER = new PropertyDescriptor.Builder()
            .name("Record Reader").description("Reads the scored dataset.")
            .identifiesControllerService(RecordReaderFactory.class).required(true).build();
    static final PropertyDescriptor SCORE_FIELD = new PropertyDescriptor.Builder()
            .name("Score Field").description("RecordPath of the score, e.g. /dmem (or /dmem_first_step).")
            .required(true).defaultValue("/dmem").addValidator(new RecordPathValidator()).build();
    static final PropertyDescriptor TEXT_FIELD = new PropertyDescriptor.Builder()
            .name("Text Field").description("RecordPath of the prompt, for the marker rule.")
            .required(true).defaultValue("/prompt").addValidator(new RecordPathValidator()).build();
    static final PropertyDescriptor MEMORIZATION_THRESHOLD = new PropertyDescriptor.Builder()
            .name("Memorization Threshold").description("Score at or above which a record counts as memorized.")
            .required(true).addValidator(StandardValidators.NUMBER_VALIDATOR).build();
    static final PropertyDescriptor MAXIMUM_MEMORIZED_FRACTION = new PropertyDescriptor.Builder()
            .name("Maximum Memorized Fraction").description("Largest share of scored records that may be memorized (0 to 1).")
            .required(true).defaultValue("0.01").addValidator(StandardValidators.NUMBER_VALIDATOR).build();
    static final PropertyDescriptor MAXIMUM_SCORE = new PropertyDescriptor.Builder()
            .name("Maximum Score").description("Optional: reject when any record scores above this.")
            .required(false).addValidator(StandardValidators.NUMBER_VALIDATOR).build();
    static final PropertyDescriptor MARKER_RULE = new PropertyDescriptor.Builder()
            .name("Reject Memorized Records With Markers")
            .description("Reject when a memorized record is driven by a de-identification marker (the seed paper's finding: "
                    + "markers are the most memorized tokens): by token significance when the record has a Marker Rank "
                    + "Field, by the marker's presence otherwise.")
            .required(true).allowableValues("true", "false").defaultValue("true").build();
    static final PropertyDescriptor MARKER_RANK_FIELD = new PropertyDescriptor.Builder()
            .name("Marker Rank Field")
            .description("RecordPath of the rank of the prompt's strongest marker among its words by token significance "
                    + "(ScoreMemorization's marker_rank: 1 = most significant, 0 = no marker, -1 or absent = not attributed).")
            .required(true).defaultValue("/marker_rank").addValidator(new RecordPathValidator()).build();
    static final PropertyDescriptor MARKER_RANK_LIMIT = new PropertyDescriptor.Builder()
            .name("Marker Rank Limit")
            .description("A memorized record whose marker ranks at or above this (1 = the top word) is driven by the marker.")
            .required(true).defaultValue("1").addValidator(StandardValidators.POSITIVE_INTEGER_VALIDATOR).build();

    static final Relationship REL_APPROVED = new Relationship.Builder().name("approved")
            .description("Datasets that pass every rule").build();
    static final Relationship REL_REJECTED = new Relationship.Builder().name("rejected")
            .description("Datasets that break a rule; gate.reasons says which").build();
    static final Relationship REL_REPORT = new Relationship.Builder().name("report")
            .description("A JSON report of the decision for a reviewer (no prompt text)").build();
    static final Relationship REL_FAILURE = new Relationship.Builder().name("failure")
            .description("Datasets that could not be read, unchanged, with gate.error").build();

    private static final List<PropertyDescriptor> PROPERTIES = List.of(RECORD_READER, SCORE_FIELD, TEXT_FIELD,
            MEMORIZATION_THRESHOLD, MAXIMUM_MEMORIZED_FRACTION, MAXIMUM_SCORE, MARKER_RULE, MARKER_RANK_FIELD, MARKER_RANK_LIMIT,
            MarkerProperties.MARKER_DIALECTS,
            MarkerProperties.CUSTOM_MARKER_PATTERN);
    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_APPROVED, REL_REJECTED, REL_REPORT, REL_FAILURE);

    @Override
    protected List<PropertyDescriptor> getSupportedPropertyDescriptors() {
        return PROPERTIES;
    }

    @Override
    public Set<Relationship> getRelationships() {
        return RELATIONSHIPS;
    }

    @Override
    protected Collection<ValidationResult> customValidate(final ValidationContext context) {
        final List<ValidationResult> results = new ArrayList<>();
        final double fraction = context.getProperty(MAXIMUM_MEMORIZED_FRACTION).asDouble();
        if (fraction < 0 || fraction > 1) {
            results.add(new ValidationResult.Builder().subject(MAXIMUM_MEMORIZED_FRACTION.getName()).valid(false)
                    .explanation("must be between 0 and 1, got " + fraction).build());
        }
        try {
            MarkerProperties.rewriterBuilder(context).build();
        } catch (final IllegalArgumentException e) {
            results.add(new ValidationResult.Builder().subject("Marker options").valid(false).explanation(e.getMessage()).build());
        }
        return results;
    }

    /** What the gate counted. */
    private static final class Tally {
        private long records;
        private long scored;
        private long memorized;
        /** Memorized records driven by a marker (by attribution where known, else by presence). */
        private long memorizedWithMarkers;
        /** Memorized records that carried a marker rank. */
        private long attributed;
        private double maxScore = Double.NEGATIVE_INFINITY;
    }

    @Override
    public void onTrigger(final ProcessContext context, final ProcessSession session) {
        final FlowFile flowFile = session.get();
        if (flowFile == null) {
            return;
        }
        final RecordReaderFactory readerFactory = context.getProperty(RECORD_READER).asControllerService(RecordReaderFactory.class);
        final RecordPath scorePath = RecordPath.compile(context.getProperty(SCORE_FIELD).getValue());
        final RecordPath textPath = RecordPath.compile(context.getProperty(TEXT_FIELD).getValue());
        final double threshold = context.getProperty(MEMORIZATION_THRESHOLD).asDouble();
        final MarkerFinder markers = MarkerProperties.rewriterBuilder(context).build().finder();
        final RecordPath rankPath = RecordPath.compile(context.getProperty(MARKER_RANK_FIELD).getValue());
        final int rankLimit = context.getProperty(MARKER_RANK_LIMIT).asInteger();
        final Tally tally = new Tally();
        try {
            session.read(flowFile, in -> {
                try (RecordReader reader = readerFactory.createRecordReader(flowFile.getAttributes(), in, -1, getLogger())) {
                    Record record;
                    while ((record = reader.nextRecord()) != null) {
                        tally.records++;
                        final Double score = RecordFields.number(scorePath, record);
                        if (score == null) {
                            continue;
                        }
                        tally.scored++;
                        tally.maxScore = Math.max(tally.maxScore, score);
                        if (score >= threshold) {
                            tally.memorized++;
                            final Double rank = RecordFields.number(rankPath, record);
                            if (rank != null && rank >= 0) {
                                tally.attributed++;
                                if (rank >= 1 && rank <= rankLimit) {
                                    tally.memorizedWithMarkers++;
                                }
                            } else {
                                final String text = RecordFields.text(textPath, record);
                                if (text != null && markers.count(text) > 0) {
                                    tally.memorizedWithMarkers++;
                                }
                            }
                        }
                    }
                } catch (final Exception e) {
                    throw new ProcessException(e);
                }
            });
        } catch (final ProcessException e) {
            final String reason = RandomizeDeidMarkers.describe(e);
            getLogger().error("Failed to read the dataset FlowFile {}: {}", flowFile.getAttribute("uuid"), reason);
            session.transfer(session.putAttribute(flowFile, ERROR, reason), REL_FAILURE);
            return;
        }
        final List<String> reasons = new ArrayList<>();
        final double fraction = tally.scored == 0 ? 0 : tally.memorized / (double) tally.scored;
        final double maxFraction = context.getProperty(MAXIMUM_MEMORIZED_FRACTION).asDouble();
        if (fraction > maxFraction) {
            reasons.add(String.format(Locale.ROOT, "memorized fraction %.4f exceeds %.4f (%d of %d scored records)", fraction,
                    maxFraction, tally.memorized, tally.scored));
        }
        if (context.getProperty(MAXIMUM_SCORE).isSet() && tally.scored > 0
                && tally.maxScore > context.getProperty(MAXIMUM_SCORE).asDouble()) {
            reasons.add(String.format(Locale.ROOT, "highest score %.6f exceeds %s", tally.maxScore,
                    context.getProperty(MAXIMUM_SCORE).getValue()));
        }
        if (context.getProperty(MARKER_RULE).asBoolean() && tally.memorizedWithMarkers > 0) {
            reasons.add(tally.memorizedWithMarkers + " memorized records are driven by de-identification markers ("
                    + tally.attributed + " of " + tally.memorized + " judged by token significance, marker rank <= "
                    + context.getProperty(MARKER_RANK_LIMIT).getValue() + "; the others by the marker's presence)");
        }
        if (tally.scored == 0) {
            reasons.add("no record has a score in " + context.getProperty(SCORE_FIELD).getValue());
        }
        final boolean approved = reasons.isEmpty();
        final Map<String, String> attributes = new HashMap<>();
        attributes.put(DECISION, approved ? "approved" : "rejected");
        attributes.put(REASONS, String.join("; ", reasons));
        attributes.put("gate.records", String.valueOf(tally.records));
        attributes.put("gate.memorized", String.valueOf(tally.memorized));
        attributes.put("gate.max.score", tally.scored == 0 ? "" : String.valueOf(tally.maxScore));
        final String report = report(flowFile, approved, reasons, tally, fraction, threshold);
        FlowFile reportFlowFile = session.create(flowFile);
        reportFlowFile = session.write(reportFlowFile, out -> out.write(report.getBytes(StandardCharsets.UTF_8)));
        final Map<String, String> reportAttributes = new HashMap<>(attributes);
        reportAttributes.put(CoreAttributes.MIME_TYPE.key(), "application/json");
        reportAttributes.put(CoreAttributes.FILENAME.key(), flowFile.getAttribute(CoreAttributes.FILENAME.key()) + ".gate.json");
        reportFlowFile = session.putAllAttributes(reportFlowFile, reportAttributes);
        session.getProvenanceReporter().fork(flowFile, List.of(reportFlowFile));
        final Relationship route = approved ? REL_APPROVED : REL_REJECTED;
        final FlowFile decided = session.putAllAttributes(flowFile, attributes);
        session.getProvenanceReporter().route(decided, route, String.join("; ", reasons));
        session.transfer(decided, route);
        session.transfer(reportFlowFile, REL_REPORT);
    }

    private static String report(final FlowFile flowFile, final boolean approved, final List<String> reasons, final Tally tally,
                                 final double fraction, final double threshold) {
        final StringBuilder json = new StringBuilder("{\n");
        json.append("  \"dataset\": ").append(quote(flowFile.getAttribute(CoreAttributes.FILENAME.key()))).append(",\n");
        json.append("  \"decision\": \"").append(approved ? "approved" : "rejected").append("\",\n");
        json.append("  \"reasons\": [");
        for (int i = 0; i < reasons.size(); i++) {
            json.append(i == 0 ? "" : ", ").append(quote(reasons.get(i)));
        }
        json.append("],\n");
        json.append(String.format(Locale.ROOT, """
                  "records": %d,
                  "scored": %d,
                  "unscored": %d,
                  "threshold": %s,
                  "memorized": %d,
                  "memorized_fraction": %s,
                  "memorized_driven_by_markers": %d,
                  "memorized_with_marker_rank": %d,
                  "max_score": %s
                }
                """, tally.records, tally.scored, tally.records - tally.scored, threshold, tally.memorized, fraction,
                tally.memorizedWithMarkers, tally.attributed, tally.scored == 0 ? "null" : String.valueOf(tally.maxScore)));
        return json.toString();
    }

    private static String quote(final String value) {
        return value == null ? "null" : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

}
