package io.memaudit.nifi.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** flows/mimic-cxr-to-prompts.json, run component by component with its own configuration on a MIMIC-CXR-style tree. */
class MimicCxrToPromptsFlowTest {
    private static final Path FLOW = Path.of("..", "flows", "mimic-cxr-to-prompts.json");

    @TempDir
    Path directory;

    private void report(final Path files, final String subject, final String study, final String text) throws IOException {
        final Path path = files.resolve("p" + subject.substring(0, 2)).resolve("p" + subject).resolve("s" + study + ".txt");
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
        Files.setLastModifiedTime(path, FileTime.from(Instant.now().minusSeconds(60)));
    }

    @Test
    void aReportsTreeBecomesOnePromptRecordPerImage() throws IOException {
        final Path files = directory.resolve("files");
        report(files, "10000032", "50414267", """
                                                 FINAL REPORT
                 INDICATION:  ___-year-old man with cough.
                 FINDINGS: Clear lungs.
                 IMPRESSION:\s
                 No acute cardiopulmonary process.  Discussed with Dr. ___
                 on ___.
                """);
        report(files, "10000764", "57375967", "FINDINGS: Small left effusion.\nIMPRESSIONS: Small left effusion.\n");
        report(files, "10000898", "50771383", "Chest, two views.\n\nLungs are clear.\n");
        report(files, "10001122", "51000000", "");
        report(files, "10001176", "52000000", "IMPRESSION: No image was taken for this study.\n");
        final Path metadata = Files.writeString(directory.resolve("metadata.csv"), """
                dicom_id,subject_id,study_id,ViewPosition
                aaa1,10000032,50414267,PA
                aaa2,10000032,50414267,LATERAL
                bbb1,10000764,57375967,AP
                ccc1,10000898,50771383,PA
                """);
        final Path output = directory.resolve("prompts");
        final Path rejects = directory.resolve("rejects");

        final FlowDefinitionRunner flow = new FlowDefinitionRunner(FLOW, Map.of(
                "reports.directory", files.toString(),
                "metadata.file", metadata.toString(),
                "output.directory", output.toString(),
                "rejects.directory", rejects.toString(),
                "dataset.min.records", "4",
                "dataset.max.wait", "1 sec"));
        flow.runToCompletion();

        final List<Path> datasets = list(output);
        assertEquals(1, datasets.size(), datasets.toString());
        assertTrue(datasets.get(0).getFileName().toString().matches("prompts-\\d{8}-\\d{6}-.+\\.jsonl"), datasets.toString());
        final List<String> records = Files.readAllLines(datasets.get(0)).stream().sorted().toList();
        assertEquals(4, records.size(), records.toString());
        assertEquals("{\"subject_id\":\"10000032\",\"study_id\":\"50414267\",\"report\":\"p10/p10000032/s50414267.txt\","
                + "\"section\":\"impression\",\"prompt\":\"No acute cardiopulmonary process. Discussed with Dr. ___ on ___.\","
                + "\"dicom_id\":\"aaa1\",\"view_position\":\"PA\",\"image\":\"files/p10/p10000032/s50414267/aaa1.jpg\"}",
                records.get(0));
        assertTrue(records.get(1).contains("\"dicom_id\":\"aaa2\""), records.get(1));
        assertTrue(records.get(2).contains("\"prompt\":\"Small left effusion.\"") && records.get(2).contains("\"section\":\"impression\""),
                records.get(2));
        assertTrue(records.get(3).contains("\"section\":\"last-paragraph\"") && records.get(3).contains("\"prompt\":\"Lungs are clear.\""),
                records.get(3));

        final List<Path> rejected = list(rejects);
        assertEquals(2, rejected.size(), rejected.toString());
        assertTrue(rejected.stream().anyMatch(path -> path.getFileName().toString().equals("s51000000.txt")), rejected.toString());
    }

    private static List<Path> list(final Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted().toList();
        }
    }
}
