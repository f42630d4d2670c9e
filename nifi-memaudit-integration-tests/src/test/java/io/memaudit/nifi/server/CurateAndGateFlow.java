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
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the real-server tests share about flows/curate-and-gate.json: the prediction of every score with memaudit-core (the
 * same randomization and dmem, in the test's JVM), deploying the flow through the REST API (standalone or cluster: the
 * same calls), processor and connection status per node, and reading the output directories.
 */
final class CurateAndGateFlow {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path HOME = Path.of(System.getProperty("nifi.home", "target/nifi"));
    static final Path FLOWS = Path.of(System.getProperty("memaudit.flows", "../flows"));
    static final Path MODEL = Path.of(System.getProperty("memaudit.models", "../models"), "tiny-init").toAbsolutePath().normalize();
    static final long SEED = 20250207;
    static final List<String> OUTPUTS = List.of("review", "approved", "rejected", "reports", "incomplete", "failure");
    static final String SCORE = "Score memorization";

    private CurateAndGateFlow() {
    }

    /** Synthetic captions (no real report text), some with markers, all distinct: {@code count} of them, keyed by image. */
    static Map<String, String> captions(final String dataset, final int count) {
        final List<String> findings = List.of("No acute cardiopulmonary process.", "Compared to ___, no significant change.",
                "Dr. ___ was notified of the findings at ___.", "Mild cardiomegaly without pulmonary edema.",
                "Left lower lobe opacity, possibly atelectasis.", "Endotracheal tube ends 4 cm above the carina, as on ___.",
                "Right-sided PICC line ending in the lower SVC.", "Small bilateral pleural effusions.",
                "Interval removal of the ___ catheter.", "Stable appearance of the chest.",
                "Findings discussed with ___ by telephone.", "Hyperinflated lungs consistent with COPD.");
        final List<String> sides = List.of("", " Follow-up advised.", " Unchanged from prior.", " Recommend lateral view.");
        final Map<String, String> captions = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            final String side = sides.get((i / findings.size() + dataset.length()) % sides.size());
            captions.put(String.format("%s/p1%07d/s5%07d/view1.jpg", dataset, i, i),
                    findings.get(i % findings.size()) + side + " Series " + dataset + ", image " + i + ".");
        }
        return captions;
    }

    /** The input file of a dataset, named as a hospital's export might be: the dataset and an accession number. */
    static String fileName(final String dataset) {
        return dataset + "-ACC" + (20250207000L + Math.floorMod(dataset.hashCode(), 1000)) + ".jsonl";
    }

    /** The prompts as the flow randomizes them (random tags, keyed by the image), by image. */
    static Map<String, String> randomized(final Map<String, String> prompts) {
        final MarkerRewriter rewriter = MarkerRewriter.builder().seed(SEED).build();
        final Map<String, String> randomized = new LinkedHashMap<>();
        prompts.forEach((key, prompt) -> randomized.put(key, rewriter.rewrite(prompt, key).text()));
        return randomized;
    }

    /** What the flow must compute: random-tag randomization keyed by the image, then dmem, with memaudit-core. */
    static Map<String, Double> predictScores(final Map<String, String> prompts, final int generations, final int steps)
            throws Exception {
        final List<String> keys = new ArrayList<>(prompts.keySet());
        final Map<String, String> byImage = randomized(prompts);
        final List<String> randomized = keys.stream().map(byImage::get).toList();
        try (DiffusionModel model = DiffusionModel.load(MODEL, Device.cpu())) {
            final List<MemorizationScorer.Score> scores = new MemorizationScorer(model).score(randomized,
                    new MemorizationScorer.Options(generations, steps, model.config().guidanceScale(), 8, SEED, null, false),
                    done -> { });
            final Map<String, Double> byKey = new TreeMap<>();
            for (int i = 0; i < keys.size(); i++) {
                byKey.put(keys.get(i), scores.get(i).dmem());
            }
            return byKey;
        }
    }

    /** The flow's parameters for a run under {@code run}; output directories are created. */
    static Map<String, String> parameters(final Path run, final double threshold, final int generations, final int steps,
                                          final int chunkRecords) throws IOException {
        final Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("input.directory", Files.createDirectories(run.resolve("data/incoming")).toString());
        parameters.put("input.min.file.age", "0 sec");
        for (final String name : OUTPUTS) {
            parameters.put(name + ".directory", Files.createDirectories(run.resolve("data").resolve(name)).toString());
        }
        parameters.put("model.directory", MODEL.toString());
        parameters.put("model.device", "cpu");
        parameters.put("scoring.mode", "full");
        parameters.put("memorization.threshold", String.valueOf(threshold));
        parameters.put("generations", String.valueOf(generations));
        parameters.put("steps", String.valueOf(steps));
        parameters.put("seed", String.valueOf(SEED));
        parameters.put("chunk.records", String.valueOf(chunkRecords));
        parameters.put("chunk.max.wait", "10 min");
        return parameters;
    }

    /** Uploads the flow, sets its parameters, enables its services, checks every processor is valid and starts it. */
    static String deploy(final NiFiServer nifi, final Map<String, String> parameters) throws IOException {
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
        nifi.await("every controller service ENABLED (the model service loads the bundle through DJL on every node)",
                Duration.ofMinutes(3), () -> {
                    final List<String> states = new ArrayList<>();
                    nifi.get("flow/process-groups/" + group + "/controller-services").path("controllerServices")
                            .forEach(service -> states.add(service.path("component").path("state").asText()));
                    return states.stream().allMatch("ENABLED"::equals);
                });
        nifi.await("processor validation", Duration.ofMinutes(1), () -> processors(nifi, group).stream()
                .noneMatch(processor -> "VALIDATING".equals(processor.path("component").path("validationStatus").asText())));
        final List<String> invalid = new ArrayList<>();
        for (final JsonNode processor : processors(nifi, group)) {
            if (!"VALID".equals(processor.path("component").path("validationStatus").asText())) {
                invalid.add(processor.path("component").path("name").asText() + ": "
                        + processor.path("component").path("validationErrors"));
            }
        }
        assertEquals(List.of(), invalid, "invalid processors");
        return group;
    }

    /** Starts (RUNNING) or stops (STOPPED) every component of the group. */
    static void setGroupState(final NiFiServer nifi, final String group, final String state) {
        nifi.put("flow/process-groups/" + group, NiFiServer.object().put("id", group).put("state", state));
    }

    /** Starts (RUNNING) or stops (STOPPED) one processor, on every node of a cluster. */
    static void setProcessorState(final NiFiServer nifi, final String processor, final String state) {
        final JsonNode current = nifi.get("processors/" + processor);
        final ObjectNode body = NiFiServer.object().put("state", state);
        body.set("revision", current.path("revision"));
        nifi.put("processors/" + processor + "/run-status", body);
    }

    private static List<JsonNode> processors(final NiFiServer nifi, final String group) {
        final List<JsonNode> processors = new ArrayList<>();
        nifi.get("process-groups/" + group + "/processors").path("processors").forEach(processors::add);
        return processors;
    }

    /** The id of the processor named {@code name} in the group. */
    static String processorId(final NiFiServer nifi, final String group, final String name) {
        return processors(nifi, group).stream().filter(p -> p.path("component").path("name").asText().equals(name))
                .map(p -> p.path("id").asText()).findFirst().orElseThrow(() -> new AssertionError("no processor " + name));
    }

    /** The id of the connection into the processor named {@code destination}. */
    static String connectionInto(final NiFiServer nifi, final String group, final String destination) {
        for (final JsonNode connection : nifi.get("process-groups/" + group + "/connections").path("connections")) {
            if (connection.path("component").path("destination").path("name").asText().equals(destination)) {
                return connection.path("id").asText();
            }
        }
        throw new AssertionError("no connection into " + destination);
    }

    /**
     * One number per node (by HTTP port) from a nodewise status: {@code kind} is "processors" or "connections",
     * {@code field} a field of the status snapshot (flowFilesIn, flowFilesQueued, ...). A standalone server has one entry, -1.
     */
    static Map<Integer, Long> perNode(final NiFiServer nifi, final String kind, final String id, final String field) {
        final JsonNode status = nifi.get("flow/" + kind + "/" + id + "/status?nodewise=true");
        final JsonNode body = status.path(kind.equals("processors") ? "processorStatus" : "connectionStatus");
        final Map<Integer, Long> counts = new TreeMap<>();
        if (body.path("nodeSnapshots").isArray() && !body.path("nodeSnapshots").isEmpty()) {
            body.path("nodeSnapshots").forEach(node -> counts.put(node.path("apiPort").asInt(),
                    node.path("statusSnapshot").path(field).asLong()));
        } else {
            counts.put(-1, body.path("aggregateSnapshot").path(field).asLong());
        }
        return counts;
    }

    /** Writes the dataset under a name ListFile ignores, then moves it into place, so NiFi never sees half a file. */
    static void writeDataset(final Path file, final Map<String, String> prompts) throws IOException {
        final StringBuilder lines = new StringBuilder();
        prompts.forEach((image, prompt) -> lines.append(JSON.createObjectNode().put("image", image).put("prompt", prompt))
                .append('\n'));
        writeAtomically(file, lines.toString());
    }

    /** Writes {@code content} under a name ListFile ignores (hidden), then moves it into place. */
    static void writeAtomically(final Path file, final String content) throws IOException {
        final Path partial = file.resolveSibling("." + file.getFileName() + ".partial");
        Files.writeString(partial, content, StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The finished files in {@code directory} (PutFile writes a hidden file first and renames it). */
    static List<Path> files(final Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> !file.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (final IOException e) {
            throw new IllegalStateException(directory + ": cannot list", e);
        }
    }

    /**
     * The provenance events NiFi has indexed for a component, through a provenance query (the REST API's "Data
     * Provenance": submit, poll until finished, read, delete).
     */
    static List<JsonNode> provenanceEvents(final NiFiServer nifi, final String componentId) {
        final ObjectNode body = NiFiServer.object();
        final ObjectNode request = body.putObject("provenance").putObject("request");
        request.put("maxResults", 1000);
        request.putObject("searchTerms").putObject("ProcessorID").put("value", componentId).put("inverse", false);
        final String query = "provenance/" + nifi.post("provenance", body).path("provenance").path("id").asText();
        try {
            nifi.await("the provenance query", Duration.ofSeconds(30),
                    () -> nifi.get(query).path("provenance").path("finished").asBoolean());
            final List<JsonNode> events = new ArrayList<>();
            nifi.get(query).path("provenance").path("results").path("provenanceEvents").forEach(events::add);
            return events;
        } finally {
            nifi.delete(query);
        }
    }

    /**
     * Makes NiFi deliver one scored chunk twice, as it does when a node is killed in the middle of a load-balanced
     * transfer: a chunk ScoreMemorization already scored is replayed from provenance into its queue and scored again, so
     * "Drop repeated chunks" receives a second FlowFile with the same fragment.identifier and fragment.index. Returns
     * when that one went to 'duplicate' (its ROUTE event); the flow must be running.
     */
    static void replayAScoredChunk(final NiFiServer nifi, final String group) {
        final String score = processorId(nifi, group, SCORE);
        final String dedupe = processorId(nifi, group, "Drop repeated chunks");
        final List<JsonNode> forks = new ArrayList<>();
        nifi.await("a replayable FORK event of " + SCORE + " in provenance", Duration.ofMinutes(1), () -> {
            forks.clear();
            provenanceEvents(nifi, score).stream().filter(event -> "FORK".equals(event.path("eventType").asText())
                    && event.path("replayAvailable").asBoolean()).forEach(forks::add);
            return !forks.isEmpty();
        });
        nifi.post("provenance-events/replays", NiFiServer.object().put("eventId", forks.get(0).path("eventId").asLong()));
        nifi.await("the replayed chunk routed to 'duplicate' by Drop repeated chunks", Duration.ofMinutes(2),
                () -> provenanceEvents(nifi, dedupe).stream().anyMatch(event -> "ROUTE".equals(event.path("eventType").asText())
                        && "duplicate".equals(event.path("relationship").asText())));
    }

    /** Every record of the JSON Lines files given, by image; a key seen twice fails. */
    static Map<String, JsonNode> records(final List<Path> files) throws IOException {
        final Map<String, JsonNode> records = new TreeMap<>();
        for (final Path file : files) {
            for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    final JsonNode record = JSON.readTree(line);
                    final String key = record.path("image").asText();
                    assertTrue(records.put(key, record) == null, file.getFileName() + ": " + key + " appears twice");
                }
            }
        }
        return records;
    }

    /** Every record of the JSON Lines files in {@code directory}, by image; a key seen twice fails. */
    static Map<String, JsonNode> records(final Path directory) throws IOException {
        return records(files(directory));
    }

    /**
     * A Memorization Threshold halfway between two neighbouring predicted scores with a clear gap, at the first rank from
     * {@code memorized} on (at most three further) where there is one: that many records are memorized.
     */
    static double thresholdBelowTop(final Map<String, Double> scores, final int memorized) {
        final List<Double> descending = scores.values().stream().sorted(java.util.Comparator.reverseOrder()).toList();
        for (int rank = memorized; rank < Math.min(memorized + 4, descending.size()); rank++) {
            final double threshold = (descending.get(rank - 1) + descending.get(rank)) / 2;
            if (descending.get(rank - 1) - descending.get(rank) > 1e-3 * threshold) {
                return threshold;
            }
        }
        throw new AssertionError("the scores " + descending + " are too close around rank " + memorized
                + " to split the records reliably");
    }

    /** Waits until the gate has reported on {@code count} datasets. */
    static void awaitReports(final NiFiServer nifi, final Path data, final int count, final Duration timeout) {
        nifi.await(count + " gate reports", timeout, () -> files(data.resolve("reports")).size() >= count);
    }

    /**
     * The end state every run must reach, whatever crashed on the way: each dataset gated exactly once (one report, one
     * file in approved or rejected, rejected exactly when one of its records scores at or above the threshold), with every
     * record exactly once and dmem as predicted; the memorized records, and only they, in review; nothing incomplete or
     * failed.
     */
    static void assertEndState(final Path data, final Map<String, Map<String, String>> datasets,
                               final Map<String, Double> expectedScores, final double threshold) throws IOException {
        assertEquals(List.of(), files(data.resolve("incomplete")), "no incomplete dataset");
        assertEquals(List.of(), files(data.resolve("failure")), "no failures");
        final List<String> reports = files(data.resolve("reports")).stream().map(f -> f.getFileName().toString()).toList();
        assertEquals(datasets.keySet().stream().map(name -> name + ".gate.json").sorted().toList(), reports,
                "one gate report per dataset");
        final Map<String, JsonNode> expectedReview = new TreeMap<>();
        for (final Map.Entry<String, Map<String, String>> dataset : datasets.entrySet()) {
            final String name = dataset.getKey();
            final boolean memorized = dataset.getValue().keySet().stream().anyMatch(key -> expectedScores.get(key) >= threshold);
            final Path approved = data.resolve("approved").resolve(name);
            final Path rejected = data.resolve("rejected").resolve(name);
            assertEquals(List.of(!memorized, memorized), List.of(Files.exists(approved), Files.exists(rejected)),
                    name + ": gated once, rejected exactly when one of its records is memorized");
            final Map<String, JsonNode> gated = records(List.of(memorized ? rejected : approved));
            assertEquals(dataset.getValue().keySet(), gated.keySet(), name + ": every record exactly once in the gated dataset");
            for (final Map.Entry<String, JsonNode> record : gated.entrySet()) {
                final double expected = expectedScores.get(record.getKey());
                assertEquals(expected, record.getValue().path("dmem").asDouble(), 1e-4 * expected,
                        record.getKey() + ": dmem computed inside NiFi");
                assertFalse(record.getValue().path("prompt").asText().contains("___"), record.getKey() + ": a marker survived");
                if (expected >= threshold) {
                    expectedReview.put(record.getKey(), record.getValue());
                }
            }
            final JsonNode report = JSON.readTree(data.resolve("reports").resolve(name + ".gate.json").toFile());
            assertEquals(memorized ? "rejected" : "approved", report.path("decision").asText(), name + ": " + report);
            assertEquals(dataset.getValue().size(), report.path("records").asInt(), name + ": records the gate read: " + report);
        }
        final Map<String, JsonNode> review = records(data.resolve("review"));
        assertEquals(expectedReview, review, "the review directory holds a copy of exactly the memorized records");
    }

    /**
     * The environment of a NiFi server whose run directory is {@code node}: a DJL cache of its own there, empty at the
     * start, so libtorch must come out of the service NAR (and nothing else tells DJL to stay offline: the service does).
     */
    static Map<String, String> serverEnvironment(final Path node) {
        return Map.of("DJL_CACHE_DIR", serverDjlCache(node).toString());
    }

    private static Path serverDjlCache(final Path node) {
        return node.resolve("djl-cache").toAbsolutePath();
    }

    /**
     * Asserts that DJL unpacked libtorch into the server's own DJL cache, empty when the server started: with no network,
     * it came out of the service NAR.
     */
    static void assertLibtorchUnpackedFromTheNar(final NiFiServer nifi) {
        final Path cache = serverDjlCache(nifi.runDirectory());
        final String libtorch = System.mapLibraryName("torch");
        try (Stream<Path> files = Files.walk(cache)) {
            assertTrue(files.anyMatch(file -> file.getFileName().toString().equals(libtorch)), libtorch + " not in " + cache);
        } catch (final IOException e) {
            throw new AssertionError("no DJL cache at " + cache + " after the model service was enabled", e);
        }
    }

    /** Every bulletin the server (the cluster, asked through one node) holds now, as the REST API returns them. */
    static JsonNode bulletins(final NiFiServer nifi) {
        return nifi.get("flow/bulletin-board").path("bulletinBoard").path("bulletins");
    }

    /** What must not leak from a run on {@code prompts} (by image) read from {@code fileNames}: as sent and as randomized. */
    static LeakScan leakScan(final Map<String, String> prompts, final Collection<String> fileNames) {
        final List<String> texts = new ArrayList<>(prompts.values());
        texts.addAll(randomized(prompts).values());
        return LeakScan.of(texts, fileNames);
    }

    /**
     * Asserts that no prompt text and no input file name is in any log file of the servers, in the bulletins collected
     * during the run, or in the gate reports; and, so that the check is known to work on what NiFi writes, that it finds
     * the prompts in the copies of the memorized records in the review directory.
     */
    static void assertNothingLeaked(final LeakScan leaks, final List<NiFiServer> servers, final List<JsonNode> bulletins,
                                    final Path data) {
        long logs = 0;
        for (final NiFiServer server : servers) {
            logs += leaks.assertNotInFiles(server.runDirectory().resolve("logs"));
        }
        int count = 0;
        for (final JsonNode board : bulletins) {
            leaks.assertNotIn("the bulletin board", board.toString());
            count += board.size();
        }
        final long reports = leaks.assertNotInFiles(data.resolve("reports"));
        assertFalse(leaks.findInFiles(data.resolve("review")).isEmpty(),
                "the leak check finds nothing even in the review copies of memorized records, which hold prompts");
        System.out.println("No prompt text and no input file name (" + leaks.needles().size() + " strings) in " + logs
                + " log files, " + count + " bulletins, " + reports + " gate reports");
    }

    /** The DJL cache of the test JVM, which predicts the scores (libtorch unpacked from the test class path once). */
    static Path djlCache() {
        final String cache = System.getenv("DJL_CACHE_DIR");
        return Path.of(cache == null ? HOME.getParent().resolve("djl-cache").toString() : cache).toAbsolutePath();
    }
}
