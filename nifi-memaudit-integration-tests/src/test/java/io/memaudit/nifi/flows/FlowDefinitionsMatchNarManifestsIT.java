package io.memaudit.nifi.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every flow definition in flows/ against the extension manifests of the NARs this build makes or assembles (memaudit's
 * own, the repackaged standard processors, NiFi's record services): each processor and controller service exists in the
 * NAR its bundle names, and each property the flow sets is one of its properties.
 */
class FlowDefinitionsMatchNarManifestsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FLOWS = Path.of(System.getProperty("memaudit.flows", "../flows"));
    private static final Path LIB = Path.of(System.getProperty("nifi.home", "target/nifi"), "lib");
    private static final String MEMAUDIT = "io.memaudit";

    private static ExtensionManifests manifests;

    @BeforeAll
    static void readNars() throws IOException {
        manifests = ExtensionManifests.read(LIB);
    }

    @Test
    void everyFlowNamesExistingComponentsAndProperties() throws IOException {
        final List<Path> flows;
        try (Stream<Path> files = Files.list(FLOWS)) {
            flows = files.filter(file -> file.toString().endsWith(".json")).sorted().toList();
        }
        assertFalse(flows.isEmpty(), "no flow definitions in " + FLOWS.toAbsolutePath());
        for (final Path flow : flows) {
            assertEquals(List.of(), manifests.problems(flow.getFileName().toString(), JSON.readTree(flow.toFile()), MEMAUDIT),
                    flow + " does not match the NARs");
            assertEquals(List.of(), manifests.wiringProblems(flow.getFileName().toString(), JSON.readTree(flow.toFile())),
                    flow + " loses or strands FlowFiles");
        }
        System.out.println("Flows checked against the NARs in " + LIB + "; bundles without a NAR here (not checked): "
                + manifests.unchecked());
    }

    @Test
    void anAutoTerminatedFailureAndAnUnconnectedRelationshipAreReported() throws IOException {
        final JsonNode flow = JSON.readTree(FLOWS.resolve("curate-and-gate.json").toFile());
        String scoreId = "";
        for (final JsonNode processor : flow.path("flowContents").path("processors")) {
            switch (processor.path("name").asText()) {
                case "Write approved" -> ((ArrayNode) processor.path("autoTerminatedRelationships")).add("failure");
                case "Score memorization" -> scoreId = processor.path("identifier").asText();
                default -> {
                }
            }
        }
        final ArrayNode connections = (ArrayNode) flow.path("flowContents").path("connections");
        for (int i = connections.size() - 1; i >= 0; i--) {
            final JsonNode connection = connections.get(i);
            if (connection.path("source").path("id").asText().equals(scoreId)
                    && connection.path("selectedRelationships").toString().contains("\"scored\"")) {
                connections.remove(i);
            }
        }
        final List<String> problems = manifests.wiringProblems("mutated", flow);
        assertEquals(2, problems.size(), "problems found: " + problems);
        assertEquals(List.of(true, true), List.of(
                problems.contains("mutated: 'Score memorization': relationship 'scored' is neither connected nor auto-terminated"),
                problems.contains("mutated: 'Write approved': failure relationship 'failure' is auto-terminated; connect it to "
                        + "a failure directory or back to the processor (retry)")),
                "problems found: " + problems);
    }

    @Test
    void aMisspelledPropertyOrTypeIsReported() throws IOException {
        final JsonNode flow = JSON.readTree(FLOWS.resolve("curate-and-gate.json").toFile());
        for (final JsonNode processor : flow.path("flowContents").path("processors")) {
            final ObjectNode component = (ObjectNode) processor;
            switch (component.path("name").asText()) {
                case "Score memorization" -> {
                    final ObjectNode properties = (ObjectNode) component.path("properties");
                    properties.set("Memorisation Threshold", properties.remove("Memorization Threshold"));
                }
                case "Release gate" -> component.put("type", "io.memaudit.nifi.EvaluateReleaseGates");
                case "Write approved" -> ((ObjectNode) component.path("properties")).put("Directroy", "/tmp");
                default -> {
                }
            }
        }
        final List<String> problems = manifests.problems("mutated", flow, MEMAUDIT);
        assertEquals(3, problems.size(), "problems found: " + problems);
        assertEquals(List.of(true, true, true), List.of(
                problems.stream().anyMatch(p -> p.startsWith("mutated: 'Score memorization': property 'Memorisation Threshold'")),
                problems.stream().anyMatch(p -> p.startsWith("mutated: 'Release gate': type io.memaudit.nifi.EvaluateReleaseGates")),
                problems.stream().anyMatch(p -> p.startsWith("mutated: 'Write approved': property 'Directroy'"))),
                "problems found: " + problems);
    }
}
