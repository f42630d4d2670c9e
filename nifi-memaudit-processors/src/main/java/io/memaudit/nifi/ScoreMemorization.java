package io.memaudit.nifi;

import io.memaudit.core.scoring.DetectorDescription;
import io.memaudit.core.scoring.Detectors;
import io.memaudit.core.scoring.PromptScore;
import io.memaudit.core.scoring.PromptSignificance;
import io.memaudit.core.scoring.SamplingSettings;
import io.memaudit.core.scoring.ScoringMode;
import io.memaudit.core.scoring.ScoringRequest;
import io.memaudit.nifi.api.DiffusionModelService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
import org.apache.nifi.components.AllowableValue;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.flowfile.attributes.CoreAttributes;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.exception.ProcessException;
import org.apache.nifi.processor.util.StandardValidators;
import org.apache.nifi.record.path.RecordPath;
import org.apache.nifi.record.path.validation.RecordPathValidator;
import org.apache.nifi.serialization.RecordReader;
import org.apache.nifi.serialization.RecordReaderFactory;
import org.apache.nifi.serialization.RecordSetWriter;
import org.apache.nifi.serialization.RecordSetWriterFactory;
import org.apache.nifi.serialization.WriteResult;
import org.apache.nifi.serialization.record.Record;
import org.apache.nifi.serialization.record.RecordField;
import org.apache.nifi.serialization.record.RecordFieldType;
import org.apache.nifi.serialization.record.RecordSchema;

/**
 * Scores every record's prompt with the model service and splits the records into 'memorized', 'not memorized' and
 * 'failure' children; the input goes to 'original'.
 *
 * <p>Streams: the content is read twice (first pass: the distinct prompts; second pass: each record scored and written
 * to its child), so the records themselves are never held in the heap. The distinct prompts and their scores are held,
 * because identical prompts are scored once and batched across records: a FlowFile of many distinct long prompts needs
 * heap for them (about the prompts' text size plus a small score per prompt).
 *
 * <p>Loses nothing and never loops: every child is written before any is transferred, so a reader or writer failure
 * (on any child) removes the children and sends the input to 'failure' with the reason; any other runtime exception
 * (the model service disabled mid-task, libtorch throwing) sends the input to 'failure', penalized, with the exception
 * type in memaudit.error. When the processor is stopped while it scores (checked between batches), the session is
 * rolled back: the input returns, unchanged, to its queue and is scored again after a restart; no record is routed as
 * "stopped".
 *
 * <p>Fails closed: a prompt whose deciding score is missing or not finite goes to 'failure' with the reason in
 * score_error, even when the service returned it without an error.
 */
@InputRequirement(InputRequirement.Requirement.INPUT_REQUIRED)
@Tags({"memaudit", "memorization", "dmem", "diffusion", "privacy", "record", "route", "partition"})
@CapabilityDescription("""
        Scores every record's prompt for training-data memorization with dmem (Wen et al. 2024) on the model of a \
        DiffusionModelService, writes dmem and dmem_first_step into each record, and splits the records, PartitionRecord \
        style, into children on 'memorized' (score at or above the Memorization Threshold), 'not memorized' and 'failure' \
        (records whose prompt field is missing or not a string, whose batch failed or whose score is not a finite number, \
        with the reason in score_error); the input goes to 'original'. Identical prompts are scored once; prompts are \
        batched across records into one UNet call. Streams the records (the content is read twice); every child is \
        written before any is transferred, and any failure sends the input to 'failure' instead of rolling back.""")
