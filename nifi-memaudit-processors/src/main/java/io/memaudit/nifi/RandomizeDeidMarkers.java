package io.memaudit.nifi;

import io.memaudit.core.markers.MarkerRewriter;
import io.memaudit.core.markers.MarkerScanLimitException;
import io.memaudit.core.markers.RewriteResult;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.nifi.annotation.behavior.InputRequirement;
import org.apache.nifi.annotation.behavior.SideEffectFree;
import org.apache.nifi.annotation.behavior.SupportsBatching;
import org.apache.nifi.annotation.behavior.WritesAttribute;
import org.apache.nifi.annotation.behavior.WritesAttributes;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.annotation.documentation.UseCase;
import org.apache.nifi.annotation.lifecycle.OnScheduled;
import org.apache.nifi.annotation.lifecycle.OnStopped;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.context.PropertyContext;
import org.apache.nifi.expression.ExpressionLanguageScope;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.processor.DataUnit;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.exception.ProcessException;
import org.apache.nifi.processor.util.StandardValidators;
import org.apache.nifi.record.path.FieldValue;
import org.apache.nifi.record.path.RecordPath;
import org.apache.nifi.record.path.validation.RecordPathValidator;
import org.apache.nifi.serialization.RecordReaderFactory;
import org.apache.nifi.serialization.RecordSetWriterFactory;
import org.apache.nifi.serialization.record.Record;
import org.apache.nifi.serialization.record.RecordField;
import org.apache.nifi.serialization.record.RecordFieldType;

@SideEffectFree
@SupportsBatching
@InputRequirement(InputRequirement.Requirement.INPUT_REQUIRED)
@Tags({"memaudit", "de-identification", "deid", "phi", "anonymization", "memorization", "diffusion", "record", "mimic-cxr"})
@CapabilityDescription("""
        Replaces de-identification markers (MIMIC-CXR's ___, MIMIC notes' [** **], Open-i's XXXX, tags such as [REDACTED] or \
        <PERSON>, or a custom expression) in a text field of every record with randomized replacements, so that a text-to-image \
        model trained on the data cannot latch onto one uniform marker token. Strategies: an independent random tag per marker, \
        a realistic typed surrogate (name, date, time, age, place, identifier) inferred from context, removal, or a fixed \
        string (control arm). Everything outside the markers is preserved exactly. With a seed, each record is rewritten the \
        same way regardless of thread count, batch split or record order. Writes the number of markers found into each record. \
        In text mode the whole content is one report (one file per report, as MIMIC-CXR ships them).""")
@WritesAttributes({
        @WritesAttribute(attribute = RandomizeDeidMarkers.RECORD_COUNT, description = "Number of records written"),
        @WritesAttribute(attribute = RandomizeDeidMarkers.MARKER_TOTAL, description = "Total number of markers replaced in the FlowFile"),
        @WritesAttribute(attribute = RandomizeDeidMarkers.RECORDS_WITH_MARKERS, description = "Number of records that held at least one marker"),
        @WritesAttribute(attribute = "mime.type", description = "The MIME type reported by the Record Writer"),
        @WritesAttribute(attribute = RandomizeDeidMarkers.ERROR, description = "Why the FlowFile was routed to failure (never quotes record text)")
})
@UseCase(
        description = "Randomize the uniform ___ markers of a MIMIC-CXR style prompt dataset before training a text-to-image model.",
        keywords = {"mimic-cxr", "de-identification", "memorization", "randomize", "prompt", "caption"},
        configuration = """
                Set "Record Reader" to a JsonTreeReader (JSON Lines) or CSVReader and "Record Writer" to a matching writer.
                Set "Text Field" to the RecordPath of the caption, e.g. /prompt.
                Keep "Marker Dialects" = mimic-cxr and "Replacement Strategy" = random-tag.
                Set "Random Seed" to a fixed number (e.g. 20250207) so a rerun produces the same dataset, and set \
                "Record Key Field" to a per-record identifier such as /image_path so that repeated captions get different tags.
                """
)
@UseCase(
        description = "Randomize the markers of one free-text report per FlowFile, e.g. the MIMIC-CXR reports tree.",
        keywords = {"report", "plain text", "mimic-cxr", "files"},
        configuration = """
                Set "Input Mode" to text. Keep "Text Key" = ${filename} so that identical reports in different files get \
                different replacements, and set "Random Seed" for a reproducible run.
                """
)
@UseCase(
        description = "Replace markers with realistic surrogates (hiding in plain sight) and keep the inferred kinds for auditing.",
        keywords = {"surrogate", "hiding in plain sight", "phi", "typed"},
        configuration = """
                Set "Replacement Strategy" to typed-surrogate.
                Set "Marker Kinds Field" to a new field name such as deid_marker_kinds: each record then lists the kinds \
                (name, date, time, age, place, identifier, unknown) inferred for its markers, in order.
                """
)
public class RandomizeDeidMarkers extends AbstractMemauditProcessor {

