package io.memaudit.nifi.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.core.markers.MarkerRewriter;
import io.memaudit.diffusion.DiffusionModel;
import io.memaudit.diffusion.MemorizationScorer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * flows/curate-and-gate.json in a real NiFi 2.3.0 server with the memaudit NAR from this build: uploaded through the REST
 * API, parameters set, services enabled (the model service loads models/tiny-init through DJL inside NiFi), group started,
 * a small JSON Lines dataset with {@code ___} markers dropped into the input directory. The test predicts every outcome with
 * memaudit-core first (the same randomization and dmem, in this JVM) and picks the Memorization Threshold between the third
 * and the fourth highest score, so exactly three records must reach the review directory, and the merged dataset of all
 * twelve scored records (3 of 12 memorized, above the gate's 1 % limit) must be rejected.
 */
class CurateAndGateInNiFiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path HOME = Path.of(System.getProperty("nifi.home", "target/nifi"));
    private static final Path FLOWS = Path.of(System.getProperty("memaudit.flows", "../flows"));
    private static final Path MODEL = Path.of(System.getProperty("memaudit.models", "../models"), "tiny-init").toAbsolutePath().normalize();
    private static final long SEED = 20250207;
    private static final int GENERATIONS = 2;
    private static final int STEPS = 10;
    private static final int EXPECTED_MEMORIZED = 3;
    private static final List<String> OUTPUTS = List.of("review", "approved", "rejected", "reports", "failure");

    /** Synthetic captions (no real report text): some with markers, all distinct. */
    private static final List<String> PROMPTS = List.of(
            "No acute cardiopulmonary process.",
            "Compared to ___, no significant change in the right pleural effusion.",
            "Dr. ___ was notified of the findings at ___ on ___.",
            "Mild cardiomegaly without pulmonary edema.",
            "Left lower lobe opacity, possibly atelectasis or pneumonia.",
            "Endotracheal tube terminates 4 cm above the carina, as on ___.",
            "Patient ___ with a right-sided PICC line ending in the lower SVC.",
            "Small bilateral pleural effusions with bibasilar atelectasis.",
            "Interval removal of the ___ catheter.",
            "Stable appearance of the chest.",
            "Findings discussed with ___ by telephone.",
            "Hyperinflated lungs consistent with COPD.");

    @Test
    void theFlowRandomizesScoresReviewsAndGatesADatasetInARealServer() throws Exception {
        final Map<String, String> prompts = new LinkedHashMap<>();
        for (int i = 0; i < PROMPTS.size(); i++) {
            prompts.put(String.format("p10/p1000%04d/s5000%04d/view1.jpg", i, i), PROMPTS.get(i));
        }
        final Map<String, Double> expectedScores = predictScores(prompts);
        final List<Double> descending = expectedScores.values().stream().sorted(Comparator.reverseOrder()).toList();
        final double threshold = (descending.get(EXPECTED_MEMORIZED - 1) + descending.get(EXPECTED_MEMORIZED)) / 2;
        assertTrue(descending.get(EXPECTED_MEMORIZED - 1) - descending.get(EXPECTED_MEMORIZED) > 1e-3 * threshold,
                "the third and fourth highest scores " + descending + " are too close to split the records reliably");
        final Set<String> expectedMemorized = expectedScores.entrySet().stream().filter(e -> e.getValue() >= threshold)
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));

        final Path run = Files.createDirectories(HOME.getParent().resolve("nifi-run")).resolve("run-" + System.currentTimeMillis());
        final Instant started = Instant.now();
        try (NiFiServer nifi = NiFiServer.start(HOME, Files.createDirectories(run),
                Map.of("DJL_CACHE_DIR", djlCache().toString(), "DJL_OFFLINE", "true"),
                List.of("-Xms256m", "-Xmx1g", "-Dai.djl.offline=true"), Duration.ofMinutes(3))) {
            System.out.println("NiFi up after " + Duration.between(started, Instant.now()).toSeconds() + " s in " + run);
            try {
                final Map<String, Path> directories = new LinkedHashMap<>();
                for (final String name : OUTPUTS) {
                    directories.put(name, Files.createDirectories(run.resolve("data").resolve(name)));
                }
                final Path input = Files.createDirectories(run.resolve("data/incoming"));
                final Map<String, String> parameters = new LinkedHashMap<>();
                parameters.put("input.directory", input.toString());
                directories.forEach((name, directory) -> parameters.put(name + ".directory", directory.toString()));
                parameters.put("model.directory", MODEL.toString());
                parameters.put("model.device", "cpu");
                parameters.put("scoring.mode", "full");
                parameters.put("memorization.threshold", String.valueOf(threshold));
                parameters.put("generations", String.valueOf(GENERATIONS));
                parameters.put("steps", String.valueOf(STEPS));
                parameters.put("seed", String.valueOf(SEED));
                parameters.put("dataset.min.records", String.valueOf(prompts.size()));
                parameters.put("dataset.max.wait", "5 sec");

                final String group = deploy(nifi, parameters);
                writeDataset(input.resolve("captions.jsonl"), prompts);
                nifi.await("a file in each of review, approved or rejected, and reports", Duration.ofMinutes(3),
                        () -> !files(directories.get("review")).isEmpty() && !files(directories.get("reports")).isEmpty()
                                && !(files(directories.get("approved")).isEmpty() && files(directories.get("rejected")).isEmpty()));
                nifi.put("flow/process-groups/" + group, NiFiServer.object().put("id", group).put("state", "STOPPED"));

                final Map<String, JsonNode> review = records(directories.get("review"));
                final Map<String, JsonNode> rejected = records(directories.get("rejected"));
                assertEquals(expectedMemorized, review.keySet(), "records in the review directory (scores " + expectedScores
                        + ", threshold " + threshold + ")");
                assertEquals(List.of(), files(directories.get("approved")), "nothing approved: 3 of 12 records are memorized");
                assertEquals(List.of(), files(directories.get("failure")), "no failures");
                assertEquals(1, files(directories.get("rejected")).size(), "all scored records merged into one gated dataset");
                assertEquals(prompts.keySet(), rejected.keySet(), "every record is in the gated (rejected) dataset");
                for (final Map.Entry<String, JsonNode> record : rejected.entrySet()) {
                    final String original = prompts.get(record.getKey());
                    final String prompt = record.getValue().path("prompt").asText();
                    assertFalse(prompt.contains("___"), record.getKey() + ": a marker survived randomization");
                    assertEquals(!original.contains("___"), prompt.equals(original),
                            record.getKey() + ": exactly the prompts with markers change");
                    assertEquals(expectedScores.get(record.getKey()), record.getValue().path("dmem").asDouble(),
                            1e-4 * expectedScores.get(record.getKey()), record.getKey() + ": dmem computed inside NiFi");
                }
                for (final Map.Entry<String, JsonNode> record : review.entrySet()) {
                    assertEquals(rejected.get(record.getKey()), record.getValue(), record.getKey() + ": review holds a copy");
                }

                final List<Path> reports = files(directories.get("reports"));
                assertEquals(1, reports.size(), "one gate report");
                final JsonNode report = JSON.readTree(reports.get(0).toFile());
                assertEquals("rejected", report.path("decision").asText(), "gate decision: " + report);
                assertEquals(prompts.size(), report.path("records").asInt(), "records the gate read: " + report);
                assertEquals(EXPECTED_MEMORIZED, report.path("memorized").asInt(), "memorized records in the gated dataset: " + report);
                System.out.println("curate-and-gate ran in NiFi in " + Duration.between(started, Instant.now()).toSeconds()
                        + " s (server start included): " + review.size() + " to review, " + rejected.size() + " gated and rejected");
            } catch (final AssertionError | RuntimeException e) {
                System.err.println("--- NiFi log tail ---\n" + nifi.logTail(120));
                System.err.println("--- bulletins ---\n" + nifi.get("flow/bulletin-board").toPrettyString());
                throw e;
            }
        } finally {
            NiFiServer.deleteRecursively(run);
        }
    }

    /** What the flow must compute: random-tag randomization keyed by the image, then dmem, with memaudit-core. */
    private static Map<String, Double> predictScores(final Map<String, String> prompts) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        final MarkerRewriter rewriter = MarkerRewriter.builder().seed(SEED).build();
        final List<String> keys = new ArrayList<>(prompts.keySet());
        final List<String> randomized = keys.stream().map(key -> rewriter.rewrite(prompts.get(key), key).text()).toList();
        try (DiffusionModel model = DiffusionModel.load(MODEL, Device.cpu())) {
            final List<MemorizationScorer.Score> scores = new MemorizationScorer(model).score(randomized,
                    new MemorizationScorer.Options(GENERATIONS, STEPS, model.config().guidanceScale(), 8, SEED, null, false),
                    done -> { });
            final Map<String, Double> byKey = new TreeMap<>();
            for (int i = 0; i < keys.size(); i++) {
                byKey.put(keys.get(i), scores.get(i).dmem());
            }
            return byKey;
        }
    }

    /** Uploads the flow, sets its parameters, enables its services, checks every processor is valid and starts it. */
    private static String deploy(final NiFiServer nifi, final Map<String, String> parameters) throws IOException {
        final String root = nifi.get("flow/process-groups/root").path("processGroupFlow").path("id").asText();
        final JsonNode uploaded = nifi.uploadFlowDefinition(root, "curate-and-gate",
                Files.readAllBytes(FLOWS.resolve("curate-and-gate.json")));
        final String group = uploaded.path("id").asText();
        final String context = uploaded.path("component").path("parameterContext").path("id").asText();
        assertFalse(context.isEmpty(), "the uploaded group has no parameter context: " + uploaded);

        final JsonNode current = nifi.get("parameter-contexts/" + context);
        final ObjectNode update = NiFiServer.object();
        update.set("revision", current.path("revision"));
        update.put("id", context);
        final ObjectNode component = update.putObject("component").put("id", context);
        final ArrayNode list = component.putArray("parameters");
        parameters.forEach((name, value) -> list.addObject().putObject("parameter").put("name", name).put("value", value)
                .put("sensitive", false));
        final String requestPath = "parameter-contexts/" + context + "/update-requests/"
                + nifi.post("parameter-contexts/" + context + "/update-requests", update).path("request").path("requestId").asText();
        nifi.await("the parameter context update", Duration.ofMinutes(1),
                () -> nifi.get(requestPath).path("request").path("complete").asBoolean());
        final JsonNode done = nifi.delete(requestPath).path("request");
        assertTrue(done.path("failureReason").isMissingNode() || done.path("failureReason").isNull(),
                "parameter update failed: " + done.path("failureReason"));

        nifi.put("flow/process-groups/" + group + "/controller-services",
                NiFiServer.object().put("id", group).put("state", "ENABLED"));
        nifi.await("every controller service ENABLED (the model service loads the bundle through DJL)", Duration.ofMinutes(2),
                () -> states(nifi.get("flow/process-groups/" + group + "/controller-services").path("controllerServices"))
                        .stream().allMatch("ENABLED"::equals));

        nifi.await("processor validation", Duration.ofMinutes(1), () -> validations(nifi, group).stream()
                .noneMatch("VALIDATING"::equals));
        final List<String> invalid = new ArrayList<>();
        for (final JsonNode processor : nifi.get("process-groups/" + group + "/processors").path("processors")) {
            if (!"VALID".equals(processor.path("component").path("validationStatus").asText())) {
                invalid.add(processor.path("component").path("name").asText() + ": "
                        + processor.path("component").path("validationErrors"));
            }
        }
        assertEquals(List.of(), invalid, "invalid processors");
        nifi.put("flow/process-groups/" + group, NiFiServer.object().put("id", group).put("state", "RUNNING"));
        return group;
    }

    private static List<String> states(final JsonNode services) {
        final List<String> states = new ArrayList<>();
        services.forEach(service -> states.add(service.path("component").path("state").asText()));
        return states;
    }

    private static List<String> validations(final NiFiServer nifi, final String group) {
        final List<String> states = new ArrayList<>();
        nifi.get("process-groups/" + group + "/processors").path("processors")
                .forEach(processor -> states.add(processor.path("component").path("validationStatus").asText()));
        return states;
    }

    /** Writes the dataset under a name ListFile ignores, then moves it into place, so NiFi never sees half a file. */
    private static void writeDataset(final Path file, final Map<String, String> prompts) throws IOException {
        final StringBuilder lines = new StringBuilder();
        prompts.forEach((image, prompt) -> lines.append(JSON.createObjectNode().put("image", image).put("prompt", prompt))
                .append('\n'));
        final Path partial = file.resolveSibling("." + file.getFileName() + ".partial");
        Files.writeString(partial, lines, StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The finished files in {@code directory} (PutFile writes a hidden file first and renames it). */
    private static List<Path> files(final Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> !file.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (final IOException e) {
            throw new IllegalStateException(directory + ": cannot list", e);
        }
    }

    /** Every record of the JSON Lines files in {@code directory}, by image; a key seen twice fails. */
    private static Map<String, JsonNode> records(final Path directory) throws IOException {
        final Map<String, JsonNode> records = new TreeMap<>();
        for (final Path file : files(directory)) {
            for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    final JsonNode record = JSON.readTree(line);
                    final String key = record.path("image").asText();
                    assertTrue(records.put(key, record) == null, directory.getFileName() + ": " + key + " appears twice");
                }
            }
        }
        return records;
    }

    private static Path djlCache() {
        final String cache = System.getenv("DJL_CACHE_DIR");
        return Path.of(cache == null ? HOME.getParent().resolve("djl-cache").toString() : cache).toAbsolutePath();
    }
}