@WritesAttributes({
        @WritesAttribute(attribute = "record.count", description = "Records in each child"),
        @WritesAttribute(attribute = ScoreMemorization.MEMORIZED_COUNT, description = "On 'original': records routed to memorized"),
        @WritesAttribute(attribute = ScoreMemorization.NOT_MEMORIZED_COUNT, description = "On 'original': records routed to not memorized"),
        @WritesAttribute(attribute = ScoreMemorization.FAILURE_COUNT, description = "On 'original': records routed to failure"),
        @WritesAttribute(attribute = ScoreMemorization.ERROR, description = "Why the whole FlowFile failed (unreadable content, "
                + "a writer failure, or the type of an unexpected exception); never quotes record text")
})
@SeeAlso(classNames = {"io.memaudit.nifi.service.StandardDiffusionModelService", "io.memaudit.nifi.RandomizeDeidMarkers"})
@UseCase(
        description = "Send memorized prompts of a caption dataset to review before release.",
        keywords = {"memorization", "dmem", "review", "release"},
        configuration = """
                Score a calibration sample with `memaudit score --top-percent 1` and use the printed threshold as \
                "Memorization Threshold". Point "Diffusion Model Service" at a StandardDiffusionModelService with the \
                bundle. Connect 'memorized' to a review directory and 'not memorized' onward.
                """
)
public class ScoreMemorization extends AbstractMemauditProcessor {
    static final String MEMORIZED_COUNT = "memaudit.memorized.count";
    static final String NOT_MEMORIZED_COUNT = "memaudit.not.memorized.count";
    static final String FAILURE_COUNT = "memaudit.failure.count";
    static final String ERROR = "memaudit.error";

    static final PropertyDescriptor RECORD_READER = new PropertyDescriptor.Builder()
            .name("Record Reader").description("Reads the incoming records.")
            .identifiesControllerService(RecordReaderFactory.class).required(true).build();
    static final PropertyDescriptor RECORD_WRITER = new PropertyDescriptor.Builder()
            .name("Record Writer").description("Writes the scored records of each child.")
            .identifiesControllerService(RecordSetWriterFactory.class).required(true).build();
    static final PropertyDescriptor MODEL_SERVICE = new PropertyDescriptor.Builder()
            .name("Diffusion Model Service").description("The loaded model bundle.")
            .identifiesControllerService(DiffusionModelService.class).required(true).build();
    static final PropertyDescriptor TEXT_FIELD = new PropertyDescriptor.Builder()
            .name("Text Field").description("RecordPath of the prompt, e.g. /prompt.")
            .required(true).defaultValue("/prompt").addValidator(new RecordPathValidator()).build();
    static final AllowableValue[] SCORING_MODES = java.util.Arrays.stream(ScoringMode.values())
            .map(mode -> new AllowableValue(mode.value(), mode.value(), mode.description())).toArray(AllowableValue[]::new);
    static final PropertyDescriptor SCORING_MODE = new PropertyDescriptor.Builder()
            .name("Scoring Mode").description("How much of the trajectory to run.")
            .required(true).allowableValues(SCORING_MODES).defaultValue(ScoringMode.FULL.value()).build();
    static final PropertyDescriptor MEMORIZATION_THRESHOLD = new PropertyDescriptor.Builder()
            .name("Memorization Threshold")
            .description("Absolute score at or above which a record is memorized (dmem; dmem_first_step in first-step mode). "
                    + "Get it from a calibration run: memaudit score --top-percent 1 prints the top-1% threshold.")
            .required(true).addValidator(StandardValidators.NUMBER_VALIDATOR).build();
    static final PropertyDescriptor SCREENING_THRESHOLD = new PropertyDescriptor.Builder()
            .name("Screening Threshold")
            .description("First-step score at or above which a record gets the full dmem in two-stage mode.")
            .required(true).addValidator(StandardValidators.NUMBER_VALIDATOR)
            .dependsOn(SCORING_MODE, SCORING_MODES[ScoringMode.TWO_STAGE.ordinal()]).build();
    static final PropertyDescriptor GENERATIONS = new PropertyDescriptor.Builder()
            .name("Generations").description("Trajectories per prompt.")
            .required(true).defaultValue(String.valueOf(SamplingSettings.DEFAULT_GENERATIONS))
            .addValidator(StandardValidators.POSITIVE_INTEGER_VALIDATOR).build();
    static final PropertyDescriptor STEPS = new PropertyDescriptor.Builder()
            .name("Steps").description("DDIM steps.")
            .required(true).defaultValue(String.valueOf(SamplingSettings.DEFAULT_STEPS))
            .addValidator(StandardValidators.POSITIVE_INTEGER_VALIDATOR).build();
    static final PropertyDescriptor GUIDANCE_SCALE = new PropertyDescriptor.Builder()
            .name("Guidance Scale").description("Classifier-free guidance scale; empty for the bundle's (RadEdit: 7.5).")
            .required(false).addValidator(StandardValidators.NUMBER_VALIDATOR).build();
    static final PropertyDescriptor RANDOM_SEED = new PropertyDescriptor.Builder()
            .name("Random Seed").description("Seed of each prompt's initial noise (derived from the seed and the prompt).")
            .required(true).defaultValue(String.valueOf(SamplingSettings.DEFAULT_SEED)).addValidator(StandardValidators.LONG_VALIDATOR).build();
    static final PropertyDescriptor BATCH_SIZE = new PropertyDescriptor.Builder()
            .name("Batch Size").description("Prompts per UNet call (capped by the service); scores do not depend on it.")
            .required(true).defaultValue(String.valueOf(SamplingSettings.DEFAULT_BATCH_SIZE))
            .addValidator(StandardValidators.POSITIVE_INTEGER_VALIDATOR).build();

