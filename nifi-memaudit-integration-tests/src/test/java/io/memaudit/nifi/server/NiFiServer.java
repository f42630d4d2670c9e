package io.memaudit.nifi.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A real Apache NiFi server, launched as {@code java -cp conf:lib/* org.apache.nifi.NiFi} (nifi-bootstrap is not on Maven
 * Central) over a {@code lib/} that Maven assembled, with a configuration of its own in a fresh run directory: HTTP on
 * 127.0.0.1 at a free port, no login. {@link #close()} stops the process and deletes the run directory; a JVM shutdown hook
 * does the same if the test never gets there. Its log is {@code logs/nifi.log} in the run directory; {@link #logTail} gives
 * the end of it for failure messages.
 */
public final class NiFiServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(500);
    private static final java.util.Random RANDOM = new java.security.SecureRandom();

    private final Path runDirectory;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Thread shutdownHook;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;
    private final URI api;
    private volatile Process process;

    private NiFiServer(final Path runDirectory, final List<String> command, final Map<String, String> environment,
                       final int port) {
        this.runDirectory = runDirectory;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.port = port;
        this.api = URI.create("http://127.0.0.1:" + port + "/nifi-api/");
        this.shutdownHook = new Thread(this::stopProcessAndDelete, "stop NiFi " + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts NiFi and waits until its REST API answers.
     *
     * @param home          the assembled NiFi: {@code lib/} (framework jars and every NAR), {@code work/nar} reused between runs
     * @param runDirectory  an empty directory for this server's configuration, repositories and log
     * @param environment   extra environment variables of the NiFi process (e.g. DJL_CACHE_DIR)
     * @param javaOptions   extra JVM options (heap, system properties)
     * @param startTimeout  how long to wait for the REST API
     */
    public static NiFiServer start(final Path home, final Path runDirectory, final Map<String, String> environment,
                                   final List<String> javaOptions, final Duration startTimeout) throws IOException {
        final NiFiServer server = launch(home, runDirectory, environment, javaOptions, freePort(), Map.of(), Map.of());
        try {
            server.waitUntilUp(startTimeout, true);
        } catch (final RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Writes the configuration and starts NiFi without waiting for it (a cluster node waits for its peers): HTTP on
     * {@code port}, {@code properties} replacing or adding nifi.properties entries (cluster, ZooKeeper, load balancing),
     * {@code confFiles} written into {@code conf/} by name, replacing the test resources of the same name.
     */
    public static NiFiServer launch(final Path home, final Path runDirectory, final Map<String, String> environment,
                                    final List<String> javaOptions, final int port, final Map<String, String> properties,
                                    final Map<String, String> confFiles) throws IOException {
        final Path lib = home.resolve("lib").toAbsolutePath();
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException(lib + ": missing; it is assembled by maven-dependency-plugin in the "
                    + "pre-integration-test phase (run ./mvnw -B verify -pl nifi-memaudit-integration-tests -am)");
        }
        final Path conf = Files.createDirectories(runDirectory.resolve("conf"));
        Files.createDirectories(runDirectory.resolve("logs"));
        String nifiProperties = resource("nifi.properties")
                .replace("${lib.directory}", lib.toString())
                .replace("${nar.working.directory}", home.resolve("work/nar").toAbsolutePath().toString())
                .replace("${http.port}", String.valueOf(port))
                .replace("${sensitive.props.key}", HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8)));
        for (final Map.Entry<String, String> property : properties.entrySet()) {
            final java.util.regex.Matcher line = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(
                    property.getKey()) + "=.*$").matcher(nifiProperties);
            final String replacement = property.getKey() + "=" + property.getValue();
            nifiProperties = line.find() ? line.replaceFirst(java.util.regex.Matcher.quoteReplacement(replacement))
                    : nifiProperties + "\n" + replacement + "\n";
        }
        Files.writeString(conf.resolve("nifi.properties"), nifiProperties);
        Files.writeString(conf.resolve("logback.xml"), resource("logback.xml"));
        Files.writeString(conf.resolve("state-management.xml"), resource("state-management.xml"));
        for (final Map.Entry<String, String> file : confFiles.entrySet()) {
            Files.writeString(conf.resolve(file.getKey()), file.getValue());
        }

        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        // NiFi 2's management (health) server listens on 127.0.0.1:52020 unless this system property (set by nifi-bootstrap
        // in a normal install) says otherwise: two servers on one machine must not share it
        command.add("-Dorg.apache.nifi.management.server.address=127.0.0.1:" + freePort());
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true",
                "-Dnifi.properties.file.path=" + conf.resolve("nifi.properties"),
                "-Dlogback.configurationFile=" + conf.resolve("logback.xml"),
                "-cp", conf + java.io.File.pathSeparator + lib + "/*", "org.apache.nifi.NiFi"));
        final NiFiServer server = new NiFiServer(runDirectory, command, environment, port);
        server.process = server.startProcess();
        return server;
    }

    private Process startProcess() throws IOException {
        final ProcessBuilder builder = new ProcessBuilder(command).directory(runDirectory.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(runDirectory.resolve("logs/nifi.log").toFile()));
        builder.environment().putAll(environment);
        return builder.start();
    }

    /**
     * A free TCP port on the loopback interface (for a node's HTTP, cluster protocol, load-balance, management and ZooKeeper
     * ports), picked below Linux's ephemeral range (32768-60999): a server binds its ports long after they are picked, and
     * a port from the ephemeral range may meanwhile be taken by some process's outgoing connection.
     */
    public static int freePort() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            final int port = 20000 + RANDOM.nextInt(12000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (final IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in 20000-31999 on the loopback interface after 200 attempts");
    }

    /** The process id of NiFi's JVM (it changes with {@link #restart()}). */
    public long pid() {
        return process.pid();
    }

    /** The run directory: configuration, repositories and {@code logs/}. */
    public Path runDirectory() {
        return runDirectory;
    }

    /** This server's HTTP port. */
    public int port() {
        return port;
    }

    /**
     * Kills NiFi's JVM with SIGKILL (no shutdown hook, no graceful stop: what a power cut or the OOM killer does) and waits
     * until it is gone; fails unless the JVM died of signal 9 (exit status 137).
     */
    public void kill() {
        final Process running = process;
        running.destroyForcibly();
        try {
            if (!running.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("NiFi (pid " + running.pid() + ") still alive 30 s after SIGKILL");
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (running.exitValue() != 128 + 9) {
            throw new AssertionError("NiFi (pid " + running.pid() + ") exited with " + running.exitValue()
                    + ", not 137 (killed by SIGKILL)");
        }
    }

    /** Starts NiFi again on the same configuration, repositories and port, after {@link #kill()}; does not wait. */
    public void restart() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException("NiFi is still running");
        }
        process = startProcess();
    }

    private static String resource(final String name) throws IOException {
        try (InputStream in = NiFiServer.class.getResourceAsStream("/nifi-conf/" + name)) {
            if (in == null) {
                throw new IllegalStateException("nifi-conf/" + name + " is missing from the test resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Waits until NiFi's HTTP server answers: with {@code ok} an HTTP 200 from flow/about (a standalone server is ready),
     * else any HTTP answer (a cluster node answers 409 until it has joined; wait for that with {@link #clusterSummary}).
     */
    public void waitUntilUp(final Duration timeout, final boolean ok) {
        await("NiFi's REST API at " + api, timeout, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("NiFi exited with code " + process.exitValue() + " while starting\n" + logTail(80));
            }
            try {
                final int status = http.send(HttpRequest.newBuilder(api.resolve("flow/about")).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                return ok ? status == 200 : status > 0;
            } catch (final ConnectException e) {
                return false;
            } catch (final IOException e) {
                return false;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    /** Polls {@code condition} every half second until it holds; fails with {@code what}, the time and NiFi's log tail. */
    public void await(final String what, final Duration timeout, final BooleanSupplier condition) {
        final Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + "\n--- NiFi log tail ---\n" + logTail(60));
            }
            try {
                Thread.sleep(POLL);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** This node's view of the cluster (flow/cluster/summary), or an empty object while it does not answer 200. */
    public JsonNode clusterSummary() {
        try {
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(api.resolve("flow/cluster/summary"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()).path("clusterSummary") : JSON.createObjectNode();
        } catch (final IOException e) {
            return JSON.createObjectNode();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GET {@code path} (relative to /nifi-api/), which must answer 200. */
    public JsonNode get(final String path) {
        return send(HttpRequest.newBuilder(api.resolve(path)).GET());
    }

    /** PUT {@code body} as JSON to {@code path}. */
    public JsonNode put(final String path, final JsonNode body) {
        return send(HttpRequest.newBuilder(api.resolve(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** POST {@code body} as JSON to {@code path}. */
    public JsonNode post(final String path, final JsonNode body) {
        return send(HttpRequest.newBuilder(api.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** DELETE {@code path}. */
    public JsonNode delete(final String path) {
        return send(HttpRequest.newBuilder(api.resolve(path)).DELETE());
    }

    /**
     * Uploads a flow definition as a new process group under {@code parentGroupId} ("Upload flow definition" in the UI) and
     * returns the new group's entity.
     */
    public JsonNode uploadFlowDefinition(final String parentGroupId, final String groupName, final byte[] definition) {
        final String boundary = "memaudit-" + UUID.randomUUID();
        final StringBuilder fields = new StringBuilder();
        for (final Map.Entry<String, String> field : Map.of("groupName", groupName, "positionX", "0", "positionY", "0",
                "clientId", UUID.randomUUID().toString()).entrySet()) {
            fields.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(field.getKey())
                    .append("\"\r\n\r\n").append(field.getValue()).append("\r\n");
        }
        fields.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"flow.json\"")
                .append("\r\nContent-Type: application/json\r\n\r\n");
        final byte[] head = fields.toString().getBytes(StandardCharsets.UTF_8);
        final byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        final byte[] body = new byte[head.length + definition.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(definition, 0, body, head.length, definition.length);
        System.arraycopy(tail, 0, body, head.length + definition.length, tail.length);
        return send(HttpRequest.newBuilder(api.resolve("process-groups/" + parentGroupId + "/process-groups/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private JsonNode send(final HttpRequest.Builder request) {
        final HttpRequest built = request.timeout(Duration.ofSeconds(60)).build();
        try {
            final HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new AssertionError(built.method() + " " + built.uri() + " answered " + response.statusCode() + ": "
                        + response.body() + "\n--- NiFi log tail ---\n" + logTail(40));
            }
            return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (final IOException e) {
            throw new UncheckedIOException(built.method() + " " + built.uri() + " failed", e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A new JSON object, for request bodies. */
    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** The last {@code lines} lines of NiFi's log. */
    public String logTail(final int lines) {
        try {
            final List<String> all = Files.readAllLines(runDirectory.resolve("logs/nifi.log"), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (final IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops NiFi (SIGTERM, then SIGKILL after 20 s) and deletes the run directory. */
    @Override
    public void close() {
        stopProcessAndDelete();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (final IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run: nothing left to do
        }
    }

    private void stopProcessAndDelete() {
        final Process process = this.process;
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (final InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteRecursively(runDirectory);
    }

    /** Deletes {@code directory} and everything below it; quietly, as a last step of cleaning up. */
    public static void deleteRecursively(final Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (final IOException e) {
            System.err.println("Could not delete " + directory + ": " + e.getMessage());
        }
    }
}
