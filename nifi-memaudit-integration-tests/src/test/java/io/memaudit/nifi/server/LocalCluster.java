package io.memaudit.nifi.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A NiFi 2.3.0 cluster on 127.0.0.1 from the server Maven assembles: each node a {@link NiFiServer} with its own directory
 * and ports (HTTP without login, cluster protocol, load balancing), coordinated through the ZooKeeper NiFi embeds, started
 * on node 1 ({@code nifi.state.management.embedded.zookeeper.start}); the flow election waits for every node
 * ({@code max.candidates}) and no longer.
 */
final class LocalCluster {
    private LocalCluster() {
    }

    /** Starts {@code count} nodes under {@code run}/node1.. and waits until every node sees all of them connected. */
    static List<NiFiServer> start(final Path run, final int count) throws IOException {
        final int zooKeeper = NiFiServer.freePort();
        final List<NiFiServer> nodes = new ArrayList<>();
        try {
            for (int node = 1; node <= count; node++) {
                nodes.add(launchNode(run.resolve("node" + node), node, zooKeeper, count));
            }
            for (final NiFiServer node : nodes) {
                node.waitUntilUp(Duration.ofMinutes(5), false);
            }
            for (final NiFiServer node : nodes) {
                node.await("a " + count + "-node cluster, as node " + node.port() + " sees it", Duration.ofMinutes(5),
                        () -> connected(node, count));
            }
            return nodes;
        } catch (final RuntimeException | Error | IOException e) {
            for (final NiFiServer node : nodes) {
                System.err.println("--- node " + node.port() + " log tail ---\n" + node.logTail(80));
                node.close();
            }
            throw e;
        }
    }

    static NiFiServer launchNode(final Path directory, final int node, final int zooKeeper,
                                  final int count)
            throws IOException {
        Files.createDirectories(directory);
        final boolean withZooKeeper = node == 1;
        final Map<String, String> properties = new LinkedHashMap<>();
        if (node > 1) {
            // nodes starting together must not unpack the same NARs into one directory
            properties.put("nifi.nar.working.directory",
                    CurateAndGateFlow.HOME.resolve("work/nar-node" + node).toAbsolutePath().toString());
        }
        properties.put("nifi.cluster.is.node", "true");
        properties.put("nifi.cluster.node.address", "127.0.0.1");
        properties.put("nifi.cluster.node.protocol.port", String.valueOf(NiFiServer.freePort()));
        properties.put("nifi.cluster.node.protocol.max.threads", "20");
        properties.put("nifi.cluster.node.connection.timeout", "10 secs");
        properties.put("nifi.cluster.node.read.timeout", "30 secs");
        properties.put("nifi.cluster.protocol.heartbeat.interval", "3 sec");
        properties.put("nifi.cluster.protocol.heartbeat.missable.max", "8");
        properties.put("nifi.cluster.flow.election.max.wait.time", "1 min");
        properties.put("nifi.cluster.flow.election.max.candidates", String.valueOf(count));
        properties.put("nifi.cluster.load.balance.host", "127.0.0.1");
        properties.put("nifi.cluster.load.balance.port", String.valueOf(NiFiServer.freePort()));
        properties.put("nifi.cluster.load.balance.connections.per.node", "1");
        properties.put("nifi.cluster.load.balance.max.thread.count", "4");
        properties.put("nifi.cluster.leader.election.implementation", "CuratorLeaderElectionManager");
        properties.put("nifi.zookeeper.connect.string", "127.0.0.1:" + zooKeeper);
        properties.put("nifi.zookeeper.connect.timeout", "30 secs");
        properties.put("nifi.zookeeper.session.timeout", "30 secs");
        properties.put("nifi.zookeeper.root.node", "/nifi");
        properties.put("nifi.state.management.provider.cluster", "zk-provider");
        properties.put("nifi.state.management.embedded.zookeeper.start", String.valueOf(withZooKeeper));
        properties.put("nifi.state.management.embedded.zookeeper.properties", "./conf/zookeeper.properties");
        final Map<String, String> files = new LinkedHashMap<>();
        files.put("state-management.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <stateManagement>
                    <local-provider>
                        <id>local-provider</id>
                        <class>org.apache.nifi.controller.state.providers.local.WriteAheadLocalStateProvider</class>
                        <property name="Directory">./state/local</property>
                        <property name="Always Sync">false</property>
                        <property name="Partitions">16</property>
                        <property name="Checkpoint Interval">2 mins</property>
                    </local-provider>
                    <cluster-provider>
                        <id>zk-provider</id>
                        <class>org.apache.nifi.controller.state.providers.zookeeper.ZooKeeperStateProvider</class>
                        <property name="Connect String">127.0.0.1:%d</property>
                        <property name="Root Node">/nifi</property>
                        <property name="Session Timeout">30 seconds</property>
                        <property name="Access Control">Open</property>
                    </cluster-provider>
                </stateManagement>
                """.formatted(zooKeeper));
        if (withZooKeeper) {
            files.put("zookeeper.properties", """
                    tickTime=2000
                    initLimit=10
                    syncLimit=5
                    dataDir=./state/zookeeper
                    clientPort=%d
                    autopurge.snapRetainCount=3
                    autopurge.purgeInterval=24
                    """.formatted(zooKeeper));
        }
        return NiFiServer.launch(CurateAndGateFlow.HOME, directory,
                CurateAndGateFlow.serverEnvironment(directory),
                List.of("-Xms256m", "-Xmx640m", "-Dzookeeper.admin.enableServer=false",
                        "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"),
                NiFiServer.freePort(), properties, files);
    }

    /** Whether {@code node} is connected to a cluster of {@code nodes} connected nodes. */
    static boolean connected(final NiFiServer node, final int nodes) {
        final JsonNode summary = node.clusterSummary();
        return summary.path("connectedToCluster").asBoolean() && summary.path("connectedNodeCount").asInt() == nodes;
    }

}
