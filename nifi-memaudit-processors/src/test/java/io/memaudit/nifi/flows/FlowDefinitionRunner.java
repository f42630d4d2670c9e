package io.memaudit.nifi.flows;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.nifi.controller.ControllerService;
import org.apache.nifi.processor.Processor;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;

/**
 * Runs a NiFi flow definition from {@code flows/} inside TestRunners: every processor and controller service is created
 * from its type with exactly the properties in the file (parameters substituted), and FlowFiles move along the file's
 * connections until every queue is empty. It proves the definition's types, property names and values against the real
 * components; the real-server test proves the rest (scheduling, clustering, the REST upload).
 */
final class FlowDefinitionRunner {
    private static final Pattern PARAMETER = Pattern.compile("#\\{([^}]+)}");
    private static final int MAXIMUM_ROUNDS = 50;

    private final Map<String, JsonNode> processors = new LinkedHashMap<>();
    private final Map<String, JsonNode> services = new HashMap<>();
    private final List<JsonNode> connections = new ArrayList<>();
    private final Map<String, TestRunner> runners = new LinkedHashMap<>();
    private final Map<String, String> parameters;

    FlowDefinitionRunner(final Path definition, final Map<String, String> parameterValues) throws IOException {
        final JsonNode root = new ObjectMapper().readTree(definition.toFile());
        final JsonNode group = root.get("flowContents");
        group.get("processors").forEach(processor -> processors.put(processor.get("identifier").asText(), processor));
        group.get("controllerServices").forEach(service -> services.put(service.get("identifier").asText(), service));
        group.get("connections").forEach(connections::add);
        parameters = new HashMap<>();
        root.get("parameterContexts").forEach(context -> context.get("parameters")
                .forEach(parameter -> parameters.put(parameter.get("name").asText(), parameter.get("value").asText())));
        parameters.putAll(parameterValues);
        for (final JsonNode processor : processors.values()) {
            runners.put(processor.get("identifier").asText(), runnerFor(processor));
        }
    }

