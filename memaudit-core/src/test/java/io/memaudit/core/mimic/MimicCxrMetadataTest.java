package io.memaudit.core.mimic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MimicCxrMetadataTest {

    @Test
    void imagesAreGroupedByStudyWithTheirJpgPaths() throws IOException {
        final MimicCxrMetadata metadata = MimicCxrMetadata.read(new StringReader("""
                dicom_id,subject_id,study_id,PerformedProcedureStepDescription,ViewPosition
                aa-1,10000032,50414267,CHEST (PA AND LAT),PA
                aa-2,10000032,50414267,CHEST (PA AND LAT),LATERAL
                bb-1,10000764,57375967,CHEST (PORTABLE AP),AP
                """));
        assertEquals(2, metadata.studies());
        assertEquals(List.of("files/p10/p10000032/s50414267/aa-1.jpg", "files/p10/p10000032/s50414267/aa-2.jpg"),
                metadata.imagesOf("50414267").stream().map(MimicCxrMetadata.Image::path).toList());
        assertEquals("AP", metadata.imagesOf("57375967").get(0).viewPosition());
        assertEquals(List.of(), metadata.imagesOf("1"));
    }

    @Test
    void aMissingColumnOrARaggedLineIsNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> MimicCxrMetadata.read(new StringReader("dicom_id,subject\nx,1\n"))).getMessage().contains("'subject_id'"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> MimicCxrMetadata.read(new StringReader("dicom_id,subject_id,study_id\nx,1\n"))).getMessage()
                .contains("line 2 has 2 fields"));
    }

    @Test
    void reportPathsYieldTheirIds() {
        assertEquals(Optional.of(new MimicCxrLayout.StudyIds("10000032", "50414267")),
                MimicCxrLayout.idsOfReport("mimic/files/p10/p10000032/s50414267.txt"));
        assertEquals(Optional.empty(), MimicCxrLayout.idsOfReport("notes/report.txt"));
    }
}
