package io.memaudit.nifi.server;

import static io.memaudit.nifi.server.CurateAndGateFlow.SCORE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * flows/curate-and-gate.json on a two-node NiFi 2.3.0 cluster on 127.0.0.1, from the server Maven assembles: each node with
 * its own directories and ports (HTTP without login, cluster protocol, load balancing), coordinated through the ZooKeeper
 * that NiFi embeds, started on node 1. Through node 1's REST API the flow is uploaded, its model service enabled on both
 * nodes (libtorch loads in each JVM) and datasets dropped in; their chunks are scored on both nodes (round robin),
 * reassembled per dataset on one node and gated there.
 *
 * <p>First three datasets run undisturbed: both nodes must have scored chunks, and each dataset must be gated exactly once
 * on all its records with the predicted dmem, rejected exactly when one of its records is memorized, wherever that record
 * was scored. Then two more datasets are queued with scoring stopped, scoring started, and node 2 killed with SIGKILL once
 * it has scored a chunk of them while it still holds queued chunks; restarted, it rejoins and finishes them: the end state
 * of all five datasets must be the undisturbed one, nothing lost, nothing twice. The recovery time is printed.
 *
 * <p>As in {@link CurateAndGateInNiFiIT}: no network (both nodes in the test JVM's namespace, see {@link NoNetwork}), an
 * empty DJL cache per node, and no prompt and no input file name in the nodes' logs, the bulletins or the gate reports.
 */
class CurateAndGateOnAClusterIT {
    private static final int GENERATIONS = 2;
    private static final int STEPS = 25;
    private static final int CHUNK_RECORDS = 2;
    private static final Duration WAIT = Duration.ofMinutes(6);

    @Test
    void twoNodesScoreChunksOfEveryDatasetAndAKilledNodeRejoinsAndFinishesItsShare() throws Exception {
        final boolean offline = NoNetwork.check();
        final Map<String, Map<String, String>> first = new LinkedHashMap<>();
        for (final String name : List.of("icu-1", "icu-2", "icu-3")) {
            first.put(CurateAndGateFlow.fileName(name), CurateAndGateFlow.captions(name, 8));
        }
        final Map<String, Map<String, String>> second = new LinkedHashMap<>();
        for (final String name : List.of("ward-1", "ward-2")) {
            second.put(CurateAndGateFlow.fileName(name), CurateAndGateFlow.captions(name, 10));
        }
        final Map<String, Map<String, String>> all = new LinkedHashMap<>(first);
        all.putAll(second);
        final Map<String, String> prompts = new LinkedHashMap<>();
        all.values().forEach(prompts::putAll);
        final Map<String, Double> expectedScores = CurateAndGateFlow.predictScores(prompts, GENERATIONS, STEPS);
        final double threshold = CurateAndGateFlow.thresholdBelowTop(expectedScores, 2);

        final Path run = Files.createDirectories(CurateAndGateFlow.HOME.getParent().resolve("nifi-run"))
                .resolve("cluster-" + System.currentTimeMillis());
        final Path data = run.resolve("data");
        final Instant started = Instant.now();
        final List<NiFiServer> nodes = new ArrayList<>();
        final List<JsonNode> bulletins = new ArrayList<>();
        try {
            nodes.addAll(LocalCluster.start(run, 2));
            final NiFiServer node1 = nodes.get(0);
            final NiFiServer node2 = nodes.get(1);
            try {
                System.out.println("Two-node cluster up after " + Duration.between(started, Instant.now()).toSeconds()
                        + " s in " + run);
                nodes.forEach(node -> NoNetwork.assertShared(offline, node.pid()));
                final String group = CurateAndGateFlow.deploy(node1,
                        CurateAndGateFlow.parameters(run, threshold, GENERATIONS, STEPS, CHUNK_RECORDS));
                nodes.forEach(CurateAndGateFlow::assertLibtorchUnpackedFromTheNar);
                final String score = CurateAndGateFlow.processorId(node1, group, SCORE);
                final String queue = CurateAndGateFlow.connectionInto(node1, group, SCORE);
                CurateAndGateFlow.setGroupState(node1, group, "RUNNING");

                // undisturbed: chunks spread over both nodes, each dataset reassembled and gated once
                drop(data, first);
                CurateAndGateFlow.awaitReports(node1, data, first.size(), WAIT);
                final Map<Integer, Long> scoredPerNode = CurateAndGateFlow.perNode(node1, "processors", score, "flowFilesIn");
                final int firstChunks = chunks(first);
                System.out.println("Chunks scored per node (HTTP port: count) " + scoredPerNode + " of " + firstChunks);
                assertEquals(2, scoredPerNode.size(), "status from both nodes: " + scoredPerNode);
                assertTrue(scoredPerNode.values().stream().allMatch(count -> count > 0), "both nodes scored: " + scoredPerNode);
                assertEquals(firstChunks, scoredPerNode.values().stream().mapToLong(n -> n).sum(),
                        "every chunk scored once: " + scoredPerNode);
                CurateAndGateFlow.assertEndState(data, first, expectedScores, threshold);

                // node 2 killed with queued and in-flight chunks, restarted: it rejoins and finishes them
                CurateAndGateFlow.setProcessorState(node1, score, "STOPPED");
                drop(data, second);
                final int secondChunks = chunks(second);
                node1.await("all " + secondChunks + " chunks queued on the two nodes", WAIT, () -> {
                    final Map<Integer, Long> queued = CurateAndGateFlow.perNode(node1, "connections", queue, "flowFilesQueued");
                    return queued.size() == 2 && queued.values().stream().mapToLong(n -> n).sum() == secondChunks;
                });
                final Map<Integer, Long> before = CurateAndGateFlow.perNode(node1, "processors", score, "flowFilesIn");
                CurateAndGateFlow.setProcessorState(node1, score, "RUNNING");
                node1.await("node 2 scoring the second datasets", WAIT, () -> CurateAndGateFlow
                        .perNode(node1, "processors", score, "flowFilesIn").getOrDefault(node2.port(), 0L)
                        > before.getOrDefault(node2.port(), 0L));
                final long queuedOnNode2 = CurateAndGateFlow.perNode(node1, "connections", queue, "flowFilesQueued")
                        .getOrDefault(node2.port(), 0L);
                assertTrue(queuedOnNode2 > 0, "the kill must find chunks queued on node 2 (scoring too fast to catch)");
                bulletins.add(CurateAndGateFlow.bulletins(node1)); // NiFi keeps them in memory only
                node2.kill();
                final Instant killed = Instant.now();
                node2.restart();
                node2.waitUntilUp(Duration.ofMinutes(5), false);
                NoNetwork.assertShared(offline, node2.pid());
                node1.await("node 2 back in the cluster", WAIT,
                        () -> LocalCluster.connected(node1, 2) && LocalCluster.connected(node2, 2));
                final long rejoined = Duration.between(killed, Instant.now()).toSeconds();
                CurateAndGateFlow.awaitReports(node1, data, all.size(), WAIT);
                final long finished = Duration.between(killed, Instant.now()).toSeconds();
                System.out.println("Node 2 SIGKILLed holding " + queuedOnNode2 + " queued chunks (and one in flight); "
                        + "rejoined after " + rejoined + " s, every dataset gated " + finished + " s after the kill");
                Thread.sleep(2000); // a duplicate, if the flow made one, would land now
                CurateAndGateFlow.setGroupState(node1, group, "STOPPED");
                CurateAndGateFlow.assertEndState(data, all, expectedScores, threshold);
                bulletins.add(CurateAndGateFlow.bulletins(node1));
                CurateAndGateFlow.assertNothingLeaked(CurateAndGateFlow.leakScan(prompts, all.keySet()), nodes, bulletins, data);
                System.out.println("Cluster test ran in " + Duration.between(started, Instant.now()).toSeconds()
                        + " s (cluster start included)");
            } catch (final AssertionError | RuntimeException e) {
                for (final NiFiServer node : nodes) {
                    System.err.println("--- node " + node.port() + " log tail ---\n" + node.logTail(100));
                }
                throw e;
            }
        } finally {
            nodes.forEach(NiFiServer::close);
            NiFiServer.deleteRecursively(run);
        }
    }

    private static int chunks(final Map<String, Map<String, String>> datasets) {
        return datasets.values().stream().mapToInt(d -> (d.size() + CHUNK_RECORDS - 1) / CHUNK_RECORDS).sum();
    }

    private static void drop(final Path data, final Map<String, Map<String, String>> datasets) throws IOException {
        for (final Map.Entry<String, Map<String, String>> dataset : datasets.entrySet()) {
            CurateAndGateFlow.writeDataset(data.resolve("incoming").resolve(dataset.getKey()), dataset.getValue());
        }
    }
}
