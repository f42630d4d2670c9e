package io.memaudit.core.mimic;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MIMIC-CXR's file layout: reports at {@code files/pNN/pNNNNNNNN/sNNNNNNNN.txt}, MIMIC-CXR-JPG images at
 * {@code files/pNN/pNNNNNNNN/sNNNNNNNN/<dicom_id>.jpg}. Ids are written without their p/s prefixes, as in the metadata CSV.
 */
public final class MimicCxrLayout {
    private static final Pattern REPORT_PATH = Pattern.compile("p(\\d+)[/\\\\]s(\\d+)\\.txt$");

    private MimicCxrLayout() {
    }

    /** Subject and study of a report, e.g. {@code 10000032} and {@code 50414267}. */
    public record StudyIds(String subjectId, String studyId) {
    }

    /** The ids in a report path such as {@code files/p10/p10000032/s50414267.txt}, if it follows the layout. */
    public static Optional<StudyIds> idsOfReport(final String path) {
        final Matcher matcher = REPORT_PATH.matcher(path);
        return matcher.find() ? Optional.of(new StudyIds(matcher.group(1), matcher.group(2))) : Optional.empty();
    }

    /** The image's path relative to the dataset root, e.g. {@code files/p10/p10000032/s50414267/<dicom_id>.jpg}. */
    public static String imagePath(final String subjectId, final String studyId, final String dicomId) {
        if (subjectId.length() < 2) {
            throw new IllegalArgumentException("Subject id '" + subjectId + "' is too short for MIMIC-CXR's pNN folders");
        }
        return String.format(Locale.ROOT, "files/p%s/p%s/s%s/%s.jpg", subjectId.substring(0, 2), subjectId, studyId, dicomId);
    }
}
