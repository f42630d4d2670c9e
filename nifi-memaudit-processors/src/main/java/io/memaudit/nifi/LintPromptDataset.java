package io.memaudit.nifi;

import io.memaudit.core.lint.LintReport;
import io.memaudit.core.lint.PromptLint;
import io.memaudit.core.lint.PromptRisk;
import io.memaudit.core.markers.MarkerScanLimitException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
import org.apache.nifi.annotation.documentation.UseCase;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.flowfile.attributes.CoreAttributes;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.util.StandardValidators;
import org.apache.nifi.record.path.RecordPath;
import org.apache.nifi.record.path.validation.RecordPathValidator;
import org.apache.nifi.serialization.RecordReader;
import org.apache.nifi.serialization.RecordReaderFactory;
import org.apache.nifi.serialization.RecordSetWriterFactory;
import org.apache.nifi.serialization.record.Record;
import org.apache.nifi.serialization.record.RecordField;
import org.apache.nifi.serialization.record.RecordFieldType;

@InputRequirement(InputRequirement.Requirement.INPUT_REQUIRED)
@Tags({"memaudit", "lint", "memorization", "risk", "duplicates", "de-identification", "prompt", "record"})
@CapabilityDescription("""
        Profiles a whole prompt dataset (one FlowFile of many records, e.g. after MergeRecord) without any model: how often \
        each de-identification marker form appears and in how many distinct prompts, exact and near-duplicate captions, caption \
        length, and the share of prompts that are unique and carry markers. Flags every record with a risk level (high: a \
        unique caption carrying a marker, the pattern the seed paper found memorized; medium: a repeated caption with a marker \
        or a unique caption in the longest tenth; low: the rest) and emits the facts as a JSON summary. The cheap pre-screen \
        to run before scoring with a model.""")
@WritesAttributes({
        @WritesAttribute(attribute = "lint.records", description = "Records profiled"),
        @WritesAttribute(attribute = "lint.risk.high", description = "Records flagged high"),
        @WritesAttribute(attribute = "lint.risk.medium", description = "Records flagged medium"),
        @WritesAttribute(attribute = "lint.risk.low", description = "Records flagged low"),
        @WritesAttribute(attribute = "lint.unique.with.markers.share", description = "Share of prompts that are unique and carry a marker"),
        @WritesAttribute(attribute = LintPromptDataset.ERROR, description = "Why the FlowFile went to failure (never quotes record text)")
})
@SeeAlso(RandomizeDeidMarkers.class)
@UseCase(
        description = "Get a first memorization-risk picture of a caption dataset before any GPU time.",
        keywords = {"lint", "pre-screen", "risk", "duplicates", "markers"},
        configuration = """
                Merge the dataset into one FlowFile (MergeRecord), then set "Record Reader", "Record Writer" and "Text Field".
                Route "summary" to a reviewer (PutFile) and "success" onward; records carry lint_risk and lint_reasons.
                """
)
public class LintPromptDataset extends AbstractMemauditProcessor {
    static final String ERROR = "lint.error";

    static final PropertyDescriptor RECORD_READER = new PropertyDescriptor.Builder()
            .name("Record Reader")
            .description("Reads the dataset's records.")
            .identifiesControllerService(RecordReaderFactory.class)
            .required(true)
            .build();

    static final PropertyDescriptor RECORD_WRITER = new PropertyDescriptor.Builder()
            .name("Record Writer")
            .description("Writes the records with their risk flags.")
            .identifiesControllerService(RecordSetWriterFactory.class)
            .required(true)
            .build();

    static final PropertyDescriptor TEXT_FIELD = new PropertyDescriptor.Builder()
            .name("Text Field")
            .description("RecordPath of the caption, e.g. /prompt. A record whose field is missing or not a string is counted "
                    + "but not profiled, and gets no flag.")
            .required(true)
            .defaultValue("/prompt")
            .addValidator(new RecordPathValidator())
            .build();

    static final PropertyDescriptor RISK_FIELD = new PropertyDescriptor.Builder()
            .name("Risk Field")
            .description("Top-level field that receives high, medium or low.")
            .required(true)
            .defaultValue("lint_risk")
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .build();