    /** The runner of the processor with this name, to inspect what it transferred. */
    TestRunner runner(final String name) {
        return processors.values().stream().filter(processor -> processor.get("name").asText().equals(name))
                .map(processor -> runners.get(processor.get("identifier").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("No processor named " + name));
    }

    /** Number of processors in the definition. */
    int processorCount() {
        return processors.size();
    }

    /**
     * Every wiring fault of the definition, one line each naming the processor and relationship: a relationship that is
     * neither connected nor auto-terminated (NiFi would keep the processor invalid), and a failure relationship
     * ({@link #isFailure}) that is auto-terminated (a FlowFile that failed would vanish). Empty when the wiring is sound.
     */
    List<String> wiringProblems() {
        final List<String> problems = new ArrayList<>();
        for (final Map.Entry<String, TestRunner> entry : runners.entrySet()) {
            final JsonNode processor = processors.get(entry.getKey());
            final String name = processor.get("name").asText();
            for (final Relationship relationship : entry.getValue().getProcessor().getRelationships()) {
                final boolean terminated = contains(processor.get("autoTerminatedRelationships"), relationship.getName());
                final boolean connected = connections.stream().anyMatch(connection ->
                        connection.get("source").get("id").asText().equals(entry.getKey())
                                && contains(connection.get("selectedRelationships"), relationship.getName()));
                if (!terminated && !connected) {
                    problems.add(name + ": relationship '" + relationship.getName() + "' is neither connected nor auto-terminated");
                } else if (terminated && isFailure(relationship.getName())) {
                    problems.add(name + ": failure relationship '" + relationship.getName()
                            + "' is auto-terminated; connect it to a failure directory or back to the processor (retry)");
                }
            }
        }
        return problems;
    }

    /** Relationships that carry FlowFiles something went wrong with: none of them may be auto-terminated. */
    static boolean isFailure(final String relationship) {
        return relationship.contains("fail") || relationship.equals("not.found") || relationship.equals("permission.denied");
    }

    /** Triggers the source processors once, then moves FlowFiles along the connections until nothing is queued. */
    void runToCompletion() {
        final Set<String> withIncoming = new HashSet<>();
        connections.forEach(connection -> withIncoming.add(connection.get("destination").get("id").asText()));
        for (final String id : runners.keySet()) {
            if (!withIncoming.contains(id)) {
                trigger(id);
            }
        }
        boolean moved = true;
        for (int round = 0; moved; round++) {
            if (round == MAXIMUM_ROUNDS) {
                final StringBuilder stuck = new StringBuilder();
                runners.forEach((id, runner) -> {
                    if (!runner.isQueueEmpty()) {
                        stuck.append(processors.get(id).get("name").asText()).append(' ');
                    }
                });
                fail("FlowFiles still queued after " + MAXIMUM_ROUNDS + " rounds at: " + stuck);
            }
            moved = false;
            for (final Map.Entry<String, TestRunner> entry : runners.entrySet()) {
                if (!entry.getValue().isQueueEmpty()) {
                    trigger(entry.getKey());
                    moved = true;
                }
            }
        }
    }

    private void trigger(final String id) {
        final TestRunner runner = runners.get(id);
        final int queued = runner.getQueueSize().getObjectCount();
        runner.run(Math.max(1, queued), true, true);
        final JsonNode processor = processors.get(id);
        final Set<String> terminated = new HashSet<>();
        processor.get("autoTerminatedRelationships").forEach(name -> terminated.add(name.asText()));
        for (final Relationship relationship : runner.getProcessor().getRelationships()) {
            final List<MockFlowFile> transferred = runner.getFlowFilesForRelationship(relationship);
            if (transferred.isEmpty() || terminated.contains(relationship.getName())) {
                continue;
            }
            final List<String> destinations = new ArrayList<>();
            for (final JsonNode connection : connections) {
                final boolean fromHere = connection.get("source").get("id").asText().equals(id);
                final boolean selected = fromHere && contains(connection.get("selectedRelationships"), relationship.getName());
                if (selected) {
                    destinations.add(connection.get("destination").get("id").asText());
                }
            }
            assertTrue(!destinations.isEmpty(), processor.get("name").asText() + " transferred to '" + relationship.getName()
                    + "', which is neither connected nor auto-terminated");
            for (final String destination : destinations) {
                for (final MockFlowFile flowFile : transferred) {
                    runners.get(destination).enqueue(flowFile.toByteArray(), flowFile.getAttributes());
                }
            }
        }
        runner.clearTransferState();
    }

    private TestRunner runnerFor(final JsonNode processor) {
        final String type = processor.get("type").asText();
        final TestRunner runner;
        try {
            runner = TestRunners.newTestRunner((Processor) Class.forName(type).getDeclaredConstructor().newInstance());
        } catch (final ReflectiveOperationException e) {
            throw new AssertionError("Flow names processor type " + type + ", which is not on the class path", e);
        }
        final JsonNode descriptors = processor.get("propertyDescriptors");
        processor.get("properties").fields().forEachRemaining(property -> {
            final String name = property.getKey();
            final String value = resolve(property.getValue().asText());
            if (descriptors.get(name).get("identifiesControllerService").asBoolean()) {
                addService(runner, value);
            }
            runner.setProperty(name, value);
        });
        runner.setValidateExpressionUsage(false);
        runner.assertValid();
        return runner;
    }

    private void addService(final TestRunner runner, final String id) {
        final JsonNode service = services.get(id);
        if (service == null) {
            fail("Flow references controller service " + id + ", which it does not define");
        }
        try {
            final ControllerService instance = (ControllerService) Class.forName(service.get("type").asText())
                    .getDeclaredConstructor().newInstance();
            runner.addControllerService(id, instance);
            service.get("properties").fields().forEachRemaining(property ->
                    runner.setProperty(instance, property.getKey(), resolve(property.getValue().asText())));
            runner.enableControllerService(instance);
        } catch (final Exception e) {
            throw new AssertionError("Cannot start controller service " + service.get("name").asText() + ": " + e, e);
        }
    }

    private String resolve(final String value) {
        final Matcher matcher = PARAMETER.matcher(value);
        final StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            final String parameter = parameters.get(matcher.group(1));
            if (parameter == null) {
                fail("Flow uses parameter #{" + matcher.group(1) + "}, which its parameter context does not define");
            }
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(parameter));
        }
        return matcher.appendTail(resolved).toString();
    }

    private static boolean contains(final JsonNode array, final String value) {
        for (final JsonNode element : array) {
            if (element.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }
}
