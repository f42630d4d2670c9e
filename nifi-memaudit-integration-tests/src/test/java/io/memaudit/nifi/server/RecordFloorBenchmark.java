package io.memaudit.nifi.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.synthetic.SyntheticImpressions;
import io.memaudit.synthetic.SyntheticReports;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A benchmark run by hand, not part of the build (its name matches no test pattern): RandomizeDeidMarkers against NiFi's
 * own processors in a real NiFi 2.3.0 server, on one big FlowFile of short records (MIMIC-CXR impressions,
 * {@link SyntheticImpressions}) and one of long records (full reports, {@link SyntheticReports}), both JSON Lines. The
 * floor is ConvertRecord: the JsonTreeReader and JsonRecordSetWriter alone, shared by every record processor here. Beside
 * it: UpdateRecord with a fixed-text {@code replaceRegex} on /prompt, ReplaceText with a {@code ${random()}} expression
 * evaluated per marker (Regex Replace, Entire text), and RandomizeDeidMarkers in record and in text mode.
 *
 * <p>Each figure is the processor's task time as NiFi reports it (processor status, tasksDurationNanos), the best of
 * {@code benchmark.runs} runs (3), in a NiFi with a fixed heap of {@code benchmark.heap} (2g). Each run is a fresh
 * processor instance (the status counts the last five minutes, so a reused one would mix runs), and the runs go round
 * robin over the processors so a change in the machine's load touches all of them alike. Inputs are
 * {@code benchmark.mb} (50) megabytes each. Every run's output is checked: all records written, and no {@code ___} left where the processor
 * replaces markers (all of them left by ConvertRecord). It prints records/s, MB/s and the task time against ConvertRecord's,
 * says whether RandomizeDeidMarkers in record mode stays within 1.2x of ConvertRecord on short records, and writes the
 * table as Markdown to {@code target/record-floor-benchmark.md}. Run it with
 * {@code ./mvnw -B -pl nifi-memaudit-integration-tests -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=RecordFloorBenchmark -Dbenchmark.mb=50}. The figures are in docs/performance.md.
 */
class RecordFloorBenchmark {
    private static final double MEGABYTES = Double.parseDouble(System.getProperty("benchmark.mb", "50"));
    private static final int RUNS = Integer.getInteger("benchmark.runs", 3);
    /** NiFi's heap, fixed so that no run pays for growing it; text mode and Entire text hold the whole FlowFile. */
    private static final String HEAP = System.getProperty("benchmark.heap", "2g");
    private static final double GUARD = 1.2;
    private static final String MARKER = "___";
    private static final String SEED = String.valueOf(SyntheticImpressions.BENCHMARK_SEED);
    private static final Duration WAIT = Duration.ofMinutes(10);
    private static final String FLOOR = "ConvertRecord";
    private static final String GUARDED = "RandomizeDeidMarkers, record mode";

    /** One input file: JSON Lines, with its record, byte and marker counts. */
    private record Input(String name, Path file, long records, long bytes, long markers) {
    }

    /**
     * One processor under test: its row label, type, properties (given the reader's and writer's ids and the input size) and
     * whether it replaces every marker (else it must leave them all).
     */
    private record Candidate(String label, String type, PropertiesFor properties, boolean replacesMarkers) {
    }

    @FunctionalInterface
    private interface PropertiesFor {
        Map<String, String> of(String reader, String writer, long bytes);
    }

    /** What NiFi reported for one run of one processor. */
    private record Run(long taskNanos, long flowFilesIn, long bytesRead, long bytesWritten) {
    }

