package io.memaudit.core.mimic;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The images of each study, read from MIMIC-CXR-JPG's {@code mimic-cxr-2.0.0-metadata.csv} (columns {@code dicom_id},
 * {@code subject_id}, {@code study_id}, optionally {@code ViewPosition}). A study has one or more images.
 */
public final class MimicCxrMetadata {

    /** One image. */
    public record Image(String dicomId, String subjectId, String studyId, String viewPosition) {
        /** The image's path relative to the dataset root. */
        public String path() {
            return MimicCxrLayout.imagePath(subjectId, studyId, dicomId);
        }
    }

    private final Map<String, List<Image>> imagesByStudy;

    private MimicCxrMetadata(final Map<String, List<Image>> imagesByStudy) {
        this.imagesByStudy = imagesByStudy;
    }

    /**
     * @throws IllegalArgumentException naming the missing column, or the line of a record with too few fields
     */
    public static MimicCxrMetadata read(final Reader csv) throws IOException {
        final Map<String, List<Image>> images = new HashMap<>();
        try (CSVParser parser = parser(csv)) {
            requireColumns(parser);
            final boolean hasView = parser.getHeaderNames().contains("ViewPosition");
            for (final CSVRecord record : parser) {
                if (!record.isConsistent()) {
                    throw new IllegalArgumentException("Metadata line " + parser.getCurrentLineNumber() + " has "
                            + record.size() + " fields but the header has " + parser.getHeaderNames().size());
                }
                final Image image = new Image(record.get("dicom_id"), record.get("subject_id"), record.get("study_id"),
                        hasView ? record.get("ViewPosition") : "");
                images.computeIfAbsent(image.studyId(), key -> new ArrayList<>()).add(image);
            }
        }
        return new MimicCxrMetadata(images);
    }

    /** Checks only the header, for a quick validation of a large file. */
    public static void checkHeader(final Reader csv) throws IOException {
        try (CSVParser parser = parser(csv)) {
            requireColumns(parser);
        }
    }

    private static CSVParser parser(final Reader csv) throws IOException {
        return CSVParser.builder().setReader(csv)
                .setFormat(CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()).get();
    }

    private static void requireColumns(final CSVParser parser) {
        for (final String column : List.of("dicom_id", "subject_id", "study_id")) {
            if (!parser.getHeaderNames().contains(column)) {
                throw new IllegalArgumentException("The metadata has no column '" + column + "' (columns: "
                        + String.join(", ", parser.getHeaderNames())
                        + "); MIMIC-CXR-JPG's mimic-cxr-2.0.0-metadata.csv has dicom_id, subject_id, study_id");
            }
        }
    }

    /** The study's images in file order; empty when the study is unknown. */
    public List<Image> imagesOf(final String studyId) {
        return imagesByStudy.getOrDefault(studyId, List.of());
    }

    /** Number of studies with at least one image. */
    public int studies() {
        return imagesByStudy.size();
    }
}
