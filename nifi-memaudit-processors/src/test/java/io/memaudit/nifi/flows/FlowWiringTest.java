package io.memaudit.nifi.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both flows are wired so that nothing is lost: every relationship of every processor is connected or auto-terminated, and
 * no failure relationship is auto-terminated (each goes to a failure directory or loops back to retry). A mutated copy of
 * each kind of fault must be reported.
 */
class FlowWiringTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FLOWS = Path.of("..", "flows");

    @TempDir
    Path directory;

    private Map<String, String> parameters() throws IOException {
        final Map<String, String> parameters = new HashMap<>();
        parameters.put("input.directory", Files.createDirectories(directory.resolve("incoming")).toString());
        parameters.put("reports.directory", Files.createDirectories(directory.resolve("reports-tree")).toString());
        parameters.put("metadata.file", Files.writeString(directory.resolve("metadata.csv"),
                "dicom_id,subject_id,study_id,ViewPosition\n").toString());
        parameters.put("model.directory", Path.of("..", "models", "tiny-init").toAbsolutePath().normalize().toString());
        parameters.put("model.device", "cpu");
        return parameters;
    }

    @Test
    void bothFlowsConnectEveryRelationshipAndKeepEveryFailure() throws IOException {
        for (final String flow : List.of("curate-and-gate.json", "mimic-cxr-to-prompts.json")) {
            assertEquals(List.of(), new FlowDefinitionRunner(FLOWS.resolve(flow), parameters()).wiringProblems(), flow);
        }
    }

    @Test
    void anAutoTerminatedFailureAndAnUnconnectedRelationshipAreReported() throws IOException {
        final JsonNode flow = JSON.readTree(FLOWS.resolve("curate-and-gate.json").toFile());
        final Map<String, String> ids = new HashMap<>();
        for (final JsonNode processor : flow.path("flowContents").path("processors")) {
            ids.put(processor.path("identifier").asText(), processor.path("name").asText());
            if (processor.path("name").asText().equals("Release gate")) {
                ((ArrayNode) processor.path("autoTerminatedRelationships")).add("failure");
            }
        }
        final ArrayNode connections = (ArrayNode) flow.path("flowContents").path("connections");
        for (int i = connections.size() - 1; i >= 0; i--) {
            final JsonNode connection = connections.get(i);
            final String source = ids.get(connection.path("source").path("id").asText());
            final boolean gateFailure = source.equals("Release gate")
                    && connection.path("selectedRelationships").toString().contains("\"failure\"");
            final boolean scoredChunks = source.equals("Score memorization")
                    && connection.path("selectedRelationships").toString().contains("\"scored\"");
            if (gateFailure || scoredChunks) {
                connections.remove(i);
            }
        }
        final Path mutated = directory.resolve("mutated.json");
        JSON.writeValue(mutated.toFile(), (ObjectNode) flow);
        assertEquals(List.of(
                "Score memorization: relationship 'scored' is neither connected nor auto-terminated",
                "Release gate: failure relationship 'failure' is auto-terminated; connect it to a failure directory or back "
                        + "to the processor (retry)"),
                new FlowDefinitionRunner(mutated, parameters()).wiringProblems().stream().sorted(
                        (a, b) -> Boolean.compare(a.startsWith("Release"), b.startsWith("Release"))).toList());
    }
}
