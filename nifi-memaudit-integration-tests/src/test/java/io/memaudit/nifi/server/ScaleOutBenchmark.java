package io.memaudit.nifi.server;

import static io.memaudit.nifi.server.CurateAndGateFlow.SCORE;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A benchmark run by hand, not part of the build (its name matches no test pattern): the same datasets through
 * curate-and-gate.json on one NiFi node and on a two-node cluster, printing records per second scored per node and in total,
 * each node's share of the chunks, and the merge + gate time as a fraction of the scoring time. Run it with
 * {@code ./mvnw -B -pl nifi-memaudit-integration-tests -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=ScaleOutBenchmark -Dbenchmark.records=96}. The figures are in docs/scale-out.md.
 */
class ScaleOutBenchmark {
    private static final int GENERATIONS = 2;
    private static final int STEPS = 25;
    private static final int CHUNK_RECORDS = 8;
    private static final int RECORDS = Integer.getInteger("benchmark.records", 96);
    private static final Duration WAIT = Duration.ofMinutes(20);
    private static final List<String> AFTER_SCORING = List.of("Drop repeated chunks", "Reassemble the dataset",
            "Check the dataset is whole", "Release gate");

    @Test
    void scoreTheSameDatasetsOnOneNodeAndOnTwo() throws Exception {
        final Map<String, Map<String, String>> datasets = new LinkedHashMap<>();
        datasets.put("bench-1.jsonl", CurateAndGateFlow.captions("bench-1", RECORDS / 2));
        datasets.put("bench-2.jsonl", CurateAndGateFlow.captions("bench-2", RECORDS - RECORDS / 2));
        final List<String> lines = new ArrayList<>();
        for (final int count : List.of(1, 2)) {
            final Path run = Files.createDirectories(CurateAndGateFlow.HOME.getParent().resolve("nifi-run"))
                    .resolve("bench-" + count + "-" + System.currentTimeMillis());
            final List<NiFiServer> nodes = new ArrayList<>();
            try {
                if (count == 1) {
                    final Path node = Files.createDirectories(run.resolve("node1"));
                    nodes.add(NiFiServer.start(CurateAndGateFlow.HOME, node, CurateAndGateFlow.serverEnvironment(node),
                            List.of("-Xms256m", "-Xmx640m", "-Dai.djl.pytorch.num_threads=1",
                                    "-Dai.djl.pytorch.num_interop_threads=1"), Duration.ofMinutes(3)));
                } else {
                    nodes.addAll(LocalCluster.start(run, count));
                }
                lines.add(measure(nodes.get(0), run, datasets, count));
            } finally {
                nodes.forEach(NiFiServer::close);
                NiFiServer.deleteRecursively(run);
            }
        }
        System.out.println("\n=== ScaleOutBenchmark: " + RECORDS + " records, " + CHUNK_RECORDS + " per chunk, tiny-init, "
                + GENERATIONS + " generations x " + STEPS + " steps, " + Runtime.getRuntime().availableProcessors()
                + " cores ===");
        lines.forEach(System.out::println);
    }

    private static String measure(final NiFiServer nifi, final Path run, final Map<String, Map<String, String>> datasets,
                                  final int count) throws Exception {
        final Path data = run.resolve("data");
        final String group = CurateAndGateFlow.deploy(nifi,
                CurateAndGateFlow.parameters(run, 1e9, GENERATIONS, STEPS, CHUNK_RECORDS));
        final String score = CurateAndGateFlow.processorId(nifi, group, SCORE);
        final String queue = CurateAndGateFlow.connectionInto(nifi, group, SCORE);
        CurateAndGateFlow.setGroupState(nifi, group, "RUNNING");
        CurateAndGateFlow.setProcessorState(nifi, score, "STOPPED");
        for (final Map.Entry<String, Map<String, String>> dataset : datasets.entrySet()) {
            CurateAndGateFlow.writeDataset(data.resolve("incoming").resolve(dataset.getKey()), dataset.getValue());
        }
        final int chunks = datasets.values().stream().mapToInt(d -> (d.size() + CHUNK_RECORDS - 1) / CHUNK_RECORDS).sum();
        nifi.await("all chunks queued", WAIT, () -> CurateAndGateFlow.perNode(nifi, "connections", queue, "flowFilesQueued")
                .values().stream().mapToLong(n -> n).sum() == chunks);
        final long start = System.nanoTime();
        CurateAndGateFlow.setProcessorState(nifi, score, "RUNNING");
        CurateAndGateFlow.awaitReports(nifi, data, datasets.size(), WAIT);
        final double wall = (System.nanoTime() - start) / 1e9;
        final Map<Integer, Long> chunksPerNode = CurateAndGateFlow.perNode(nifi, "processors", score, "flowFilesIn");
        final Map<Integer, Long> scoringNanos = CurateAndGateFlow.perNode(nifi, "processors", score, "tasksDurationNanos");
        long afterNanos = 0;
        for (final String name : AFTER_SCORING) {
            afterNanos += CurateAndGateFlow.perNode(nifi, "processors", CurateAndGateFlow.processorId(nifi, group, name),
                    "tasksDurationNanos").values().stream().mapToLong(n -> n).sum();
        }
        final long totalScoring = scoringNanos.values().stream().mapToLong(n -> n).sum();
        final int records = datasets.values().stream().mapToInt(Map::size).sum();
        final StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "%d node(s): %d records in %.1f s wall = %.2f records/s in total;", count, records, wall, records / wall));
        chunksPerNode.forEach((port, scored) -> line.append(String.format(Locale.ROOT,
                " node %s: %d of %d chunks (%.0f %%), %.2f records/s of wall time, %.1f s of scoring tasks;",
                port < 0 ? "1" : String.valueOf(port), scored, chunks, 100.0 * scored / chunks,
                Math.min(records, scored * CHUNK_RECORDS) / wall, scoringNanos.get(port) / 1e9)));
        line.append(String.format(Locale.ROOT, " merge + check + gate %.2f s = %.2f %% of scoring time",
                afterNanos / 1e9, 100.0 * afterNanos / totalScoring));
        return line.toString();
    }
}