    static final String RECORD_COUNT = "record.count";
    static final String MARKER_TOTAL = "deid.marker.count";
    static final String RECORDS_WITH_MARKERS = "deid.records.with.markers";
    static final String ERROR = "deid.error";

    static final PropertyDescriptor INPUT_MODE = new PropertyDescriptor.Builder()
            .name("Input Mode")
            .description("records: rewrite a text field of every record. text: rewrite the whole content as one UTF-8 text "
                    + "(one report per FlowFile, as MIMIC-CXR ships them); bytes outside the markers stay exactly as they were.")
            .required(true)
            .allowableValues(InputMode.class)
            .defaultValue(InputMode.RECORDS)
            .build();

    static final PropertyDescriptor RECORD_READER = new PropertyDescriptor.Builder()
            .name("Record Reader")
            .description("Reads the incoming records (e.g. JsonTreeReader for JSON Lines, CSVReader).")
            .identifiesControllerService(RecordReaderFactory.class)
            .required(true)
            .dependsOn(INPUT_MODE, InputMode.RECORDS)
            .build();

    static final PropertyDescriptor RECORD_WRITER = new PropertyDescriptor.Builder()
            .name("Record Writer")
            .description("Writes the rewritten records.")
            .identifiesControllerService(RecordSetWriterFactory.class)
            .required(true)
            .dependsOn(INPUT_MODE, InputMode.RECORDS)
            .build();

    static final PropertyDescriptor TEXT_FIELD = new PropertyDescriptor.Builder()
            .name("Text Field")
            .description("RecordPath of the text whose markers are replaced, e.g. /prompt. Every selected string field is "
                    + "rewritten. A record whose field is missing, null or not a string passes unchanged with a count of 0.")
            .required(true)
            .defaultValue("/prompt")
            .addValidator(new RecordPathValidator())
            .dependsOn(INPUT_MODE, InputMode.RECORDS)
            .build();

    static final PropertyDescriptor RECORD_KEY_FIELD = new PropertyDescriptor.Builder()
            .name("Record Key Field")
            .description("Optional RecordPath of a per-record identifier (e.g. /image_path) mixed into each record's seed, so "
                    + "that identical captions in different records get different replacements. Without it, identical texts "
                    + "are rewritten identically (which keeps the output independent of record order).")
            .required(false)
            .addValidator(new RecordPathValidator())
            .dependsOn(INPUT_MODE, InputMode.RECORDS)
            .build();

