package io.memaudit.nifi;

import io.memaudit.core.lint.LintReport;
import io.memaudit.core.lint.PromptLint;
import io.memaudit.core.lint.PromptRisk;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
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
public class LintPromptDataset extends AbstractProcessor {
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
        try {
            MarkerProperties.rewriterBuilder(context).build();
            return List.of();
        } catch (final IllegalArgumentException e) {
            return List.of(new ValidationResult.Builder().subject("Marker options").valid(false).explanation(e.getMessage()).build());
        }
    }

    @Override
    public void onTrigger(final ProcessContext context, final ProcessSession session) {
        FlowFile flowFile = session.get();
        if (flowFile == null) {
            return;
        }
        final RecordReaderFactory readerFactory = context.getProperty(RECORD_READER).asControllerService(RecordReaderFactory.class);
        final RecordSetWriterFactory writerFactory = context.getProperty(RECORD_WRITER).asControllerService(RecordSetWriterFactory.class);
        final RecordPath textPath = RecordPath.compile(context.getProperty(TEXT_FIELD).getValue());
        final RecordField riskField = new RecordField(context.getProperty(RISK_FIELD).getValue(), RecordFieldType.STRING.getDataType());
        final RecordField reasonsField = new RecordField(context.getProperty(REASONS_FIELD).getValue(), RecordFieldType.STRING.getDataType());
        final Map<String, String> attributes = flowFile.getAttributes();
        final PromptLint lint = new PromptLint(MarkerProperties.rewriterBuilder(context).build().finder());
        final LintReport report;
        final Map<String, String> writerAttributes = new HashMap<>();
        try {
            session.read(flowFile, in -> {
                try (RecordReader reader = readerFactory.createRecordReader(attributes, in, -1, getLogger())) {
                    Record record;
                    while ((record = reader.nextRecord()) != null) {
                        lint.add(RecordFields.text(textPath, record));
                    }
                } catch (final Exception e) {
                    throw new ProcessException(e);
                }
            });
            report = lint.finish();
            flowFile = session.write(flowFile, (in, out) -> {
                final int[] prompt = {0};
                writerAttributes.putAll(RecordRewrite.rewriteAll(readerFactory, writerFactory, attributes, in, out, getLogger(),
                        record -> {
                            final PromptRisk risk = RecordFields.text(textPath, record) == null ? null : report.risk(prompt[0]++);
                            record.setValue(riskField, risk == null ? null : risk.level().displayName());
                            record.setValue(reasonsField, risk == null ? null : String.join(",", risk.reasons()));
                            record.incorporateInactiveFields();
                            return record;
                        }));
            });
        } catch (final ProcessException e) {
            final String reason = RandomizeDeidMarkers.describe(e);
            getLogger().error("Failed to lint {}: {}", flowFile, reason);
            getLogger().debug("Full error for {} (may quote record text)", flowFile, e);
            session.transfer(session.putAttribute(flowFile, ERROR, reason), REL_FAILURE);
            return;
        }
        final Map<String, String> counts = countAttributes(report);
        final String source = flowFile.getAttribute(CoreAttributes.FILENAME.key());
        final byte[] json = report.toJson(Map.of("source", source)).getBytes(StandardCharsets.UTF_8);
        FlowFile summary = session.create(flowFile);
        summary = session.write(summary, out -> out.write(json));
        final Map<String, String> summaryAttributes = new HashMap<>(counts);
        summaryAttributes.put(CoreAttributes.MIME_TYPE.key(), "application/json");
        summaryAttributes.put(CoreAttributes.FILENAME.key(), source + ".lint.json");
        summary = session.putAllAttributes(summary, summaryAttributes);
        session.getProvenanceReporter().fork(flowFile, List.of(summary));
        final Map<String, String> flagged = new HashMap<>(counts);
        flagged.putAll(writerAttributes);
        session.getProvenanceReporter().modifyContent(flowFile, "Flagged " + report.prompts() + " prompts by memorization risk");
        session.transfer(session.putAllAttributes(flowFile, flagged), REL_SUCCESS);
        session.transfer(summary, REL_SUMMARY);
    }


    private static Map<String, String> countAttributes(final LintReport report) {
        final Map<PromptRisk.Level, Long> risks = report.riskCounts();
        return Map.of(
                "lint.records", String.valueOf(report.records()),
                "lint.risk.high", String.valueOf(risks.get(PromptRisk.Level.HIGH)),
                "lint.risk.medium", String.valueOf(risks.get(PromptRisk.Level.MEDIUM)),
                "lint.risk.low", String.valueOf(risks.get(PromptRisk.Level.LOW)),
                "lint.unique.with.markers.share", String.format(java.util.Locale.ROOT, "%.4f", report.uniqueWithMarkersShare()));
    }
}
