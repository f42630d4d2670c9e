package io.memaudit.synthetic;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes synthetic reports in MIMIC-CXR's layout ({@code files/pNN/pNNNNNNNN/sNNNNNNNN.txt}) plus a MIMIC-CXR-JPG style
 * metadata CSV ({@code dicom_id,subject_id,study_id,ViewPosition}, one to three images per study), so the ingestion path
 * can be exercised end to end without any real data.
 */
public final class SyntheticReportTree {
    public static final String METADATA_FILE = "mimic-cxr-2.0.0-metadata.csv";

    private SyntheticReportTree() {
    }

    /** Writes {@code reports} under {@code root}; returns the metadata CSV's path. */
    public static Path write(final Path root, final List<SyntheticReports.Report> reports, final long seed) throws IOException {
        final SplittableRandom random = new SplittableRandom(seed);
        final Path metadata = root.resolve(METADATA_FILE);
        Files.createDirectories(root);
        try (Writer csv = Files.newBufferedWriter(metadata, StandardCharsets.UTF_8)) {
            csv.write("dicom_id,subject_id,study_id,ViewPosition\n");
            for (final SyntheticReports.Report report : reports) {
                final Path file = reportPath(root, report);
                Files.createDirectories(file.getParent());
                Files.writeString(file, report.text(), StandardCharsets.UTF_8);
                final int images = 1 + random.nextInt(3);
                for (int i = 0; i < images; i++) {
                    final String dicom = String.format(Locale.ROOT, "%08x-%08x-%08x-%08x-%08x", random.nextInt(), random.nextInt(),
                            random.nextInt(), random.nextInt(), random.nextInt());
                    csv.write(dicom + "," + report.subjectId().substring(1) + "," + report.studyId().substring(1) + ","
                            + (i == 0 ? "PA" : "LATERAL") + "\n");
                }
            }
        }
        return metadata;
    }

    /** {@code root/files/p10/p10000032/s50414267.txt} for subject p10000032, study s50414267. */
    public static Path reportPath(final Path root, final SyntheticReports.Report report) {
        return root.resolve("files").resolve(report.subjectId().substring(0, 3)).resolve(report.subjectId())
                .resolve(report.studyId() + ".txt");
    }
}
