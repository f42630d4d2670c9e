package io.memaudit.nifi.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The no-network check of the real-server tests fails where there is a network, and says when it cannot prove anything. */
class NoNetworkTest {

    @Test
    void aNamespaceClaimedWhereTheHostsNetworkIsVisibleFails() throws SocketException {
        // unit tests run without the wrapper, so on a machine with a network this JVM sees a non-loopback interface
        assumeTrue(Collections.list(NetworkInterface.getNetworkInterfaces()).stream().anyMatch(NoNetworkTest::notLoopback),
                "this JVM has no network either: nothing to catch");
        assertThrows(AssertionFailedError.class, () -> NoNetwork.check("loopback only (claimed by this test)"));
    }

    @Test
    void withoutTheWrapperOfflineIsNotProvenAndNothingFails() {
        assertFalse(NoNetwork.check(null));
        assertFalse(NoNetwork.check("host (unshare -n and unshare -rn with ip link set lo up are not permitted here)"));
    }

    private static boolean notLoopback(final NetworkInterface networkInterface) {
        try {
            return !networkInterface.isLoopback();
        } catch (final SocketException e) {
            throw new IllegalStateException(e);
        }
    }
}