    private static final List<Candidate> CANDIDATES = List.of(
            new Candidate(FLOOR, "org.apache.nifi.processors.standard.ConvertRecord",
                    (reader, writer, bytes) -> Map.of("Record Reader", reader, "Record Writer", writer), false),
            new Candidate("UpdateRecord, replaceRegex to fixed text", "org.apache.nifi.processors.standard.UpdateRecord",
                    (reader, writer, bytes) -> Map.of("Record Reader", reader, "Record Writer", writer,
                            "Replacement Value Strategy", "record-path-value",
                            "/prompt", "replaceRegex(/prompt, '" + MARKER + "', 'REDACT')"), true),
            new Candidate("ReplaceText, ${random()} per marker", "org.apache.nifi.processors.standard.ReplaceText",
                    (reader, writer, bytes) -> Map.of("Replacement Strategy", "Regex Replace", "Regular Expression", MARKER,
                            "Replacement Value", "${random():mod(1000000):toString():padLeft(6, '0')}",
                            "Evaluation Mode", "Entire text", "Maximum Buffer Size", (bytes + (1 << 20)) + " B"), true),
            new Candidate(GUARDED, "io.memaudit.nifi.RandomizeDeidMarkers",
                    (reader, writer, bytes) -> Map.of("Input Mode", "records", "Record Reader", reader, "Record Writer", writer,
                            "Text Field", "/prompt", "Random Seed", SEED), true),
            new Candidate("RandomizeDeidMarkers, text mode", "io.memaudit.nifi.RandomizeDeidMarkers",
                    (reader, writer, bytes) -> Map.of("Input Mode", "text", "Maximum Text Size", (bytes + (1 << 20)) + " B",
                            "Random Seed", SEED), true));

    @Test
    void rewriteMarkersBesideNiFisOwnProcessors() throws Exception {
        final Path run = Files.createDirectories(CurateAndGateFlow.HOME.getParent().resolve("nifi-run"))
                .resolve("floor-" + System.currentTimeMillis());
        final long bytes = Math.round(MEGABYTES * 1_000_000);
        try {
            final Path inputs = Files.createDirectories(run.resolve("inputs"));
            final List<Input> data = List.of(
                    input("short", inputs.resolve("short.jsonl"),
                            file -> SyntheticImpressions.write(file, bytes, SyntheticImpressions.BENCHMARK_SEED), bytes),
                    input("long", inputs.resolve("long.jsonl"), file -> writeReports(file, bytes), bytes));
            final Map<String, List<Run>> runs = new LinkedHashMap<>();
            try (NiFiServer nifi = NiFiServer.start(CurateAndGateFlow.HOME, Files.createDirectories(run.resolve("node")),
                    Map.of(), List.of("-Xms" + HEAP, "-Xmx" + HEAP), Duration.ofMinutes(5))) {
                final Bench bench = new Bench(nifi, run.resolve("data"));
                for (int round = 1; round <= RUNS; round++) {
                    for (final Input input : data) {
                        for (final Candidate candidate : CANDIDATES) {
                            final Run measured = bench.measure(candidate, input);
                            runs.computeIfAbsent(input.name() + "\t" + candidate.label(), key -> new ArrayList<>()).add(measured);
                            System.out.printf(Locale.ROOT, "run %d/%d  %-5s  %-42s %8.3f s%n", round, RUNS, input.name(),
                                    candidate.label(), measured.taskNanos() / 1e9);
                        }
                    }
                }
            }
            report(data, runs);
        } finally {
            NiFiServer.deleteRecursively(run);
        }
    }