    static final PropertyDescriptor TEXT_KEY = new PropertyDescriptor.Builder()
            .name("Text Key")
            .description("Identifier of the text mixed into its seed, so that identical reports in different files get "
                    + "different replacements. Empty: the seed depends on the text alone.")
            .required(false)
            .defaultValue("${filename}")
            .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES)
            .addValidator(StandardValidators.NON_EMPTY_EL_VALIDATOR)
            .dependsOn(INPUT_MODE, InputMode.TEXT)
            .build();

    static final PropertyDescriptor MAXIMUM_TEXT_SIZE = new PropertyDescriptor.Builder()
            .name("Maximum Text Size")
            .description("Largest content accepted in text mode (it is held in memory); larger content goes to failure.")
            .required(true)
            .defaultValue("64 MB")
            .addValidator(StandardValidators.DATA_SIZE_VALIDATOR)
            .dependsOn(INPUT_MODE, InputMode.TEXT)
            .build();

    static final PropertyDescriptor REPLACEMENT_STRATEGY = new PropertyDescriptor.Builder()
            .name("Replacement Strategy")
            .description("What replaces each marker.")
            .required(true)
            .allowableValues(ReplacementStrategy.class)
            .defaultValue(ReplacementStrategy.RANDOM_TAG)
            .build();

    static final PropertyDescriptor TAG_ALPHABET = new PropertyDescriptor.Builder()
            .name("Tag Alphabet")
            .description("Characters random tags are drawn from (typed-surrogate uses them when a marker's kind is unknown). "
                    + "At least two distinct characters; no whitespace and no underscore.")
            .required(true)
            .defaultValue(MarkerRewriter.DEFAULT_TAG_ALPHABET)
            .addValidator(StandardValidators.NON_EMPTY_VALIDATOR)
            .dependsOn(REPLACEMENT_STRATEGY, ReplacementStrategy.RANDOM_TAG, ReplacementStrategy.TYPED_SURROGATE)
            .build();

    static final PropertyDescriptor TAG_LENGTH = new PropertyDescriptor.Builder()
            .name("Tag Length")
            .description("Number of characters in each random tag (1 to 64).")
            .required(true)
            .defaultValue(String.valueOf(MarkerRewriter.DEFAULT_TAG_LENGTH))
            .addValidator(StandardValidators.createLongValidator(1, 64, true))
            .dependsOn(REPLACEMENT_STRATEGY, ReplacementStrategy.RANDOM_TAG, ReplacementStrategy.TYPED_SURROGATE)
            .build();

    static final PropertyDescriptor FIXED_REPLACEMENT = new PropertyDescriptor.Builder()
            .name("Fixed Replacement")
            .description("The string every marker becomes.")
            .required(true)
            .defaultValue(MarkerRewriter.DEFAULT_FIXED_REPLACEMENT)
            .addValidator(StandardValidators.NON_EMPTY_VALIDATOR)
            .dependsOn(REPLACEMENT_STRATEGY, ReplacementStrategy.FIXED)
            .build();

    static final PropertyDescriptor RANDOM_SEED = new PropertyDescriptor.Builder()
            .name("Random Seed")
            .description("A whole number that makes the output reproducible: each record's randomness is derived from the "
                    + "seed, the record key and the text. Empty: every record draws from SecureRandom.")
            .required(false)
            .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES)
            .addValidator(StandardValidators.LONG_VALIDATOR)
            .build();

    static final PropertyDescriptor MARKER_COUNT_FIELD = new PropertyDescriptor.Builder()
            .name("Marker Count Field")
            .description("Name of the top-level field that receives the number of markers found in the record.")
            .required(true)
            .defaultValue("deid_marker_count")
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .dependsOn(INPUT_MODE, InputMode.RECORDS)
            .build();

    static final PropertyDescriptor MARKER_KINDS_FIELD = new PropertyDescriptor.Builder()
            .name("Marker Kinds Field")
            .description("Optional name of a top-level field that receives the inferred kind of each marker, comma-separated "
                    + "in text order (name, date, time, age, place, identifier, unknown). Setting it turns on kind inference "
                    + "for every strategy (typed-surrogate always infers kinds), which costs some throughput.")
            .required(false)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .dependsOn(INPUT_MODE, InputMode.RECORDS)
            .build();

    static final Relationship REL_SUCCESS = new Relationship.Builder()
            .name("success")
            .description("FlowFiles whose records were all rewritten")
            .build();

    static final Relationship REL_FAILURE = new Relationship.Builder()
            .name("failure")
            .description("FlowFiles that could not be read or written, penalized, with their original content and a " + ERROR
                    + " attribute")
            .build();

    private static final List<PropertyDescriptor> PROPERTIES = List.of(INPUT_MODE, RECORD_READER, RECORD_WRITER, TEXT_FIELD,
            RECORD_KEY_FIELD, TEXT_KEY, MAXIMUM_TEXT_SIZE, MarkerProperties.MARKER_DIALECTS, MarkerProperties.CUSTOM_MARKER_PATTERN,
            REPLACEMENT_STRATEGY, TAG_ALPHABET, TAG_LENGTH,
            FIXED_REPLACEMENT, RANDOM_SEED, MARKER_COUNT_FIELD, MARKER_KINDS_FIELD);

    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_SUCCESS, REL_FAILURE);

    public RandomizeDeidMarkers() {
        super(PROPERTIES, RELATIONSHIPS);
    }

    private volatile RecordPath textPath;
    private volatile RecordPath keyPath;
    private volatile RecordField countField;
    private volatile RecordField kindsField;

    @Override
    protected Collection<ValidationResult> customValidate(final ValidationContext context) {
        final List<ValidationResult> results = new ArrayList<>();
        try {
            rewriterBuilder(context).build();
        } catch (final IllegalArgumentException e) {
            results.add(new ValidationResult.Builder().subject("Marker options").valid(false).explanation(e.getMessage()).build());
        }
        return results;
    }

    @OnScheduled
    public void onScheduled(final ProcessContext context) {
        if (context.getProperty(INPUT_MODE).asAllowableValue(InputMode.class) == InputMode.TEXT) {
            textPath = null;
            keyPath = null;
            countField = null;
            kindsField = null;
            return;
        }
        textPath = RecordPath.compile(context.getProperty(TEXT_FIELD).getValue());
        final String key = context.getProperty(RECORD_KEY_FIELD).getValue();
        keyPath = key == null ? null : RecordPath.compile(key);
        countField = new RecordField(context.getProperty(MARKER_COUNT_FIELD).getValue(), RecordFieldType.INT.getDataType());
        final String kinds = context.getProperty(MARKER_KINDS_FIELD).getValue();
        kindsField = kinds == null ? null : new RecordField(kinds, RecordFieldType.STRING.getDataType());
    }

    @OnStopped
    public void onStopped() {
        textPath = null;
        keyPath = null;
        countField = null;
        kindsField = null;
    }

    @Override
    public void onTrigger(final ProcessContext context, final ProcessSession session) throws ProcessException {
        final FlowFile flowFile = session.get();
        if (flowFile == null) {
            return;
        }
        // Every FlowFile leaves on exactly one relationship: the only content change is the last fallible step, and a
        // failed write leaves the FlowFile as it came, so whatever is thrown, the original goes to failure.
        try {
            final MarkerRewriter rewriter = rewriterFor(context, flowFile);
            if (textPath == null) {
                rewriteText(context, session, flowFile, rewriter);
            } else {
                rewriteRecords(context, session, flowFile, rewriter);
            }
        } catch (final Failures.SafeFailure | MarkerScanLimitException e) {
            getLogger().debug("Full error for FlowFile {} (may quote record text)", Failures.uuid(flowFile), e);
            fail(session, flowFile, e.getMessage());
        } catch (final RuntimeException | StackOverflowError e) {
            final String reason = "Unexpected " + Failures.types(e) + " while randomizing markers; the FlowFile is routed to "
                    + "failure unchanged. The full message, which can quote record text, is logged at DEBUG.";
            getLogger().debug("Full error for FlowFile {} (may quote record text)", Failures.uuid(flowFile), e);
            fail(session, flowFile, reason);
        }
    }

    private void rewriteRecords(final ProcessContext context, final ProcessSession session, final FlowFile flowFile,
                                final MarkerRewriter rewriter) {
        final RecordReaderFactory readerFactory = context.getProperty(RECORD_READER).asControllerService(RecordReaderFactory.class);
        final RecordSetWriterFactory writerFactory = context.getProperty(RECORD_WRITER).asControllerService(RecordSetWriterFactory.class);
        final Map<String, String> originalAttributes = flowFile.getAttributes();
        final Counts counts = new Counts();
        final Map<String, String> writerAttributes = new HashMap<>();
        FlowFile output = session.write(flowFile, (in, out) -> writerAttributes.putAll(RecordRewrite.rewriteAll(readerFactory,
                writerFactory, originalAttributes, in, out, getLogger(), record -> rewriteRecord(record, rewriter, counts))));
        final Map<String, String> attributes = new HashMap<>(writerAttributes);
        attributes.put(RECORD_COUNT, String.valueOf(counts.records));
        attributes.put(MARKER_TOTAL, String.valueOf(counts.markers));
        attributes.put(RECORDS_WITH_MARKERS, String.valueOf(counts.recordsWithMarkers));
        output = session.putAllAttributes(output, attributes);
        session.getProvenanceReporter().modifyContent(output,
                "Replaced " + counts.markers + " de-identification markers in " + counts.records + " records");
        session.transfer(output, REL_SUCCESS);
    }

    /** Text mode: the content is one UTF-8 text; it is rewritten only when it holds a marker. */
    private void rewriteText(final ProcessContext context, final ProcessSession session, final FlowFile flowFile,
                             final MarkerRewriter rewriter) {
        // held in one array: never more than a Java array can hold, whatever the property says
        final long maximum = Math.min(context.getProperty(MAXIMUM_TEXT_SIZE).asDataSize(DataUnit.B).longValue(), Integer.MAX_VALUE - 8);
        if (flowFile.getSize() > maximum) {
            fail(session, flowFile, "Content is " + flowFile.getSize() + " bytes, above Maximum Text Size (" + maximum
                    + " bytes): raise the limit or split the content");
            return;
        }
        final String key = context.getProperty(TEXT_KEY).evaluateAttributeExpressions(flowFile).getValue();
        final byte[] bytes = new byte[(int) flowFile.getSize()];
        session.read(flowFile, in -> in.readNBytes(bytes, 0, bytes.length));
        final String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (final CharacterCodingException e) {
            fail(session, flowFile, "Content is not valid UTF-8 text; text mode expects one UTF-8 report per FlowFile");
            return;
        }
        final RewriteResult result = rewriter.rewrite(text, key == null || key.isEmpty() ? null : key);
        FlowFile output = flowFile;
        if (result.markerCount() > 0) {
            final byte[] rewritten = result.text().getBytes(StandardCharsets.UTF_8);
            output = session.write(output, out -> out.write(rewritten));
            session.getProvenanceReporter().modifyContent(output, "Replaced " + result.markerCount() + " de-identification markers");
        }
        output = session.putAllAttributes(output, Map.of(RECORD_COUNT, "1", MARKER_TOTAL, String.valueOf(result.markerCount()),
                RECORDS_WITH_MARKERS, result.markerCount() > 0 ? "1" : "0"));
        session.transfer(output, REL_SUCCESS);
    }

    private Record rewriteRecord(final Record record, final MarkerRewriter rewriter, final Counts counts) {
        final String key = keyPath == null ? null : firstValue(keyPath, record).map(Object::toString).orElse(null);
        final List<FieldValue> fields = textPath.evaluate(record).getSelectedFields().toList();
        int markers = 0;
        final List<String> kinds = new ArrayList<>();
        for (final FieldValue field : fields) {
            if (field.getValue() instanceof String text) {
                final RewriteResult result = rewriter.rewrite(text, key);
                if (result.markerCount() > 0) {
                    field.updateValue(result.text());
                    markers += result.markerCount();
                    if (kindsField != null) {
                        result.markers().forEach(span -> kinds.add(span.kind().displayName()));
                    }
                }
            }
        }
        record.setValue(countField, markers);
        if (kindsField != null) {
            record.setValue(kindsField, String.join(",", kinds));
        }
        record.incorporateInactiveFields();
        counts.records++;
        counts.markers += markers;
        if (markers > 0) {
            counts.recordsWithMarkers++;
        }
        return record;
    }

    private static Optional<Object> firstValue(final RecordPath path, final Record record) {
        return path.evaluate(record).getSelectedFields().map(FieldValue::getValue).filter(Objects::nonNull).findFirst();
    }

    private MarkerRewriter rewriterFor(final ProcessContext context, final FlowFile flowFile) {
        final String seedText = context.getProperty(RANDOM_SEED).evaluateAttributeExpressions(flowFile).getValue();
        final Long seed;
        if (seedText == null || seedText.isBlank()) {
            seed = null;
        } else {
            try {
                seed = Long.parseLong(seedText.trim());
            } catch (final NumberFormatException e) {
                throw new Failures.SafeFailure("Random Seed evaluated to '" + seedText + "', which is not a whole number: "
                        + "fix the expression or the attribute it reads", e);
            }
        }
        return rewriterBuilder(context)
                .inferKinds(kindsField != null)
                .seed(seed)
                .build();
    }

    private static MarkerRewriter.Builder rewriterBuilder(final PropertyContext context) {
        final ReplacementStrategy strategy = context.getProperty(REPLACEMENT_STRATEGY).asAllowableValue(ReplacementStrategy.class);
        final MarkerRewriter.Builder builder = MarkerProperties.rewriterBuilder(context).strategy(strategy.strategy());
        switch (strategy) {
            case RANDOM_TAG, TYPED_SURROGATE -> builder.tagAlphabet(context.getProperty(TAG_ALPHABET).getValue())
                    .tagLength(context.getProperty(TAG_LENGTH).asInteger());
            case FIXED -> builder.fixedReplacement(context.getProperty(FIXED_REPLACEMENT).getValue());
            case REMOVE -> { }
        }
        return builder;
    }

    private void fail(final ProcessSession session, final FlowFile flowFile, final String reason) {
        getLogger().error("Failed to randomize markers in FlowFile {}: {}", Failures.uuid(flowFile), reason);
        session.transfer(session.putAttribute(session.penalize(flowFile), ERROR, reason), REL_FAILURE);
    }

    /** A description of a failure that never quotes content (see {@link Failures#describe}). */
    static String describe(final Throwable failure) {
        return Failures.describe(failure);
    }

    /** Running totals for one FlowFile. */
    private static final class Counts {
        private long records;
        private long markers;
        private long recordsWithMarkers;
    }
}
