package io.memaudit.nifi;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.core.provenance.Provenance;
import io.memaudit.core.reports.ExtractedPrompt;
import io.memaudit.core.reports.PromptExtractor;
import io.memaudit.core.reports.UnusableReportException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.nifi.annotation.behavior.InputRequirement;
import org.apache.nifi.annotation.behavior.SideEffectFree;
import org.apache.nifi.annotation.behavior.SupportsBatching;
import org.apache.nifi.annotation.behavior.WritesAttribute;
import org.apache.nifi.annotation.behavior.WritesAttributes;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.SeeAlso;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.annotation.documentation.UseCase;
import org.apache.nifi.annotation.lifecycle.OnScheduled;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.flowfile.attributes.CoreAttributes;
import org.apache.nifi.processor.DataUnit;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.util.StandardValidators;

@SideEffectFree
@SupportsBatching
@InputRequirement(InputRequirement.Requirement.INPUT_REQUIRED)
@Tags({"memaudit", "radiology", "report", "section", "impression", "findings", "mimic-cxr", "prompt"})
@CapabilityDescription("""
        Takes a training prompt from a free-text radiology report (one report per FlowFile, as MIMIC-CXR ships them): parses \
        the sections (banner line, upper-case headers followed by a colon, bodies spanning lines, header spellings that differ \
        between reports), picks the first preferred section that has text (default: impression, then findings, then the \
        report's last paragraph), joins wrapped lines, collapses whitespace, and splits the prompt into sentences with Apache \
        OpenNLP. By default writes the prompt, its section and its sentences as attributes and leaves the content as it is. \
        Attributes are patient text then: NiFi records every attribute in its provenance repository (and shows it in the UI \
        and in provenance queries) for as long as provenance is kept. Set "Prompt Destination" to content to write the \
        prompt into the content instead (a JSON object), so that no report text reaches the attributes.""")
@WritesAttributes({
        @WritesAttribute(attribute = ExtractReportSection.PROMPT, description = "The normalised prompt text (Prompt Destination "
                + "= attributes only; recorded in the provenance repository)"),
        @WritesAttribute(attribute = ExtractReportSection.SECTION, description = "The section it came from: impression, findings, ..., or last-paragraph"),
        @WritesAttribute(attribute = ExtractReportSection.SENTENCES, description = "The prompt's sentences, one per line (Prompt "
                + "Destination = attributes only; recorded in the provenance repository)"),
        @WritesAttribute(attribute = "mime.type", description = "application/json when Prompt Destination = content"),
        @WritesAttribute(attribute = ExtractReportSection.SENTENCE_COUNT, description = "Number of sentences"),
        @WritesAttribute(attribute = ExtractReportSection.ERROR, description = "Why no prompt could be taken (on failure; never "
                + "quotes report text)")
})
@SeeAlso(RandomizeDeidMarkers.class)
@UseCase(
        description = "Turn the MIMIC-CXR reports tree into prompts: one impression per study.",
        keywords = {"mimic-cxr", "impression", "reports", "prompt dataset"},
        configuration = """
                Feed it one report per FlowFile (ListFile and FetchFile over files/pNN/pNNNNNNNN/sNNNNNNNN.txt).
                Keep "Section Preference" = impression,findings,last-paragraph (RadEdit was trained on impressions).
                Turn the attributes into records with AttributesToJSON (report.prompt, report.section, plus the ids you \
                derived from the path with UpdateAttribute), then merge them with MergeRecord.
                """
)
public class ExtractReportSection extends AbstractMemauditProcessor {

    static final String PROMPT = "report.prompt";
    static final String SECTION = "report.section";
    static final String SENTENCES = "report.sentences";
    static final String SENTENCE_COUNT = "report.sentence.count";
    static final String ERROR = "report.error";

    static final PropertyDescriptor SECTION_PREFERENCE = new PropertyDescriptor.Builder()
            .name("Section Preference")
            .description("Comma-separated sections to take the prompt from, in order of preference. Known sections: "
                    + "impression (also IMPRESSIONS, CONCLUSION, FINDINGS/IMPRESSION), findings, indication, comparison, "
                    + "technique, recommendation; last-paragraph takes the report's last paragraph.")
            .required(true)
            .defaultValue(String.join(",", PromptExtractor.DEFAULT_PREFERENCE))
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .build();

    static final PropertyDescriptor MAXIMUM_REPORT_SIZE = new PropertyDescriptor.Builder()
            .name("Maximum Report Size")
            .description("Largest report accepted (it is held in memory); larger content goes to failure.")
            .required(true)
            .defaultValue("16 MB")
            .addValidator(StandardValidators.DATA_SIZE_VALIDATOR)
            .build();

    static final PropertyDescriptor PROMPT_DESTINATION = new PropertyDescriptor.Builder()
            .name("Prompt Destination")
            .description("Where the prompt goes. attributes (the default, as in earlier versions) puts report text into "
                    + "attributes, which NiFi keeps in its provenance repository; content keeps it in the content only.")
            .required(true)
            .allowableValues(PromptDestination.class)
            .defaultValue(PromptDestination.ATTRIBUTES)
            .build();

    static final PropertyDescriptor MAXIMUM_PROMPT_LENGTH = new PropertyDescriptor.Builder()
            .name("Maximum Prompt Length")
            .description("Longest prompt, in characters, written to an attribute (attributes are kept in memory); a longer "
                    + "one sends the report to failure. Text-to-image encoders read far less (BioViL-T: 128 tokens).")
            .required(true)
            .defaultValue("8192")
            .addValidator(StandardValidators.POSITIVE_INTEGER_VALIDATOR)
            .dependsOn(PROMPT_DESTINATION, PromptDestination.ATTRIBUTES)
            .build();

