package io.memaudit.nifi;

import io.memaudit.core.mimic.MimicCxrMetadata;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.annotation.lifecycle.OnDisabled;
import org.apache.nifi.annotation.lifecycle.OnEnabled;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.context.PropertyContext;
import org.apache.nifi.controller.AbstractControllerService;
import org.apache.nifi.controller.ConfigurationContext;
import org.apache.nifi.expression.ExpressionLanguageScope;
import org.apache.nifi.lookup.RecordLookupService;
import org.apache.nifi.processor.util.StandardValidators;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.serialization.SimpleRecordSchema;
import org.apache.nifi.serialization.record.MapRecord;
import org.apache.nifi.serialization.record.Record;
import org.apache.nifi.serialization.record.RecordField;
import org.apache.nifi.serialization.record.RecordFieldType;
import org.apache.nifi.serialization.record.RecordSchema;

@Tags({"memaudit", "lookup", "mimic-cxr", "images", "metadata", "join", "record"})
@CapabilityDescription("""
        Looks up the images of a MIMIC-CXR study in MIMIC-CXR-JPG's metadata CSV (mimic-cxr-2.0.0-metadata.csv: dicom_id, \
        subject_id, study_id, ViewPosition). Key: study_id (digits, without the 's'). Result: a record with one field, images, \
        an array of {dicom_id, view_position, image}, where image is the JPG's path relative to the dataset root \
        (files/pNN/pNNNNNNNN/sNNNNNNNN/<dicom_id>.jpg). Use it with LookupRecord, then ForkRecord (extract, include parent \
        fields) to get one record per image. The file is read once when the service is enabled.""")
public class MimicCxrImageLookupService extends AbstractControllerService implements RecordLookupService {
    static final String KEY = "study_id";

    static final PropertyDescriptor METADATA_FILE = new PropertyDescriptor.Builder()
            .name("Metadata File")
            .description("Path of MIMIC-CXR-JPG's metadata CSV.")
            .required(true)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(StandardValidators.FILE_EXISTS_VALIDATOR)
            .build();

    private static final RecordSchema IMAGE_SCHEMA = new SimpleRecordSchema(List.of(
            new RecordField("dicom_id", RecordFieldType.STRING.getDataType()),
            new RecordField("view_position", RecordFieldType.STRING.getDataType()),
            new RecordField("image", RecordFieldType.STRING.getDataType())));
    private static final RecordSchema RESULT_SCHEMA = new SimpleRecordSchema(List.of(
            new RecordField("images", RecordFieldType.ARRAY.getArrayDataType(RecordFieldType.RECORD.getRecordDataType(IMAGE_SCHEMA)))));

    private volatile MimicCxrMetadata metadata;

    @Override
    protected List<PropertyDescriptor> getSupportedPropertyDescriptors() {
        return List.of(METADATA_FILE);
    }

    /** Checks the header only: the file can be large, and validation runs often. */
    @Override
    protected Collection<ValidationResult> customValidate(final ValidationContext context) {
        final Path file = Path.of(context.getProperty(METADATA_FILE).evaluateAttributeExpressions().getValue());
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            MimicCxrMetadata.checkHeader(reader);
            return List.of();
        } catch (final IOException | IllegalArgumentException e) {
            return List.of(new ValidationResult.Builder().subject(METADATA_FILE.getName()).valid(false)
                    .explanation(e.getMessage()).build());
        }
    }

    @OnEnabled
    public void onEnabled(final ConfigurationContext context) throws InitializationException {
        try {
            metadata = load(context);
        } catch (final IOException | IllegalArgumentException e) {
            throw new InitializationException("Cannot read the metadata file: " + e.getMessage(), e);
        }
        getLogger().info("Loaded the images of {} studies", metadata.studies());
    }

    @OnDisabled
    public void onDisabled() {
        metadata = null;
    }

    @Override
    public Optional<Record> lookup(final Map<String, Object> coordinates) {
        final Object studyId = coordinates.get(KEY);
        if (studyId == null) {
            return Optional.empty();
        }
        final List<MimicCxrMetadata.Image> images = metadata.imagesOf(studyId.toString().replaceFirst("^s", ""));
        if (images.isEmpty()) {
            return Optional.empty();
        }
        final List<Record> records = new ArrayList<>(images.size());
        for (final MimicCxrMetadata.Image image : images) {
            final Map<String, Object> values = new LinkedHashMap<>();
            values.put("dicom_id", image.dicomId());
            values.put("view_position", image.viewPosition());
            values.put("image", image.path());
            records.add(new MapRecord(IMAGE_SCHEMA, values));
        }
        return Optional.of(new MapRecord(RESULT_SCHEMA, Map.of("images", records.toArray())));
    }

    @Override
    public Set<String> getRequiredKeys() {
        return Set.of(KEY);
    }

    private static MimicCxrMetadata load(final PropertyContext context) throws IOException {
        final Path file = Path.of(context.getProperty(METADATA_FILE).evaluateAttributeExpressions().getValue());
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return MimicCxrMetadata.read(reader);
        }
    }
}
