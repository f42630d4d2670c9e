package io.memaudit.nifi.server;

import static io.memaudit.nifi.server.CurateAndGateFlow.SCORE;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
 * flows/curate-and-gate.json in a real NiFi 2.3.0 server with the memaudit NARs from this build: uploaded through the REST
 * API, parameters set, services enabled (the model service loads models/tiny-init through DJL inside NiFi), group started,
 * two small JSON Lines datasets with {@code ___} markers dropped into the input directory. The test predicts every outcome
 * with memaudit-core first and puts the Memorization Threshold just below the highest score, so exactly one record is
 * memorized: its dataset must be rejected, the other approved.
 *
 * <p>On the way the server is killed with SIGKILL while it holds queued chunks and has scored some: ScoreMemorization is
 * stopped until every chunk is queued, started, and the JVM killed once it has scored a chunk and chunks are still queued.
 * Restarted on the same repositories, it must reach exactly the end state of an uninterrupted run (NiFi's FlowFile and
 * content repositories promise that; the test proves the memaudit processors keep the promise: no state held only in
 * memory, no output written outside a session commit).
 *
 * <p>Then one scored chunk is delivered twice (replayed from provenance into ScoreMemorization's queue, as NiFi's
 * at-least-once load balancing can deliver it after a node is killed mid-transfer): "Drop repeated chunks" must route it
 * to 'duplicate' and the end state must not change.
 *
 * <p>The test JVM and NiFi run with no network (see {@link NoNetwork}) and NiFi with an empty DJL cache: the model service
 * must load libtorch from its NAR and stay offline on its own. The input files are named like a hospital's exports (with
 * an accession number), and a third one that is not JSON goes to failure at the end; then neither a prompt nor a file name
 * may be anywhere in NiFi's logs, the bulletins or the gate reports ({@link LeakScan}).
 */
class CurateAndGateInNiFiIT {
    private static final int GENERATIONS = 2;
    private static final int STEPS = 25;
    private static final int CHUNK_RECORDS = 2;
    private static final String UNREADABLE = CurateAndGateFlow.fileName("ward-c");
    private static final String UNREADABLE_PROMPT = "Tension pneumothorax; Dr. ___ paged to the bedside";