    static final PropertyDescriptor TOP_TOKENS = new PropertyDescriptor.Builder()
            .name("Top Tokens")
            .description("For memorized records, how many of the most significant tokens and words to write (token "
                    + "significance, Wen et al.: the gradient of the noise difference with respect to each token's embedding), "
                    + "plus marker_rank, where the prompt's strongest de-identification marker ranks among its words (1 = "
                    + "the top word, 0 = no marker). Other records get empty strings and marker_rank -1, so that every "
                    + "output has one schema. 0 turns it off. Costs one backward pass per step and generation, for memorized "
                    + "prompts only.")
            .required(true).defaultValue("5").addValidator(StandardValidators.NON_NEGATIVE_INTEGER_VALIDATOR).build();
    static final PropertyDescriptor SIGNIFICANCE_STEPS = new PropertyDescriptor.Builder()
            .name("Significance Steps")
            .description("How many of the trajectory's first steps token significance averages over.")
            .required(true).defaultValue("1").addValidator(StandardValidators.POSITIVE_INTEGER_VALIDATOR).build();

    static final AllowableValue BY_OUTCOME = new AllowableValue("by-outcome", "by outcome",
            "One child per outcome: 'memorized', 'not memorized', 'failure'.");
    static final AllowableValue ONE_PER_INPUT = new AllowableValue("one-per-input", "one per input",
            "One child on 'scored' with every record of the input, in order, and the input's attributes (fragment.* kept, "
                    + "so MergeRecord's Defragment reassembles a split dataset exactly); a copy of the memorized records still "
                    + "goes to 'memorized' for review. An input with any record that could not be scored goes whole to "
                    + "'failure' instead (fail closed: its dataset never reassembles).");
    static final PropertyDescriptor SCORED_OUTPUT = new PropertyDescriptor.Builder()
            .name("Scored Output").description("How the scored records leave the processor.")
            .required(true).allowableValues(BY_OUTCOME, ONE_PER_INPUT).defaultValue(BY_OUTCOME.getValue()).build();

    static final Relationship REL_MEMORIZED = new Relationship.Builder()
            .name("memorized").description("Records scoring at or above the Memorization Threshold").build();
    static final Relationship REL_NOT_MEMORIZED = new Relationship.Builder()
            .name("not memorized").description("Records scoring below the threshold").build();
    static final Relationship REL_FAILURE = new Relationship.Builder()
            .name("failure").description("Records that could not be scored (score_error says why), or whole FlowFiles that could "
                    + "not be read (memaudit.error)").build();
    static final Relationship REL_SCORED = new Relationship.Builder()
            .name("scored").description("With Scored Output 'one per input': every record of a fully scored input, as one child")
            .build();
    static final Relationship REL_ORIGINAL = new Relationship.Builder()
            .name("original").description("The input FlowFile, once its records have been routed").build();