    static final PropertyDescriptor REASONS_FIELD = new PropertyDescriptor.Builder()
            .name("Reasons Field")
            .description("Top-level field that receives the facts behind the level, comma-separated: marker, unique, long, near-duplicate.")
            .required(true)
            .defaultValue("lint_reasons")
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .build();

    static final Relationship REL_SUCCESS = new Relationship.Builder()
            .name("success").description("The dataset with a risk flag on every profiled record").build();
    static final Relationship REL_SUMMARY = new Relationship.Builder()
            .name("summary").description("A JSON summary of the facts (no prompt text), one per dataset").build();
    static final Relationship REL_FAILURE = new Relationship.Builder()
            .name("failure").description("Datasets that could not be read, unchanged, with " + ERROR).build();

    private static final List<PropertyDescriptor> PROPERTIES = List.of(RECORD_READER, RECORD_WRITER, TEXT_FIELD,
            MarkerProperties.MARKER_DIALECTS, MarkerProperties.CUSTOM_MARKER_PATTERN, RISK_FIELD, REASONS_FIELD);
    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_SUCCESS, REL_SUMMARY, REL_FAILURE);

    public LintPromptDataset() {
        super(PROPERTIES, RELATIONSHIPS);
    }

    @Override
    protected Collection<ValidationResult> customValidate(final ValidationContext context) {
        try {
            MarkerProperties.rewriterBuilder(context).build();
            return List.of();
        } catch (final IllegalArgumentException e) {
            return List.of(new ValidationResult.Builder().subject("Marker options").valid(false).explanation(e.getMessage()).build());
        }
    }

    @Override
    public void onTrigger(final ProcessContext context, final ProcessSession session) {
        final FlowFile flowFile = session.get();
        if (flowFile == null) {
            return;
        }
        // Every FlowFile leaves on exactly one relationship: the summary is written before the dataset is flagged, the
        // flagging is the last fallible step, and on any failure the summary is removed and the original goes to failure.
        final Lint lint = new Lint();
        try {
            lint(context, session, flowFile, lint);
        } catch (final Failures.SafeFailure | MarkerScanLimitException e) {
            getLogger().debug("Full error for FlowFile {} (may quote record text)", Failures.uuid(flowFile), e);
            fail(session, flowFile, lint.summary, e.getMessage());
            return;
        } catch (final RuntimeException | StackOverflowError e) {
            getLogger().debug("Full error for FlowFile {} (may quote record text)", Failures.uuid(flowFile), e);
            fail(session, flowFile, lint.summary, "Unexpected " + Failures.types(e) + " while linting; the "
                    + "FlowFile is routed to failure unchanged. The full message, which can quote record text, is "
                    + "logged at DEBUG.");
            return;
        }
        session.getProvenanceReporter().fork(flowFile, List.of(lint.summary));
        session.getProvenanceReporter().modifyContent(lint.flagged, "Flagged " + lint.report.prompts() + " prompts by memorization risk");
        session.transfer(lint.flagged, REL_SUCCESS);
        session.transfer(lint.summary, REL_SUMMARY);
    }

    private void lint(final ProcessContext context, final ProcessSession session, final FlowFile flowFile, final Lint lint) {
        final RecordReaderFactory readerFactory = context.getProperty(RECORD_READER).asControllerService(RecordReaderFactory.class);
        final RecordSetWriterFactory writerFactory = context.getProperty(RECORD_WRITER).asControllerService(RecordSetWriterFactory.class);
        final RecordPath textPath = RecordPath.compile(context.getProperty(TEXT_FIELD).getValue());
        final RecordField riskField = new RecordField(context.getProperty(RISK_FIELD).getValue(), RecordFieldType.STRING.getDataType());
        final RecordField reasonsField = new RecordField(context.getProperty(REASONS_FIELD).getValue(), RecordFieldType.STRING.getDataType());
        final Map<String, String> attributes = flowFile.getAttributes();
        final PromptLint profile = new PromptLint(MarkerProperties.rewriterBuilder(context).build().finder());
        session.read(flowFile, in -> profileAll(readerFactory, attributes, in, textPath, profile));
        final LintReport report = profile.finish();
        lint.report = report;

        final Map<String, String> counts = countAttributes(report);
        final String filename = flowFile.getAttribute(CoreAttributes.FILENAME.key());
        final String source = filename == null ? Failures.uuid(flowFile) : filename;
        final byte[] json = report.toJson(Map.of("source", source)).getBytes(StandardCharsets.UTF_8);
        lint.summary = session.create(flowFile);
        lint.summary = session.write(lint.summary, out -> out.write(json));
        final Map<String, String> summaryAttributes = new HashMap<>(counts);
        summaryAttributes.put(CoreAttributes.MIME_TYPE.key(), "application/json");
        summaryAttributes.put(CoreAttributes.FILENAME.key(), source + ".lint.json");
        lint.summary = session.putAllAttributes(lint.summary, summaryAttributes);

        final Map<String, String> writerAttributes = new HashMap<>();
        final long[] prompt = {0};
        final FlowFile flagged = session.write(flowFile, (in, out) -> writerAttributes.putAll(RecordRewrite.rewriteAll(readerFactory,
                writerFactory, attributes, in, out, getLogger(), record -> {
                    final PromptRisk risk = RecordFields.text(textPath, record) == null ? null : risk(report, prompt[0]++);
                    record.setValue(riskField, risk == null ? null : risk.level().displayName());
                    record.setValue(reasonsField, risk == null ? null : String.join(",", risk.reasons()));
                    record.incorporateInactiveFields();
                    return record;
                })));
        final Map<String, String> flaggedAttributes = new HashMap<>(counts);
        flaggedAttributes.putAll(writerAttributes);
        lint.flagged = session.putAllAttributes(flagged, flaggedAttributes);
    }

    /** The first pass: every record's text into the profile. */
    private void profileAll(final RecordReaderFactory readerFactory, final Map<String, String> attributes, final InputStream in,
                            final RecordPath textPath, final PromptLint profile) {
        long index = 0;
        try (RecordReader reader = readerFactory.createRecordReader(attributes, in, -1, getLogger())) {
            Record record;
            while ((record = reader.nextRecord()) != null) {
                index++;
                profile.add(RecordFields.text(textPath, record));
            }
        } catch (final MarkerScanLimitException e) {
            throw new Failures.SafeFailure("Record " + index + ": " + e.getMessage(), e);
        } catch (final Exception | StackOverflowError e) {
            throw new Failures.SafeFailure("Failed reading record " + (index + 1) + " (" + Failures.types(e) + "). Check that "
                    + "the content matches the configured Record Reader. The full message, which can quote record text, is "
                    + "logged at DEBUG.", e);
        }
    }

    /** The risk of the {@code index}-th (0-based) profiled prompt; a second read that finds more prompts than the first fails. */
    private static PromptRisk risk(final LintReport report, final long index) {
        if (index >= report.prompts()) {
            throw new Failures.SafeFailure("Record " + (index + 1) + ": the second read of the content found more prompts than the "
                    + "first (" + report.prompts() + "): the Record Reader does not read the same records twice", null);
        }
        return report.risk((int) index);
    }

    private void fail(final ProcessSession session, final FlowFile flowFile, final FlowFile summary, final String reason) {
        if (summary != null) {
            session.remove(summary);
        }
        getLogger().error("Failed to lint FlowFile {}: {}", Failures.uuid(flowFile), reason);
        session.transfer(session.putAttribute(session.penalize(flowFile), ERROR, reason), REL_FAILURE);
    }

    /** What one trigger produced so far: the summary to remove on failure, and the results to transfer on success. */
    private static final class Lint {
        private LintReport report;
        private FlowFile summary;
        private FlowFile flagged;
    }

    private static Map<String, String> countAttributes(final LintReport report) {
        final Map<PromptRisk.Level, Long> risks = report.riskCounts();
        return Map.of(
                "lint.records", String.valueOf(report.records()),
                "lint.risk.high", String.valueOf(risks.get(PromptRisk.Level.HIGH)),
                "lint.risk.medium", String.valueOf(risks.get(PromptRisk.Level.MEDIUM)),
                "lint.risk.low", String.valueOf(risks.get(PromptRisk.Level.LOW)),
                "lint.unique.with.markers.share", String.format(Locale.ROOT, "%.4f", report.uniqueWithMarkersShare()));
    }
}