    @Test
    void theFlowGatesEachDatasetExactlyOnceEvenWhenTheServerIsKilledMidFlow() throws Exception {
        final boolean offline = NoNetwork.check();
        final Map<String, Map<String, String>> datasets = new LinkedHashMap<>();
        datasets.put(CurateAndGateFlow.fileName("ward-a"), CurateAndGateFlow.captions("ward-a", 10));
        datasets.put(CurateAndGateFlow.fileName("ward-b"), CurateAndGateFlow.captions("ward-b", 10));
        final Map<String, String> all = new LinkedHashMap<>();
        datasets.values().forEach(all::putAll);
        final Map<String, Double> expectedScores = CurateAndGateFlow.predictScores(all, GENERATIONS, STEPS);
        final double threshold = CurateAndGateFlow.thresholdBelowTop(expectedScores, 1);
        final int chunks = datasets.values().stream().mapToInt(d -> (d.size() + CHUNK_RECORDS - 1) / CHUNK_RECORDS).sum();

        final Path run = Files.createDirectories(CurateAndGateFlow.HOME.getParent().resolve("nifi-run"))
                .resolve("run-" + System.currentTimeMillis());
        final Path data = run.resolve("data");
        final Path node = Files.createDirectories(run.resolve("node"));
        final List<JsonNode> bulletins = new ArrayList<>();
        final Instant started = Instant.now();
        try (NiFiServer nifi = NiFiServer.start(CurateAndGateFlow.HOME, node, CurateAndGateFlow.serverEnvironment(node),
                List.of("-Xms256m", "-Xmx768m"), Duration.ofMinutes(3))) {
            System.out.println("NiFi up after " + Duration.between(started, Instant.now()).toSeconds() + " s in " + run);
            NoNetwork.assertShared(offline, nifi.pid());
            try {
                final String group = CurateAndGateFlow.deploy(nifi,
                        CurateAndGateFlow.parameters(run, threshold, GENERATIONS, STEPS, CHUNK_RECORDS));
                CurateAndGateFlow.assertLibtorchUnpackedFromTheNar(nifi);
                final String score = CurateAndGateFlow.processorId(nifi, group, SCORE);
                final String queue = CurateAndGateFlow.connectionInto(nifi, group, SCORE);
                CurateAndGateFlow.setGroupState(nifi, group, "RUNNING");
                CurateAndGateFlow.setProcessorState(nifi, score, "STOPPED");
                for (final Map.Entry<String, Map<String, String>> dataset : datasets.entrySet()) {
                    CurateAndGateFlow.writeDataset(data.resolve("incoming").resolve(dataset.getKey()), dataset.getValue());
                }
                nifi.await("all " + chunks + " chunks queued before scoring", Duration.ofMinutes(2), () -> CurateAndGateFlow
                        .perNode(nifi, "connections", queue, "flowFilesQueued").values().stream().mapToLong(n -> n).sum() == chunks);
                CurateAndGateFlow.setProcessorState(nifi, score, "RUNNING");
                nifi.await("a scored chunk with chunks still queued", Duration.ofMinutes(2),
                        () -> CurateAndGateFlow.perNode(nifi, "processors", score, "flowFilesIn").get(-1) > 0);
                final long queued = CurateAndGateFlow.perNode(nifi, "connections", queue, "flowFilesQueued").get(-1);
                assertTrue(queued > 0, "the kill must find chunks still queued (scoring was too fast to catch)");
                bulletins.add(CurateAndGateFlow.bulletins(nifi)); // NiFi keeps them in memory only
                nifi.kill();
                final Instant killed = Instant.now();
                nifi.restart();
                nifi.waitUntilUp(Duration.ofMinutes(3), true);
                NoNetwork.assertShared(offline, nifi.pid());
                CurateAndGateFlow.awaitReports(nifi, data, datasets.size(), Duration.ofMinutes(4));
                System.out.println("Single node SIGKILLed with " + queued + " of " + chunks + " chunks queued; back and "
                        + "every dataset gated " + Duration.between(killed, Instant.now()).toSeconds() + " s after the kill");
                Thread.sleep(2000); // a duplicate, if the flow made one, would land now
                CurateAndGateFlow.setGroupState(nifi, group, "STOPPED");
                CurateAndGateFlow.assertEndState(data, datasets, expectedScores, threshold);

                // a scored chunk delivered twice (NiFi's at-least-once): dropped before the merge, the end state unchanged
                CurateAndGateFlow.setGroupState(nifi, group, "RUNNING");
                CurateAndGateFlow.replayAScoredChunk(nifi, group);
                Thread.sleep(2000);
                CurateAndGateFlow.setGroupState(nifi, group, "STOPPED");
                CurateAndGateFlow.assertEndState(data, datasets, expectedScores, threshold);
                System.out.println("A scored chunk replayed from provenance was dropped as a repeat; end state unchanged");

                // a dataset that is not JSON: its failure (log line, bulletin) must not quote it either
                CurateAndGateFlow.setGroupState(nifi, group, "RUNNING");
                CurateAndGateFlow.writeAtomically(data.resolve("incoming").resolve(UNREADABLE),
                        "{\"image\":\"ward-c/p1/s1/view1.jpg\",\"prompt\":\"" + UNREADABLE_PROMPT + "\n");
                nifi.await("the unreadable dataset in failure", Duration.ofMinutes(2),
                        () -> Files.exists(data.resolve("failure").resolve(UNREADABLE)));
                final JsonNode board = CurateAndGateFlow.bulletins(nifi);
                bulletins.add(board);
                assertTrue(board.findValuesAsText("sourceName").contains("Randomize markers"),
                        "a bulletin about the unreadable dataset: " + board);
                CurateAndGateFlow.setGroupState(nifi, group, "STOPPED");
                final Map<String, String> prompts = new LinkedHashMap<>(all);
                prompts.put("ward-c/p1/s1/view1.jpg", UNREADABLE_PROMPT);
                final List<String> fileNames = new ArrayList<>(datasets.keySet());
                fileNames.add(UNREADABLE);
                CurateAndGateFlow.assertNothingLeaked(CurateAndGateFlow.leakScan(prompts, fileNames), List.of(nifi), bulletins,
                        data);
                System.out.println("curate-and-gate with a SIGKILL ran in NiFi in "
                        + Duration.between(started, Instant.now()).toSeconds() + " s (server starts included)");
            } catch (final AssertionError | RuntimeException e) {
                System.err.println("--- NiFi log tail ---\n" + nifi.logTail(120));
                throw e;
            }
        } finally {
            NiFiServer.deleteRecursively(run);
        }
    }
}