    private static final List<PropertyDescriptor> PROPERTIES = List.of(RECORD_READER, RECORD_WRITER, MODEL_SERVICE, TEXT_FIELD,
            SCORING_MODE, MEMORIZATION_THRESHOLD, SCREENING_THRESHOLD, GENERATIONS, STEPS, GUIDANCE_SCALE, RANDOM_SEED, BATCH_SIZE,
            TOP_TOKENS, SIGNIFICANCE_STEPS, MarkerProperties.MARKER_DIALECTS, MarkerProperties.CUSTOM_MARKER_PATTERN, SCORED_OUTPUT);
    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_MEMORIZED, REL_NOT_MEMORIZED, REL_FAILURE, REL_ORIGINAL,
            REL_SCORED);

    private static final RecordField TRUNCATED = new RecordField("prompt_truncated", RecordFieldType.BOOLEAN.getDataType());
    private static final RecordField SCORE_ERROR = new RecordField("score_error", RecordFieldType.STRING.getDataType());
    private static final RecordField TOP_TOKENS_FIELD = new RecordField("top_tokens", RecordFieldType.STRING.getDataType());
    private static final RecordField TOP_WORDS_FIELD = new RecordField("top_words", RecordFieldType.STRING.getDataType());
    private static final RecordField MARKER_RANK = new RecordField("marker_rank", RecordFieldType.INT.getDataType());
    /** marker_rank of a record without token attribution (not memorized, or attribution failed). */
    static final int NOT_ATTRIBUTED = -1;

    public ScoreMemorization() {
        super(PROPERTIES, RELATIONSHIPS);
    }

    @Override
    public void onTrigger(final ProcessContext context, final ProcessSession session) {
        final FlowFile original = session.get();
        if (original == null) {
            return;
        }
        final Children children = new Children();
        try {
            score(context, session, original, children);
        } catch (final ProcessException e) {
            final String reason = RandomizeDeidMarkers.describe(e);
            getLogger().error("Failed to read or write the records of FlowFile {}: {}", original.getAttribute("uuid"), reason);
            getLogger().debug("Full error for FlowFile {} (may quote record text)", original.getAttribute("uuid"), e);
            fail(session, original, children, reason);
        } catch (final RuntimeException e) {
            final String reason = "Scoring failed unexpectedly (" + e.getClass().getSimpleName() + "); check the model "
                    + "service and the node's logs";
            getLogger().error("Failed to score FlowFile {}: {}", original.getAttribute("uuid"), e.getClass().getSimpleName());
            getLogger().debug("Full error for FlowFile {} (may quote record text)", original.getAttribute("uuid"), e);
            fail(session, original, children, reason);
        }
    }

    private void fail(final ProcessSession session, final FlowFile original, final Children children, final String reason) {
        children.closeQuietly();
        session.remove(children.flowFiles());
        session.transfer(session.putAttribute(session.penalize(original), ERROR, reason), REL_FAILURE);
    }

    private void score(final ProcessContext context, final ProcessSession session, final FlowFile original,
                       final Children children) {
        final RecordReaderFactory readerFactory = context.getProperty(RECORD_READER).asControllerService(RecordReaderFactory.class);
        final RecordSetWriterFactory writerFactory = context.getProperty(RECORD_WRITER).asControllerService(RecordSetWriterFactory.class);
        final DiffusionModelService model = context.getProperty(MODEL_SERVICE).asControllerService(DiffusionModelService.class);
        final RecordPath textPath = RecordPath.compile(context.getProperty(TEXT_FIELD).getValue());
        final Map<String, String> attributes = original.getAttributes();

        final List<String> distinct = distinctPrompts(session, original, readerFactory, textPath);
        final ScoringMode mode = ScoringMode.of(context.getProperty(SCORING_MODE).getValue());
        final List<PromptScore> scored = model.score(request(context, mode, distinct), this::isScheduled);
        if (!isScheduled()) {
            // stopped between batches: what was not scored is not a failure of the records; score them after a restart
            getLogger().info("Stopped while scoring FlowFile {}; it returns to its queue unchanged", original.getAttribute("uuid"));
            session.rollback();
            context.yield();
            return;
        }
        final Map<String, PromptScore> outcomes = new HashMap<>();
        for (int i = 0; i < distinct.size(); i++) {
            outcomes.put(distinct.get(i), scored.get(i));
        }
        final double threshold = context.getProperty(MEMORIZATION_THRESHOLD).asDouble();
        final double screening = mode == ScoringMode.TWO_STAGE ? context.getProperty(SCREENING_THRESHOLD).asDouble() : 0.0;
        final Map<String, PromptSignificance> significance = attributeTokens(context, model, memorizedPrompts(outcomes, mode,
                threshold, screening));
        final List<DetectorDescription> detectors = model.detectors();
        final boolean attributing = context.getProperty(TOP_TOKENS).asInteger() > 0;
        final int top = context.getProperty(TOP_TOKENS).asInteger();
        final Map<Relationship, Long> counts = new HashMap<>();
        final boolean onePerInput = ONE_PER_INPUT.getValue().equals(context.getProperty(SCORED_OUTPUT).getValue());

        try (InputStream in = session.read(original);
             RecordReader reader = readerFactory.createRecordReader(attributes, in, -1, getLogger())) {
            Record record;
            while ((record = reader.nextRecord()) != null) {
                final String text = RecordFields.text(textPath, record);
                final PromptScore outcome = text == null ? PromptScore.failed("the text field is missing or not a string", false)
                        : outcomes.get(text);
                final Routing routing = route(outcome, mode, threshold, screening);
                for (final DetectorDescription detector : detectors) {
                    // a non-finite value is written as null (score_error says what it was): record writers cannot write
                    // NaN, and a NaN must never be read back as a score
                    final Double value = outcome.value(detector.name());
                    record.setValue(new RecordField(detector.name(), RecordFieldType.DOUBLE.getDataType()),
                            value != null && Double.isFinite(value) ? value : null);
                }
                record.setValue(TRUNCATED, outcome.truncated());
                record.setValue(SCORE_ERROR, routing.error());
                if (attributing) {
                    // every child gets the same fields (MergeRecord only merges FlowFiles with one schema)
                    final PromptSignificance attributed = routing.relationship() == REL_MEMORIZED ? significance.get(text) : null;
                    record.setValue(TOP_TOKENS_FIELD, attributed == null ? "" : describe(attributed.topTokens(top)));
                    record.setValue(TOP_WORDS_FIELD, attributed == null ? "" : describe(attributed.topWords(top)));
                    record.setValue(MARKER_RANK, attributed == null ? NOT_ATTRIBUTED : attributed.markerRank());
                }
                record.incorporateInactiveFields();
                if (onePerInput) {
                    // every record to one child (its fate decided once the whole input is known); memorized ones copied
                    children.writer(REL_SCORED, record, session, original, writerFactory, attributes).write(record);
                    if (routing.relationship() == REL_MEMORIZED) {
                        children.writer(REL_MEMORIZED, record, session, original, writerFactory, attributes).write(record);
                    }
                } else {
                    children.writer(routing.relationship(), record, session, original, writerFactory, attributes).write(record);
                }
                counts.merge(routing.relationship(), 1L, Long::sum);
            }
        } catch (final ProcessException e) {
            throw e;
        } catch (final Exception e) {
            throw new ProcessException(e);
        }
        final Map<Relationship, FlowFile> written = children.finish(session);
        session.getProvenanceReporter().fork(original, written.values());
        final boolean unscored = counts.getOrDefault(REL_FAILURE, 0L) > 0;
        written.forEach((relationship, child) -> session.transfer(child,
                onePerInput && unscored && relationship == REL_SCORED ? REL_FAILURE : relationship));
        session.transfer(session.putAllAttributes(original, Map.of(
                MEMORIZED_COUNT, String.valueOf(counts.getOrDefault(REL_MEMORIZED, 0L)),
                NOT_MEMORIZED_COUNT, String.valueOf(counts.getOrDefault(REL_NOT_MEMORIZED, 0L)),
                FAILURE_COUNT, String.valueOf(counts.getOrDefault(REL_FAILURE, 0L)))), REL_ORIGINAL);
    }

    /** First pass: the distinct prompts, in order of first appearance (held in the heap; the records are not). */
    private List<String> distinctPrompts(final ProcessSession session, final FlowFile original,
                                         final RecordReaderFactory readerFactory, final RecordPath textPath) {
        final Set<String> prompts = new LinkedHashSet<>();
        session.read(original, in -> {
            try (RecordReader reader = readerFactory.createRecordReader(original.getAttributes(), in, -1, getLogger())) {
                Record record;
                while ((record = reader.nextRecord()) != null) {
                    final String text = RecordFields.text(textPath, record);
                    if (text != null) {
                        prompts.add(text);
                    }
                }
            } catch (final Exception e) {
                throw new ProcessException(e);
            }
        });
        return new ArrayList<>(prompts);
    }

    /** Where a record goes and the error it carries (null unless it goes to failure). */
    record Routing(Relationship relationship, String error) {
    }

    /**
     * Routes one outcome, failing closed: a prompt is memorized or not only by a finite deciding value; in two-stage mode
     * a prompt without dmem is decided by its first step, which must then be finite and below the screening threshold.
     */
    static Routing route(final PromptScore outcome, final ScoringMode mode, final double threshold, final double screening) {
        if (!outcome.scored()) {
            return new Routing(REL_FAILURE, outcome.error());
        }
        final Double value = outcome.value(mode.decidingDetector());
        if (value == null && mode == ScoringMode.TWO_STAGE) {
            final Double firstStep = outcome.value(Detectors.FIRST_STEP);
            if (firstStep != null && Double.isFinite(firstStep) && firstStep < screening) {
                return new Routing(REL_NOT_MEMORIZED, null);
            }
            return new Routing(REL_FAILURE, "screened in (or not screened) but no " + mode.decidingDetector() + " was computed");
        }
        if (value == null || !Double.isFinite(value)) {
            return new Routing(REL_FAILURE, "not a finite score: " + mode.decidingDetector() + " is " + value);
        }
        return new Routing(value >= threshold ? REL_MEMORIZED : REL_NOT_MEMORIZED, null);
    }

    private static List<String> memorizedPrompts(final Map<String, PromptScore> outcomes, final ScoringMode mode,
                                                 final double threshold, final double screening) {
        final List<String> memorized = new ArrayList<>();
        outcomes.forEach((prompt, outcome) -> {
            if (route(outcome, mode, threshold, screening).relationship() == REL_MEMORIZED) {
                memorized.add(prompt);
            }
        });
        return memorized;
    }

    /**
     * The children being written, one per relationship, each created when its first record arrives; nothing is
     * transferred until {@link #finish} has closed them all.
     */
    private final class Children {
        private final Map<Relationship, FlowFile> flowFiles = new LinkedHashMap<>();
        private final Map<Relationship, RecordSetWriter> writers = new LinkedHashMap<>();

        RecordSetWriter writer(final Relationship relationship, final Record first, final ProcessSession session,
                               final FlowFile original, final RecordSetWriterFactory factory, final Map<String, String> attributes)
                throws Exception {
            final RecordSetWriter existing = writers.get(relationship);
            if (existing != null) {
                return existing;
            }
            final FlowFile child = createChild(session, original);
            flowFiles.put(relationship, child);
            final OutputStream out = session.write(child);
            final RecordSetWriter writer;
            try {
                writer = factory.createWriter(getLogger(), factory.getSchema(attributes, first.getSchema()), out, attributes);
            } catch (final Exception | Error e) {
                out.close();
                throw e;
            }
            writers.put(relationship, writer);
            writer.beginRecordSet();
            return writer;
        }

        /** Finishes and closes every writer; the children with their writers' attributes. */
        Map<Relationship, FlowFile> finish(final ProcessSession session) {
            final Map<Relationship, FlowFile> finished = new LinkedHashMap<>();
            try {
                for (final Map.Entry<Relationship, RecordSetWriter> entry : writers.entrySet()) {
                    final RecordSetWriter writer = entry.getValue();
                    final WriteResult result = writer.finishRecordSet();
                    final Map<String, String> written = new HashMap<>(result.getAttributes());
                    written.put("record.count", String.valueOf(result.getRecordCount()));
                    written.put(CoreAttributes.MIME_TYPE.key(), writer.getMimeType());
                    writer.close();
                    finished.put(entry.getKey(), session.putAllAttributes(flowFiles.get(entry.getKey()), written));
                }
            } catch (final IOException e) {
                throw new ProcessException(e);
            }
            writers.clear();
            flowFiles.putAll(finished);
            return finished;
        }

        Collection<FlowFile> flowFiles() {
            return flowFiles.values();
        }

        void closeQuietly() {
            for (final RecordSetWriter writer : writers.values()) {
                try {
                    writer.close();
                } catch (final IOException | RuntimeException e) {
                    // the child is removed anyway
                }
            }
            writers.clear();
        }
    }

    /** One child of the input (the one place children are made, so that fragment attributes can be added here). */
    private static FlowFile createChild(final ProcessSession session, final FlowFile original) {
        return session.create(original);
    }

    /**
     * Token significance of the memorized prompts: top_tokens, top_words ("token 0.0312; ...", most significant first) and
     * marker_rank (1 = a marker outweighs every word, 0 = no marker). A failure leaves them unattributed (marker_rank -1),
     * which the release gate's marker rule then judges by the marker's presence.
     */
    private Map<String, PromptSignificance> attributeTokens(final ProcessContext context, final DiffusionModelService model,
                                                            final List<String> prompts) {
        final Map<String, PromptSignificance> significance = new HashMap<>();
        if (context.getProperty(TOP_TOKENS).asInteger() == 0 || prompts.isEmpty()) {
            return significance;
        }
        try {
            final List<PromptSignificance> results = model.significance(prompts, sampling(context),
                    Math.min(context.getProperty(SIGNIFICANCE_STEPS).asInteger(), context.getProperty(STEPS).asInteger()),
                    MarkerProperties.rewriterBuilder(context).build().finder());
            for (int i = 0; i < prompts.size(); i++) {
                significance.put(prompts.get(i), results.get(i));
            }
        } catch (final RuntimeException e) {
            getLogger().error("Token significance of {} memorized prompts failed: {}", prompts.size(), e.getClass().getSimpleName());
            getLogger().debug("Full token significance error", e);
            significance.clear();
        }
        return significance;
    }

    private static String describe(final List<PromptSignificance.Piece> pieces) {
        final StringBuilder text = new StringBuilder();
        for (final PromptSignificance.Piece piece : pieces) {
            text.append(text.isEmpty() ? "" : "; ").append(piece.text()).append(' ')
                    .append(String.format(java.util.Locale.ROOT, "%.4g", piece.significance()));
        }
        return text.toString();
    }

    private static SamplingSettings sampling(final ProcessContext context) {
        return new SamplingSettings(context.getProperty(GENERATIONS).asInteger(), context.getProperty(STEPS).asInteger(),
                context.getProperty(GUIDANCE_SCALE).isSet() ? context.getProperty(GUIDANCE_SCALE).asDouble() : null,
                context.getProperty(BATCH_SIZE).asInteger(), context.getProperty(RANDOM_SEED).asLong());
    }

    private static ScoringRequest request(final ProcessContext context, final ScoringMode mode, final List<String> prompts) {
        return new ScoringRequest(prompts, sampling(context), mode, mode == ScoringMode.TWO_STAGE
                ? context.getProperty(SCREENING_THRESHOLD).asDouble() : 0.0);
    }
}
