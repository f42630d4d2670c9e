package io.memaudit.nifi.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

/**
 * Whether the real-server tests run with no network, as failsafe starts them: through {@code src/test/no-network-jdk/bin/java},
 * which runs the test JVM in a network namespace where only loopback is up and says so in {@code MEMAUDIT_NETWORK}. The NiFi
 * servers a test starts are its child processes, in the same namespace, so neither can download anything: DJL must find
 * libtorch in the service NAR, the tokenizer's native library in its jar, and the model in the bundle directory.
 */
final class NoNetwork {
    /** The environment variable the wrapper sets: "loopback only (...)" in the namespace, "host (why)" otherwise. */
    static final String VARIABLE = "MEMAUDIT_NETWORK";
    /** An address outside loopback that no test needs (TEST-NET-1, RFC 5737). */
    private static final InetSocketAddress OUTSIDE = new InetSocketAddress("192.0.2.1", 443);

    private NoNetwork() {
    }

    /**
     * Where the wrapper made a namespace, asserts that it holds no network: every interface is loopback, and a TCP connect
     * to an outside address fails at once as unreachable (not refused, which needs a route, and not timed out). Elsewhere
     * prints, without failing, that offline was not proven: CI containers may forbid namespaces.
     *
     * @return whether offline is proven for this JVM and its child processes
     */
    static boolean check() {
        return check(System.getenv(VARIABLE));
    }

    /** {@link #check()} with the value of {@link #VARIABLE} given (null: unset). */
    static boolean check(final String network) {
        if (network == null || !network.startsWith("loopback only")) {
            System.out.println("OFFLINE NOT PROVEN: this test JVM has the host's network (" + VARIABLE + "="
                    + (network == null ? "unset: not started through src/test/no-network-jdk/bin/java" : network) + ")");
            return false;
        }
        final List<String> interfaces;
        try {
            interfaces = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .filter(NoNetwork::notLoopback).map(NetworkInterface::getName).toList();
        } catch (final SocketException e) {
            throw new IllegalStateException("cannot list the network interfaces", e);
        }
        assertEquals(List.of(), interfaces, "interfaces other than loopback in a namespace that should have none");
        final Instant started = Instant.now();
        try (Socket socket = new Socket()) {
            socket.connect(OUTSIDE, 5000);
            fail("connected to " + OUTSIDE + ": the network is reachable");
        } catch (final SocketTimeoutException | ConnectException e) {
            fail("a connect to " + OUTSIDE + " should find no route, not " + e + ": there is a network", e);
        } catch (final IOException expected) {
            final Duration took = Duration.between(started, Instant.now());
            assertTrue(took.toMillis() < 2000, "the connect failed only after " + took.toMillis() + " ms: " + expected);
            System.out.println("Offline proven: only loopback in this JVM's network namespace (" + network + "); a connect "
                    + "to " + OUTSIDE + " failed in " + took.toMillis() + " ms (" + expected.getMessage() + ")");
        }
        return true;
    }

    /** Where offline is proven, asserts that the process {@code pid} (a NiFi server) shares this JVM's network namespace. */
    static void assertShared(final boolean proven, final long pid) {
        if (!proven) {
            return;
        }
        try {
            final Path own = Files.readSymbolicLink(Path.of("/proc/self/ns/net"));
            final Path its = Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "ns", "net"));
            assertEquals(own, its, "process " + pid + " is in another network namespace");
        } catch (final IOException e) {
            throw new IllegalStateException("cannot read the network namespace of process " + pid, e);
        }
    }

    private static boolean notLoopback(final NetworkInterface networkInterface) {
        try {
            return !networkInterface.isLoopback();
        } catch (final SocketException e) {
            throw new IllegalStateException("cannot read interface " + networkInterface.getName(), e);
        }
    }
}
