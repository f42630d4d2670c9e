package io.memaudit.nifi;

import io.memaudit.core.gate.GateDecision;
import io.memaudit.core.gate.GatePolicy;
import io.memaudit.core.gate.ReleaseGate;
import io.memaudit.core.gate.UnscoredRecords;
import io.memaudit.core.gate.Wholeness;
import io.memaudit.core.markers.MarkerFinder;
import io.memaudit.core.markers.MarkerScanLimitException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.nifi.annotation.behavior.InputRequirement;
import org.apache.nifi.annotation.behavior.WritesAttribute;
import org.apache.nifi.annotation.behavior.WritesAttributes;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.SeeAlso;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.components.AllowableValue;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.context.PropertyContext;
import org.apache.nifi.expression.ExpressionLanguageScope;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.flowfile.attributes.CoreAttributes;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.exception.ProcessException;
import org.apache.nifi.processor.util.StandardValidators;
import org.apache.nifi.record.path.FieldValue;
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
        marker_rank ScoreMemorization writes with Top Tokens on), or, for records without that field, it still carries \
        one. Fails closed: records without a usable score (missing, null, not a number, NaN or infinite, or with a \
        score_error) are never taken as not memorized; a dataset that has them is rejected (or held, see Unscored \
        Records), and one without any score is rejected saying why. With a Record Key Field or an Expected Record Count it \
        also checks that it was given the whole dataset: a repeated key, a record without one or a record count other than \
        the expected one rejects it as not whole. The dataset goes to 'approved', 'rejected' (or \
        'held') with the decision and its reasons as attributes, and a JSON report a reviewer can read (counts only, no \
        prompt text, no file name) goes to 'report'. The policy is memaudit-core's ReleaseGate, the same as `memaudit \
        gate`.""")
@WritesAttributes({
        @WritesAttribute(attribute = EvaluateReleaseGate.DECISION, description = "approved, rejected or held"),
        @WritesAttribute(attribute = EvaluateReleaseGate.REASONS, description = "Why, in one line (empty when approved)"),
        @WritesAttribute(attribute = "gate.records", description = "Records read"),
        @WritesAttribute(attribute = "gate.memorized", description = "Records at or above the threshold"),
        @WritesAttribute(attribute = "gate.unscored", description = "Records without a usable score (unscored or failed)"),
        @WritesAttribute(attribute = "gate.max.score", description = "Highest score"),
        @WritesAttribute(attribute = EvaluateReleaseGate.ERROR, description = "Why the dataset could not be evaluated (on "
                + "failure): the stage (e.g. reading record 3) and the exception types, never record text")
})
@SeeAlso(ScoreMemorization.class)
public class EvaluateReleaseGate extends AbstractMemauditProcessor {
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

    static final AllowableValue[] UNSCORED_OPTIONS = java.util.Arrays.stream(UnscoredRecords.values())
            .map(option -> new AllowableValue(option.value(), option.value(), option.description()))
            .toArray(AllowableValue[]::new);
    static final PropertyDescriptor UNSCORED_RECORDS = new PropertyDescriptor.Builder()
            .name("Unscored Records")
            .description("What a record without a usable score (missing, null, not a number, NaN or infinite, or with a score "
                    + "error) does to the dataset. Neither option approves it. 'hold' adds the relationship 'held'.")
            .required(true).allowableValues(UNSCORED_OPTIONS).defaultValue(UnscoredRecords.REJECT.value()).build();
    static final PropertyDescriptor SCORE_ERROR_FIELD = new PropertyDescriptor.Builder()
            .name("Score Error Field")
            .description("RecordPath of the reason a record could not be scored (ScoreMemorization's and memaudit score's "
                    + "score_error); a record with a non-empty value is a failed record.")
            .required(true).defaultValue("/score_error").addValidator(new RecordPathValidator()).build();
    static final PropertyDescriptor SCREENING_SCORE_FIELD = new PropertyDescriptor.Builder()
            .name("Screening Score Field")
            .description("Only for datasets scored in two-stage mode: RecordPath of the first-step score (/dmem_first_step). "
                    + "A record without a Score Field value but with a finite value here and no score error was screened "
                    + "out (decided not memorized by the first step) and counts as decided. Empty: such records count as "
                    + "unscored.")
            .required(false).addValidator(new RecordPathValidator()).build();