    static final Relationship REL_SUCCESS = new Relationship.Builder()
            .name("success")
            .description("Reports a prompt was taken from, with the prompt in attributes or in the content (Prompt Destination)")
            .build();

    static final Relationship REL_FAILURE = new Relationship.Builder()
            .name("failure")
            .description("Reports with no usable text (empty, binary, not UTF-8, no preferred section) or that could not be "
                    + "read, with their content unchanged and " + ERROR)
            .build();

    private static final List<PropertyDescriptor> PROPERTIES = List.of(SECTION_PREFERENCE, MAXIMUM_REPORT_SIZE, PROMPT_DESTINATION,
            MAXIMUM_PROMPT_LENGTH);
    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_SUCCESS, REL_FAILURE);

    public ExtractReportSection() {
        super(PROPERTIES, RELATIONSHIPS);
    }

    private static final ObjectWriter ONE_LINE = Provenance.JSON.writer().without(SerializationFeature.INDENT_OUTPUT);

    private volatile PromptExtractor extractor;

    @Override
    protected Collection<ValidationResult> customValidate(final ValidationContext context) {
        try {
            PromptExtractor.fromPreference(context.getProperty(SECTION_PREFERENCE).getValue());
            return List.of();
        } catch (final IllegalArgumentException e) {
            return List.of(new ValidationResult.Builder().subject(SECTION_PREFERENCE.getName()).valid(false)
                    .explanation(e.getMessage()).build());
        }
    }

    @OnScheduled
    public void onScheduled(final ProcessContext context) {
        extractor = PromptExtractor.fromPreference(context.getProperty(SECTION_PREFERENCE).getValue());
    }

    @Override
    public void onTrigger(final ProcessContext context, final ProcessSession session) {
        final FlowFile flowFile = session.get();
        if (flowFile == null) {
            return;
        }
        // Every FlowFile leaves on exactly one relationship: the only content change is the last fallible step, and a
        // failed write leaves the FlowFile as it came, so whatever is thrown, the original goes to failure.
        try {
            extract(context, session, flowFile);
        } catch (final RuntimeException | StackOverflowError e) {
            getLogger().debug("Full error for FlowFile {} (may quote report text)", Failures.uuid(flowFile), e);
            fail(session, flowFile, "unexpected " + Failures.types(e) + "; the report is routed to "
                    + "failure unchanged, and the full message, which can quote report text, is logged at DEBUG");
        }
    }

    private void extract(final ProcessContext context, final ProcessSession session, final FlowFile flowFile) {
        // held in one array: never more than a Java array can hold, whatever the property says
        final long maximum = Math.min(context.getProperty(MAXIMUM_REPORT_SIZE).asDataSize(DataUnit.B).longValue(), Integer.MAX_VALUE - 8);
        if (flowFile.getSize() > maximum) {
            fail(session, flowFile, "the report is " + flowFile.getSize() + " bytes, above Maximum Report Size (" + maximum + ")");
            return;
        }
        final byte[] bytes = new byte[(int) flowFile.getSize()];
        session.read(flowFile, in -> in.readNBytes(bytes, 0, bytes.length));
        final ExtractedPrompt prompt;
        try {
            prompt = extractor.extract(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (final CharacterCodingException e) {
            fail(session, flowFile, "the report is not UTF-8 text");
            return;
        } catch (final UnusableReportException e) {
            fail(session, flowFile, e.getMessage());
            return;
        }
        final Map<String, String> attributes = new HashMap<>(Map.of(
                SECTION, prompt.section(),
                SENTENCE_COUNT, String.valueOf(prompt.sentences().size())));
        FlowFile output = flowFile;
        if (context.getProperty(PROMPT_DESTINATION).asAllowableValue(PromptDestination.class) == PromptDestination.CONTENT) {
            final ObjectNode json = Provenance.JSON.createObjectNode();
            json.put("prompt", prompt.text());
            json.put("section", prompt.section());
            prompt.sentences().forEach(json.putArray("sentences")::add);
            output = session.write(output, out -> out.write(ONE_LINE.writeValueAsBytes(json)));
            session.getProvenanceReporter().modifyContent(output, "Replaced the report by the prompt of its " + prompt.section());
            attributes.put(CoreAttributes.MIME_TYPE.key(), "application/json");
        } else {
            final int maximumLength = context.getProperty(MAXIMUM_PROMPT_LENGTH).asInteger();
            if (prompt.text().length() > maximumLength) {
                fail(session, flowFile, "the " + prompt.section() + " has " + prompt.text().length()
                        + " characters, above Maximum Prompt Length (" + maximumLength + ")");
                return;
            }
            attributes.put(PROMPT, prompt.text());
            attributes.put(SENTENCES, String.join("\n", prompt.sentences()));
        }
        session.transfer(session.putAllAttributes(output, attributes), REL_SUCCESS);
    }

    private void fail(final ProcessSession session, final FlowFile flowFile, final String reason) {
        getLogger().warn("No prompt taken from FlowFile {}: {}", Failures.uuid(flowFile), reason);
        session.transfer(session.putAttribute(session.penalize(flowFile), ERROR, reason), REL_FAILURE);
    }
}