    /** Writes an input file with {@code writer} (which returns the record count) and counts its bytes and markers. */
    private static Input input(final String name, final Path file, final InputWriter writer, final long bytes) throws IOException {
        final long records = writer.write(file);
        long markers = 0;
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                markers += occurrences(line);
            }
        }
        assertTrue(Files.size(file) >= bytes, file + ": " + Files.size(file) + " bytes");
        return new Input(name, file, records, Files.size(file), markers);
    }

    @FunctionalInterface
    private interface InputWriter {
        long write(Path file) throws IOException;
    }

    /**
     * Full synthetic reports as JSON Lines, the records memaudit-benchmarks' CliBenchmark feeds {@code memaudit randomize}
     * (the same generator, seeds and fields), up to at least {@code minimumBytes}; returns the record count.
     */
    private static long writeReports(final Path file, final long minimumBytes) throws IOException {
        long written = 0;
        long records = 0;
        try (Writer writer = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16)) {
            for (long seed = 1; written < minimumBytes; seed++) {
                for (final SyntheticReports.Report report : SyntheticReports.generate(10_000, 0.19, seed)) {
                    final String line = CurateAndGateFlow.JSON.createObjectNode().put("study_id", report.studyId())
                            .put("subject_id", report.subjectId()).put("split", "train").put("prompt", report.text())
                            + "\n";
                    writer.write(line);
                    written += line.getBytes(StandardCharsets.UTF_8).length;
                    records++;
                    if (written >= minimumBytes) {
                        break;
                    }
                }
            }
        }
        return records;
    }

    private static long occurrences(final String text) {
        long count = 0;
        for (int at = text.indexOf(MARKER); at >= 0; at = text.indexOf(MARKER, at + MARKER.length())) {
            count++;
        }
        return count;
    }

    /**
     * The flow every run goes through: GetFile (the input) into a funnel, from which a fresh processor under test takes the
     * FlowFile; its success into a second funnel and PutFile (the output, checked), its failure into a third funnel (a
     * FlowFile there fails the benchmark). Both JSON services are shared by every record processor.
     */
    private static final class Bench {
        private final NiFiServer nifi;
        private final String group;
        private final String reader;
        private final String writer;
        private final String incoming;
        private final String succeeded;
        private final String failed;
        private final String getFile;
        private final Path in;
        private final Path out;

        Bench(final NiFiServer nifi, final Path data) throws IOException {
            this.nifi = nifi;
            this.in = Files.createDirectories(data.resolve("in"));
            this.out = Files.createDirectories(data.resolve("out"));
            final String root = nifi.get("flow/process-groups/root").path("processGroupFlow").path("id").asText();
            final ObjectNode body = created();
            body.putObject("component").put("name", "record floor benchmark").putObject("position").put("x", 0).put("y", 0);
            group = nifi.post("process-groups/" + root + "/process-groups", body).path("id").asText();
            reader = service("JSON Lines reader", "org.apache.nifi.json.JsonTreeReader", Map.of());
            writer = service("JSON Lines writer", "org.apache.nifi.json.JsonRecordSetWriter",
                    Map.of("output-grouping", "output-oneline"));
            nifi.put("flow/process-groups/" + group + "/controller-services",
                    NiFiServer.object().put("id", group).put("state", "ENABLED"));
            nifi.await("the JSON services ENABLED", Duration.ofMinutes(2), () -> {
                final List<String> states = new ArrayList<>();
                nifi.get("flow/process-groups/" + group + "/controller-services").path("controllerServices")
                        .forEach(service -> states.add(service.path("component").path("state").asText()));
                return states.size() == 2 && states.stream().allMatch("ENABLED"::equals);
            });
            incoming = funnel();
            succeeded = funnel();
            failed = funnel();
            getFile = processor("GetFile", "org.apache.nifi.processors.standard.GetFile",
                    Map.of("Input Directory", in.toString(), "Keep Source File", "false"), List.of());
            connect(getFile, "PROCESSOR", incoming, "FUNNEL", List.of("success"));
            final String putFile = processor("PutFile", "org.apache.nifi.processors.standard.PutFile",
                    Map.of("Directory", out.toString(), "Conflict Resolution Strategy", "replace"), List.of("success", "failure"));
            connect(succeeded, "FUNNEL", putFile, "PROCESSOR", List.of());
            awaitValid(getFile);
            awaitValid(putFile);
            CurateAndGateFlow.setProcessorState(nifi, putFile, "RUNNING");
        }

        /**
         * One run of {@code candidate} on {@code input} with a fresh processor: the input is queued before it starts, it is
         * stopped once its output is written, and its output is checked before it is deleted again.
         */
        Run measure(final Candidate candidate, final Input input) throws IOException {
            final String processor = processor(candidate.label(), candidate.type(),
                    candidate.properties().of(reader, writer, input.bytes()), List.of());
            final List<String> connections = new ArrayList<>();
            connections.add(connect(incoming, "FUNNEL", processor, "PROCESSOR", List.of()));
            connections.add(connect(processor, "PROCESSOR", succeeded, "FUNNEL", List.of("success")));
            connections.add(connect(processor, "PROCESSOR", failed, "FUNNEL", List.of("failure")));
            awaitValid(processor);

            final Path partial = in.resolve("." + input.file().getFileName());
            Files.copy(input.file(), partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, in.resolve(input.file().getFileName()), StandardCopyOption.ATOMIC_MOVE);
            // GetFile runs only while it loads the input: NiFi deletes a connection only while everything upstream is stopped
            CurateAndGateFlow.setProcessorState(nifi, getFile, "RUNNING");
            nifi.await(input.name() + " queued for " + candidate.label(), WAIT, () -> queued(connections.get(0)) == 1);
            stop(getFile);

            final Path output = out.resolve(input.file().getFileName());
            CurateAndGateFlow.setProcessorState(nifi, processor, "RUNNING");
            nifi.await(candidate.label() + " on " + input.name() + " written by PutFile", WAIT, () -> {
                if (queued(connections.get(2)) > 0) {
                    throw new AssertionError(candidate.label() + " routed " + input.name() + " to failure\n" + nifi.logTail(40));
                }
                return Files.exists(output);
            });
            stop(processor);
            final JsonNode status = status(processor);
            final Run measured = new Run(status.path("tasksDurationNanos").asLong(), status.path("flowFilesIn").asLong(),
                    status.path("bytesRead").asLong(), status.path("bytesWritten").asLong());

            check(candidate, input, output, measured);
            Files.delete(output);
            for (final String connection : connections) {
                nifi.delete("connections/" + connection + "?version=" + version("connections/" + connection));
            }
            nifi.delete("processors/" + processor + "?version=" + version("processors/" + processor));
            return measured;
        }

        /** The processor took one FlowFile and wrote every record; markers all replaced, or all left by the floor. */
        private static void check(final Candidate candidate, final Input input, final Path output, final Run measured)
                throws IOException {
            final String what = candidate.label() + " on " + input.name() + ": ";
            assertEquals(1, measured.flowFilesIn(), what + "FlowFiles in");
            assertTrue(measured.bytesRead() >= input.bytes(), what + "read " + measured.bytesRead() + " of " + input.bytes() + " bytes");
            assertEquals(Files.size(output), measured.bytesWritten(), what + "bytes written against the output file");
            long records = 0;
            long markers = 0;
            try (BufferedReader lines = Files.newBufferedReader(output, StandardCharsets.UTF_8)) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (!line.isBlank()) {
                        records++;
                        markers += occurrences(line);
                    }
                }
            }
            assertEquals(input.records(), records, what + "records written");
            assertEquals(candidate.replacesMarkers() ? 0 : input.markers(), markers, what + "markers left in the output");
            assertTrue(measured.taskNanos() > 0, what + "no task time reported");
        }

        private String service(final String name, final String type, final Map<String, String> properties) {
            final ObjectNode body = created();
            final ObjectNode component = body.putObject("component").put("name", name).put("type", type);
            properties.forEach(component.putObject("properties")::put);
            return nifi.post("process-groups/" + group + "/controller-services", body).path("id").asText();
        }

        private String funnel() {
            final ObjectNode body = created();
            body.putObject("component").putObject("position").put("x", 0).put("y", 0);
            return nifi.post("process-groups/" + group + "/funnels", body).path("id").asText();
        }

        private String processor(final String name, final String type, final Map<String, String> properties,
                                 final List<String> autoTerminated) {
            final ObjectNode body = created();
            final ObjectNode component = body.putObject("component").put("name", name).put("type", type);
            component.putObject("position").put("x", 0).put("y", 0);
            final ObjectNode config = component.putObject("config").put("concurrentlySchedulableTaskCount", 1)
                    .put("schedulingPeriod", "0 sec");
            properties.forEach(config.putObject("properties")::put);
            autoTerminated.forEach(config.putArray("autoTerminatedRelationships")::add);
            return nifi.post("process-groups/" + group + "/processors", body).path("id").asText();
        }

        private String connect(final String source, final String sourceType, final String destination,
                               final String destinationType, final List<String> relationships) {
            final ObjectNode body = created();
            final ObjectNode component = body.putObject("component");
            component.putObject("source").put("id", source).put("groupId", group).put("type", sourceType);
            component.putObject("destination").put("id", destination).put("groupId", group).put("type", destinationType);
            relationships.forEach(component.putArray("selectedRelationships")::add);
            return nifi.post("process-groups/" + group + "/connections", body).path("id").asText();
        }

        private void stop(final String processor) {
            CurateAndGateFlow.setProcessorState(nifi, processor, "STOPPED");
            nifi.await("processor " + processor + " stopped", WAIT, () -> status(processor).path("activeThreadCount").asInt() == 0
                    && "STOPPED".equals(nifi.get("processors/" + processor).path("component").path("state").asText()));
        }

        private void awaitValid(final String processor) {
            nifi.await("validation of processor " + processor, Duration.ofMinutes(1), () -> !"VALIDATING".equals(
                    nifi.get("processors/" + processor).path("component").path("validationStatus").asText()));
            final JsonNode component = nifi.get("processors/" + processor).path("component");
            assertEquals("VALID", component.path("validationStatus").asText(),
                    component.path("name").asText() + ": " + component.path("validationErrors"));
        }

        private long queued(final String connection) {
            return nifi.get("flow/connections/" + connection + "/status").path("connectionStatus").path("aggregateSnapshot")
                    .path("flowFilesQueued").asLong();
        }

        private JsonNode status(final String processor) {
            return nifi.get("flow/processors/" + processor + "/status").path("processorStatus").path("aggregateSnapshot");
        }

        private long version(final String path) {
            return nifi.get(path).path("revision").path("version").asLong();
        }

        private static ObjectNode created() {
            final ObjectNode body = NiFiServer.object();
            body.putObject("revision").put("version", 0);
            return body;
        }
    }

    /** Prints the table (best task time of the runs per processor and input) and writes it as Markdown into target/. */
    private static void report(final List<Input> data, final Map<String, List<Run>> runs) throws IOException {
        final StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "NiFi 2.3.0, one FlowFile per input, best task time of %d runs, %d cores, "
                + "JDK %s, load average %.1f at the end%n%n", RUNS, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        for (final Input input : data) {
            table.append(String.format(Locale.ROOT, "- %s records: %,d bytes, %,d records (%.0f bytes and %.2f markers a record)%n",
                    input.name(), input.bytes(), input.records(), (double) input.bytes() / input.records(),
                    (double) input.markers() / input.records()));
        }
        table.append("\n| input | processor | records/s | MB/s | task time x ConvertRecord | best task s | runs s |\n");
        table.append("|---|---|---:|---:|---:|---:|---|\n");
        String verdict = null;
        for (final Input input : data) {
            final long floor = best(runs.get(input.name() + "\t" + FLOOR));
            for (final Candidate candidate : CANDIDATES) {
                final List<Run> measured = runs.get(input.name() + "\t" + candidate.label());
                final long best = best(measured);
                final double ratio = (double) best / floor;
                final List<String> all = measured.stream()
                        .map(r -> String.format(Locale.ROOT, "%.3f", r.taskNanos() / 1e9)).toList();
                table.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %.1f | %.2f | %.3f | %s |%n", input.name(),
                        candidate.label(), input.records() / (best / 1e9), input.bytes() / 1e6 / (best / 1e9), ratio,
                        best / 1e9, String.join(", ", all)));
                if (input.name().equals("short") && candidate.label().equals(GUARDED)) {
                    verdict = String.format(Locale.ROOT, "%s on short records: %.2fx ConvertRecord's task time: %s", GUARDED,
                            ratio, ratio <= GUARD ? "WITHIN " + GUARD + "x of ConvertRecord"
                                    : "SLOWER than " + GUARD + "x ConvertRecord");
                }
            }
        }
        table.append('\n').append(verdict).append('\n');
        final Path markdown = CurateAndGateFlow.HOME.getParent().resolve("record-floor-benchmark.md");
        Files.writeString(markdown, table);
        System.out.println("\n=== RecordFloorBenchmark ===\n" + table + "\n(written to " + markdown.toAbsolutePath() + ")");
    }

    private static long best(final List<Run> runs) {
        return runs.stream().mapToLong(Run::taskNanos).min().orElseThrow();
    }
}