    static final PropertyDescriptor RECORD_KEY_FIELD = new PropertyDescriptor.Builder()
            .name("Record Key Field")
            .description("Optional: RecordPath of a value no two records of a dataset share (e.g. /image). A dataset in "
                    + "which two records share it, or a record lacks it, is rejected as not whole: a reassembly that counts "
                    + "chunks can take a repeated chunk in place of a missing one, and the record count does not show it.")
            .required(false).addValidator(new RecordPathValidator()).build();
    static final PropertyDescriptor EXPECTED_RECORD_COUNT = new PropertyDescriptor.Builder()
            .name("Expected Record Count")
            .description("Optional: how many records the dataset has, usually from an attribute set before it was split "
                    + "(e.g. ${dataset.record.count}). A dataset with more or fewer is rejected as not whole; a value that "
                    + "is not a whole number sends the dataset to failure.")
            .required(false).expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR).build();

    static final Relationship REL_APPROVED = new Relationship.Builder().name("approved")
            .description("Datasets that pass every rule").build();
    static final Relationship REL_REJECTED = new Relationship.Builder().name("rejected")
            .description("Datasets that break a rule; gate.reasons says which").build();
    static final Relationship REL_REPORT = new Relationship.Builder().name("report")
            .description("A JSON report of the decision for a reviewer (no prompt text)").build();
    static final Relationship REL_FAILURE = new Relationship.Builder().name("failure")
            .description("Datasets the gate could not evaluate (unreadable content, a reader, RecordPath or content "
                    + "repository fault, a Custom Marker Pattern over its limit), unchanged and penalized, with gate.error; "
                    + "never approved").build();
    static final Relationship REL_HELD = new Relationship.Builder().name("held")
            .description("Only with Unscored Records 'hold': datasets whose only problem is records without a usable score").build();

    private static final List<PropertyDescriptor> PROPERTIES = List.of(RECORD_READER, SCORE_FIELD, TEXT_FIELD,
            MEMORIZATION_THRESHOLD, MAXIMUM_MEMORIZED_FRACTION, MAXIMUM_SCORE, MARKER_RULE, MARKER_RANK_FIELD, MARKER_RANK_LIMIT,
            UNSCORED_RECORDS, SCORE_ERROR_FIELD, SCREENING_SCORE_FIELD, RECORD_KEY_FIELD, EXPECTED_RECORD_COUNT,
            MarkerProperties.MARKER_DIALECTS, MarkerProperties.CUSTOM_MARKER_PATTERN);
    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_APPROVED, REL_REJECTED, REL_REPORT, REL_FAILURE);
    private static final Set<Relationship> RELATIONSHIPS_WITH_HELD = Set.of(REL_APPROVED, REL_REJECTED, REL_HELD, REL_REPORT,
            REL_FAILURE);

    /** 'held' exists only while Unscored Records is 'hold', so flows that never hold need not connect it. */
    private volatile Set<Relationship> relationships = RELATIONSHIPS;

    public EvaluateReleaseGate() {
        super(PROPERTIES, RELATIONSHIPS);
    }

    @Override
    public Set<Relationship> getRelationships() {
        return relationships;
    }

    @Override
    public void onPropertyModified(final PropertyDescriptor descriptor, final String oldValue, final String newValue) {
        if (descriptor.equals(UNSCORED_RECORDS)) {
            relationships = UnscoredRecords.HOLD.value().equals(newValue) ? RELATIONSHIPS_WITH_HELD : RELATIONSHIPS;
        }
    }

    @Override
    protected Collection<ValidationResult> customValidate(final ValidationContext context) {
        final List<ValidationResult> results = new ArrayList<>();
        if (context.getProperty(MEMORIZATION_THRESHOLD).isSet() && context.getProperty(MAXIMUM_MEMORIZED_FRACTION).isSet()) {
            try {
                policy(context);
            } catch (final IllegalArgumentException e) {
                // the same checks as memaudit gate: finite numbers, a fraction between 0 and 1
                results.add(new ValidationResult.Builder().subject("Gate policy").valid(false).explanation(e.getMessage()).build());
            }
        }
        try {
            MarkerProperties.rewriterBuilder(context).build();
        } catch (final IllegalArgumentException e) {
            results.add(new ValidationResult.Builder().subject("Marker options").valid(false).explanation(e.getMessage()).build());
        }
        return results;
    }

    @Override
    public void onTrigger(final ProcessContext context, final ProcessSession session) {
        final FlowFile flowFile = session.get();
        if (flowFile == null) {
            return;
        }
        // Everything that can fail happens before the first change to the dataset: whatever is thrown (a reader, a
        // RecordPath, the marker scan, the content repository), the report is dropped and the dataset goes to failure as
        // it came, penalized: never approved, and never rolled back into a retry loop.
        final Stage stage = new Stage();
        FlowFile report = null;
        final GateDecision decision;
        try {
            decision = evaluate(context, session, flowFile, stage);
            stage.doing = "writing the report";
            final byte[] json = decision.toJsonText("memaudit EvaluateReleaseGate",
                    flowFile.getAttribute(CoreAttributes.UUID.key())).getBytes(StandardCharsets.UTF_8);
            report = session.create(flowFile);
            report = session.write(report, out -> out.write(json));
        } catch (final RuntimeException | StackOverflowError e) {
            if (report != null) {
                session.remove(report);
            }
            final String reason = reason(stage.doing, e);
            getLogger().error("Failed to evaluate the release gate on FlowFile {}: {}", Failures.uuid(flowFile), reason);
            getLogger().debug("Full error for FlowFile {} (may quote record text)", Failures.uuid(flowFile), e);
            session.transfer(session.putAttribute(session.penalize(flowFile), ERROR, reason), REL_FAILURE);
            return;
        }
        final Map<String, String> attributes = new HashMap<>();
        attributes.put(DECISION, decision.outcome().value());
        attributes.put(REASONS, decision.reasonLine());
        attributes.put("gate.records", String.valueOf(decision.counts().records()));
        attributes.put("gate.memorized", String.valueOf(decision.counts().memorized()));
        attributes.put("gate.unscored", String.valueOf(decision.counts().notScored()));
        attributes.put("gate.max.score", decision.counts().hasMaximum() ? String.valueOf(decision.counts().maxScore()) : "");
        final Map<String, String> reportAttributes = new HashMap<>(attributes);
        reportAttributes.put(CoreAttributes.MIME_TYPE.key(), "application/json");
        reportAttributes.put(CoreAttributes.FILENAME.key(), flowFile.getAttribute(CoreAttributes.FILENAME.key()) + ".gate.json");
        report = session.putAllAttributes(report, reportAttributes);
        session.getProvenanceReporter().fork(flowFile, List.of(report));
        final Relationship route = switch (decision.outcome()) {
            case APPROVED -> REL_APPROVED;
            case REJECTED -> REL_REJECTED;
            case HELD -> REL_HELD;
        };
        final FlowFile decided = session.putAllAttributes(flowFile, attributes);
        session.getProvenanceReporter().route(decided, route, decision.reasonLine());
        session.transfer(decided, route);
        session.transfer(report, REL_REPORT);
    }

    /** Reads every record into the core gate and decides; {@code stage} says what it is doing, for a failure message. */
    private GateDecision evaluate(final ProcessContext context, final ProcessSession session, final FlowFile flowFile,
                                  final Stage stage) {
        stage.doing = "reading the properties";
        final RecordReaderFactory readerFactory = context.getProperty(RECORD_READER).asControllerService(RecordReaderFactory.class);
        final String scoreField = context.getProperty(SCORE_FIELD).getValue();
        final RecordPath scorePath = RecordPath.compile(scoreField);
        final RecordPath textPath = RecordPath.compile(context.getProperty(TEXT_FIELD).getValue());
        final RecordPath rankPath = RecordPath.compile(context.getProperty(MARKER_RANK_FIELD).getValue());
        final RecordPath errorPath = RecordPath.compile(context.getProperty(SCORE_ERROR_FIELD).getValue());
        final RecordPath screeningPath = context.getProperty(SCREENING_SCORE_FIELD).isSet()
                ? RecordPath.compile(context.getProperty(SCREENING_SCORE_FIELD).getValue()) : null;
        final MarkerFinder markers = MarkerProperties.rewriterBuilder(context).build().finder();
        final ReleaseGate gate = new ReleaseGate(policy(context), markers, scoreField);
        final RecordPath keyPath = context.getProperty(RECORD_KEY_FIELD).isSet()
                ? RecordPath.compile(context.getProperty(RECORD_KEY_FIELD).getValue()) : null;
        stage.doing = "reading the Expected Record Count";
        final Long expectedRecords = expectedRecords(context, flowFile);
        final ReleaseGate.Evaluation evaluation = gate.start(new Wholeness(
                keyPath == null ? null : context.getProperty(RECORD_KEY_FIELD).getValue(), expectedRecords));
        stage.doing = "opening the Record Reader";
        session.read(flowFile, in -> {
            try (RecordReader reader = readerFactory.createRecordReader(flowFile.getAttributes(), in, -1, getLogger())) {
                for (long index = 1; ; index++) {
                    stage.doing = "reading record " + index;
                    final Record record = reader.nextRecord();
                    if (record == null) {
                        break;
                    }
                    stage.doing = "evaluating record " + index;
                    final Object error = value(errorPath, record);
                    evaluation.add(ReleaseGate.number(value(scorePath, record)), error == null ? null : error.toString(),
                            RecordFields.number(rankPath, record),
                            screeningPath == null ? null : ReleaseGate.number(value(screeningPath, record)),
                            () -> RecordFields.text(textPath, record));
                    if (keyPath != null) {
                        final Object key = value(keyPath, record);
                        evaluation.key(key == null ? null : key.toString());
                    }
                }
                stage.doing = "closing the Record Reader";
            } catch (final ProcessException e) {
                throw e;
            } catch (final Exception e) {
                throw new ProcessException(e);
            }
        });
        stage.doing = "deciding";
        return evaluation.decide();
    }

    /**
     * Why the gate could not judge a dataset, without quoting it: the stage and the exception types; for the marker scan's
     * own limit, its message (a limit and a text length, never text). The full exception is for DEBUG.
     */
    static String reason(final String doing, final Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof MarkerScanLimitException) {
                return "Failed " + doing + " (MarkerScanLimitException): " + cause.getMessage() + ". The dataset is not "
                        + "approved; fix the Custom Marker Pattern.";
            }
            if (cause instanceof Failures.SafeFailure) {
                return "Failed " + doing + ": " + cause.getMessage() + ".";
            }
        }
        return "Failed " + doing + " (" + Failures.types(failure) + "). The dataset is not approved; check that the content "
                + "matches the configured Record Reader. The full message, which can quote record text, is logged at DEBUG.";
    }

    /** The Expected Record Count for this dataset, or null when not set; a value that is not a count fails the dataset. */
    private static Long expectedRecords(final ProcessContext context, final FlowFile flowFile) {
        if (!context.getProperty(EXPECTED_RECORD_COUNT).isSet()) {
            return null;
        }
        final String value = context.getProperty(EXPECTED_RECORD_COUNT).evaluateAttributeExpressions(flowFile).getValue();
        try {
            final long count = Long.parseLong(value == null ? "" : value.trim());
            if (count >= 0) {
                return count;
            }
        } catch (final NumberFormatException e) {
            // said below, without quoting the value: an attribute can hold anything
        }
        throw new Failures.SafeFailure("Expected Record Count did not evaluate to a whole number of 0 or more for this "
                + "FlowFile (is the attribute it names set?). The dataset is not approved", null);
    }

    private static GatePolicy policy(final PropertyContext context) {
        return new GatePolicy(context.getProperty(MEMORIZATION_THRESHOLD).asDouble(),
                context.getProperty(MAXIMUM_MEMORIZED_FRACTION).asDouble(),
                context.getProperty(MAXIMUM_SCORE).isSet() ? context.getProperty(MAXIMUM_SCORE).asDouble() : null,
                context.getProperty(MARKER_RULE).asBoolean(), context.getProperty(MARKER_RANK_LIMIT).asInteger(),
                UnscoredRecords.of(context.getProperty(UNSCORED_RECORDS).getValue()));
    }

    /** What one trigger is doing, for the failure reason. */
    private static final class Stage {
        private String doing = "starting";
    }

    /** The first non-null value the path selects, or null. */
    private static Object value(final RecordPath path, final Record record) {
        return path.evaluate(record).getSelectedFields().map(FieldValue::getValue).filter(Objects::nonNull).findFirst()
                .orElse(null);
    }
}
