package io.memaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memaudit.diffusion.TorchRuntime;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code memaudit doctor}, and the installed-libtorch path (PYTORCH_LIBRARY_PATH + PYTORCH_FLAVOR) that a GPU node uses,
 * exercised here with the CPU libtorch DJL already extracted, laid out as pip installs torch, in a separate JVM.
 */
class DoctorCommandTest {
    private static final String TINY = Path.of("..", "models", "tiny-init").toString();
    private static final Pattern DMEM = Pattern.compile("dmem_first_step=(\\S+) dmem=(\\S+)");

    @TempDir
    Path directory;

    /** The links point outside the temporary folder: remove them before JUnit does (it warns about each). */
    @AfterEach
    void removeLinks() throws IOException {
        final Path lib = directory.resolve("site-packages").resolve("torch").resolve("lib");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> files = Files.list(lib)) {
                for (final Path file : files.toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    private String doctorHere(final int expectedExit, final String... args) {
        final StringWriter out = new StringWriter();
        final CommandLine commandLine = MemauditCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        final List<String> all = new ArrayList<>(List.of("doctor"));
        all.addAll(List.of(args));
        assertEquals(expectedExit, commandLine.execute(all.toArray(String[]::new)), out.toString());
        return out.toString();
    }

    /** Runs {@code memaudit doctor ARGS} in a new JVM with these environment variables. */
    private static Result doctorInNewJvm(final Map<String, String> environment, final String... args)
            throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                MemauditCommand.class.getName(), "doctor"));
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("PYTORCH_"));
        builder.environment().putAll(environment);
        final Process process = builder.start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), output);
    }

    private record Result(int exit, String output) {
    }

    /** The CPU libtorch DJL extracted, linked into a pip-style torch/lib with torch/version.py saying {@code version}. */
    private Path pipStyleTorch(final String version) throws Exception {
        final Path extracted = Path.of(TorchRuntime.report().libtorchPath());
        final Path lib = Files.createDirectories(directory.resolve("site-packages").resolve("torch").resolve("lib"));
        try (Stream<Path> files = Files.list(extracted)) {
            for (final Path file : files.toList()) {
                if (!file.getFileName().toString().endsWith(System.mapLibraryName("djl_torch"))) {
                    Files.createSymbolicLink(lib.resolve(file.getFileName()), file.toAbsolutePath());
                }
            }
        }
        Files.writeString(lib.getParent().resolve("version.py"), "__version__ = '" + version + "'\n");
        return lib;
    }

    private static double[] probeValues(final String output) {
        final Matcher matcher = DMEM.matcher(output);
        assertTrue(matcher.find(), output);
        return new double[] {Double.parseDouble(matcher.group(1)), Double.parseDouble(matcher.group(2))};
    }

    @Test
    void doctorReportsTheEngineTheBundleAndAProbe() {
        final String output = doctorHere(0, "--model", TINY, "--device", "cpu", "--steps", "3");
        assertTrue(output.contains("libtorch source: bundled CPU libtorch"), output);
        assertTrue(output.contains("engine: PyTorch 2.7.1, flavor cpu"), output);
        assertTrue(output.contains("offline: yes"), output);
        assertTrue(output.contains("6 files match bundle.json's sha256"), output);
        assertTrue(probeValues(output)[1] > 0, output);
        assertTrue(output.contains("all checks passed"), output);
    }

    @Test
    void aChangedBundleFileFailsTheHashCheck() throws IOException {
        final Path copy = Files.createDirectories(directory.resolve("bundle"));
        try (Stream<Path> files = Files.list(Path.of(TINY))) {
            for (final Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        Files.writeString(copy.resolve("tokenizer.json"), Files.readString(copy.resolve("tokenizer.json")) + " ");
        final String output = doctorHere(1, "--model", copy.toString(), "--device", "cpu", "--steps", "2");
        assertTrue(output.contains("tokenizer.json: SHA-256") && output.contains("does not match bundle.json"), output);
        assertTrue(output.contains("PROBLEMS found"), output);
    }

    @Test
    void anInstalledLibtorchNamedByPytorchLibraryPathLoadsAndScoresLikeTheBundledOne() throws Exception {
        final double[] bundled = probeValues(doctorHere(0, "--model", TINY, "--device", "cpu", "--steps", "3"));
        final Path lib = pipStyleTorch("2.7.1+cpu");
        final Result installed = doctorInNewJvm(Map.of("PYTORCH_LIBRARY_PATH", lib.toString(), "PYTORCH_FLAVOR", "cpu",
                "DJL_CACHE_DIR", directory.resolve("djl-cache").toString()), "--model", TINY, "--device", "cpu", "--steps", "3");
        assertEquals(0, installed.exit(), installed.output());
        assertTrue(installed.output().contains("libtorch source: installed libtorch at " + lib), installed.output());
        assertTrue(installed.output().contains("installed PyTorch: 2.7.1+cpu"), installed.output());
        assertTrue(installed.output().contains("libtorch at " + lib), "the engine runs on the named libtorch: "
                + installed.output());
        final double[] values = probeValues(installed.output());
        assertEquals(bundled[0], values[0], 1e-6 * Math.abs(bundled[0]), installed.output());
        assertEquals(bundled[1], values[1], 1e-6 * Math.abs(bundled[1]), installed.output());
    }

    @Test
    void aLibtorchOfAnotherVersionOrWithoutAFlavorIsRefusedWithWhatToFix() throws Exception {
        final Path lib = pipStyleTorch("2.6.0+cu124");
        final Result wrongVersion = doctorInNewJvm(Map.of("PYTORCH_LIBRARY_PATH", lib.toString(), "PYTORCH_FLAVOR", "cu128",
                "DJL_CACHE_DIR", directory.resolve("djl-cache").toString()));
        assertEquals(1, wrongVersion.exit(), wrongVersion.output());
        assertTrue(wrongVersion.output().contains("is PyTorch 2.6.0+cu124, but the bundled pytorch-jni 2.7.1-0.36.0 works "
                + "with PyTorch 2.7.1 only; install torch==2.7.1"), wrongVersion.output());
        assertTrue(wrongVersion.output().contains("engine: NOT LOADED"), wrongVersion.output());

        final Result noFlavor = doctorInNewJvm(Map.of("PYTORCH_LIBRARY_PATH", lib.toString(),
                "DJL_CACHE_DIR", directory.resolve("djl-cache").toString()));
        assertEquals(1, noFlavor.exit(), noFlavor.output());
        assertTrue(noFlavor.output().contains("PYTORCH_FLAVOR is not set"), noFlavor.output());
    }
}
