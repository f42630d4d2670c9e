package io.memaudit.nifi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.nifi.processor.AbstractProcessor;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.serialization.record.Record;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MimicCxrImageLookupServiceTest {

    /** A processor that does nothing: TestRunner needs one to host the service. */
    public static final class Host extends AbstractProcessor {
        @Override
        public void onTrigger(final ProcessContext context, final ProcessSession session) {
        }
    }

    @Test
    void studiesResolveToTheirImages(@TempDir final Path directory) throws Exception {
        final Path metadata = Files.writeString(directory.resolve("m.csv"),
                "dicom_id,subject_id,study_id,ViewPosition\nd1,10000032,50414267,PA\nd2,10000032,50414267,LATERAL\n");
        final TestRunner runner = TestRunners.newTestRunner(Host.class);
        final MimicCxrImageLookupService service = new MimicCxrImageLookupService();
        runner.addControllerService("images", service);
        runner.setProperty(service, MimicCxrImageLookupService.METADATA_FILE, metadata.toString());
        runner.enableControllerService(service);
        final Optional<Record> found = service.lookup(Map.of("study_id", "s50414267"));
        assertTrue(found.isPresent());
        final Object[] images = found.get().getAsArray("images");
        assertEquals(2, images.length);
        assertEquals("files/p10/p10000032/s50414267/d2.jpg", ((Record) images[1]).getAsString("image"));
        assertEquals(Optional.empty(), service.lookup(Map.of("study_id", "1")));
    }

    @Test
    void aFileWithoutTheMimicColumnsIsInvalid(@TempDir final Path directory) throws Exception {
        final Path metadata = Files.writeString(directory.resolve("m.csv"), "image,caption\na.jpg,x\n");
        final TestRunner runner = TestRunners.newTestRunner(Host.class);
        final MimicCxrImageLookupService service = new MimicCxrImageLookupService();
        runner.addControllerService("images", service);
        runner.setProperty(service, MimicCxrImageLookupService.METADATA_FILE, metadata.toString());
        runner.assertNotValid(service);
    }
}
