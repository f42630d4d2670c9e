package io.memaudit.nifi.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * flows/curate-and-gate.json: every processor and controller service (the model service with models/tiny-init included)
 * is built from the file's types with exactly its properties and must be valid. Running it end to end is left to the
 * real-server test: in TestRunner, MergeRecord keeps a single incoming FlowFile queued instead of binning it.
 */
class CurateAndGateFlowTest {
    private static final Path FLOW = Path.of("..", "flows", "curate-and-gate.json");

    @TempDir
    Path directory;

    @Test
    void everyComponentIsValidAsConfigured() throws IOException {
        final Map<String, String> parameters = new HashMap<>();
        parameters.put("input.directory", Files.createDirectories(directory.resolve("incoming")).toString());
        parameters.put("model.directory", Path.of("..", "models", "tiny-init").toAbsolutePath().normalize().toString());
        parameters.put("model.device", "cpu");
        for (final String output : List.of("review", "approved", "rejected", "reports", "failure")) {
            parameters.put(output + ".directory", directory.resolve(output).toString());
        }
        final FlowDefinitionRunner flow = new FlowDefinitionRunner(FLOW, parameters);
        flow.runner("Score memorization").assertValid();
        flow.runner("Release gate").assertValid();
        flow.runner("Drop repeated chunks").assertValid();
        assertEquals(19, flow.processorCount());
    }
}
