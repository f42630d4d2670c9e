package io.memaudit.diffusion;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.Utils;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The libtorch that DJL's PyTorch engine runs on, and where it comes from: the CPU libtorch bundled in the jar/NAR
 * ({@code pytorch-native-cpu}), or a libtorch installed on the node (a CUDA build for GPUs) named by DJL's settings:
 * {@code PYTORCH_LIBRARY_PATH} (environment only; DJL otherwise searches the {@code java.library.path} system property),
 * {@code PYTORCH_FLAVOR} and {@code PYTORCH_VERSION} (environment or system property). An installed libtorch must be the
 * PyTorch version the bundled {@code pytorch-jni} was built for, and its flavor must be one that jar carries (cpu,
 * cu128): {@link #check()} says so, naming the setting to fix, before the engine is loaded, because a mismatch inside
 * DJL ends in a download attempt (refused offline) or an unresolved native symbol.
 */
public final class TorchRuntime {
    static {
        // The NAR and the CLI must never reach the network (also set by DiffusionModel).
        System.setProperty("ai.djl.offline", "true");
    }

    private static final Pattern PIP_VERSION = Pattern.compile("__version__\\s*=\\s*['\"]([^'\"]+)['\"]");
    private static final String LIBTORCH = System.mapLibraryName("torch");

    private TorchRuntime() {
    }

    /** A setting that decides which libtorch is loaded: its value and where it was read. */
    public record Setting(String name, String value, String source) {
        static Setting read(final String name, final boolean systemPropertyToo) {
            final String environment = System.getenv(name);
            if (environment != null && !environment.isBlank()) {
                return new Setting(name, environment, "environment");
            }
            final String property = systemPropertyToo ? System.getProperty(name) : null;
            return property != null && !property.isBlank() ? new Setting(name, property, "system property") : null;
        }
    }

    /**
     * What the settings ask for, before the engine is loaded.
     *
     * @param libraryPath {@code PYTORCH_LIBRARY_PATH} (environment), or null
     * @param flavor {@code PYTORCH_FLAVOR}, or null
     * @param version {@code PYTORCH_VERSION}, or null
     * @param installedVersion the version of the installed libtorch when it says (pip layout: {@code ../version.py}),
     *                         e.g. {@code 2.7.1+cu128}; null otherwise
     * @param jniVersion the bundled pytorch-jni's build, e.g. {@code 2.7.1-0.36.0}
     * @param problems what stops the engine from loading, each naming the setting to change; empty when none
     */
    public record Check(Setting libraryPath, Setting flavor, Setting version, String installedVersion, String jniVersion,
                        List<String> problems) {
        public boolean usable() {
            return problems.isEmpty();
        }

        /** Where libtorch comes from, in words. */
        public String source() {
            return libraryPath == null ? "bundled CPU libtorch (pytorch-native-cpu in the jar/NAR)"
                    : "installed libtorch at " + libraryPath.value() + " (PYTORCH_LIBRARY_PATH, " + libraryPath.source() + ")";
        }
    }

    /** Checks the settings against the bundled pytorch-jni, without loading anything. */
    public static Check check() {
        final Setting libraryPath = Setting.read("PYTORCH_LIBRARY_PATH", false);
        final Setting flavor = Setting.read("PYTORCH_FLAVOR", true);
        final Setting version = Setting.read("PYTORCH_VERSION", true);
        final String jniVersion = jniVersion();
        final String torchVersion = jniVersion == null ? null : jniVersion.substring(0, jniVersion.indexOf('-'));
        final List<String> problems = new ArrayList<>();
        String installedVersion = null;
        if (version != null && torchVersion != null && !version.value().startsWith(torchVersion)) {
            problems.add("PYTORCH_VERSION=" + version.value() + " (" + version.source() + ") differs from the bundled "
                    + "pytorch-jni " + jniVersion + ", which works with PyTorch " + torchVersion + " only; unset it or set "
                    + torchVersion);
        }
        if (libraryPath != null) {
            final Path directory = Path.of(libraryPath.value().split(java.io.File.pathSeparator)[0]);
            if (!Files.isRegularFile(directory.resolve(LIBTORCH))) {
                problems.add("PYTORCH_LIBRARY_PATH=" + directory + " holds no " + LIBTORCH + "; point it at the lib folder "
                        + "of a PyTorch " + torchVersion + " install (e.g. .../site-packages/torch/lib)");
            }
            installedVersion = installedVersion(directory);
            if (installedVersion != null && torchVersion != null && !installedVersion.startsWith(torchVersion + "+")
                    && !installedVersion.equals(torchVersion)) {
                problems.add("the libtorch at " + directory + " is PyTorch " + installedVersion + ", but the bundled pytorch-jni "
                        + jniVersion + " works with PyTorch " + torchVersion + " only; install torch==" + torchVersion
                        + " (e.g. pip install torch==" + torchVersion + " --index-url https://download.pytorch.org/whl/cu128)");
            }
            if (flavor == null) {
                problems.add("PYTORCH_FLAVOR is not set: with PYTORCH_LIBRARY_PATH, DJL needs the flavor of that libtorch ("
                        + String.join(" or ", jniFlavors()) + "); without it DJL looks for a 'cpu-precxx11' JNI library that "
                        + "this build does not carry");
            } else if (!jniFlavors().contains(flavor.value())) {
                problems.add("PYTORCH_FLAVOR=" + flavor.value() + " is not one the bundled pytorch-jni carries for "
                        + classifier() + " (" + String.join(", ", jniFlavors()) + ")");
            } else if (installedVersion != null && installedVersion.contains("+")
                    && !installedVersion.substring(installedVersion.indexOf('+') + 1).equals(flavor.value())) {
                problems.add("PYTORCH_FLAVOR=" + flavor.value() + " but the libtorch at " + directory + " is "
                        + installedVersion + "; set PYTORCH_FLAVOR=" + installedVersion.substring(installedVersion.indexOf('+') + 1));
            }
        }
        return new Check(libraryPath, flavor, version, installedVersion, jniVersion, List.copyOf(problems));
    }

    /** Checks the settings and loads the engine; the failure names what to fix. */
    public static Engine engine() throws BundleException {
        final Check check = check();
        if (!check.usable()) {
            throw new BundleException("cannot use the libtorch asked for: " + String.join("; ", check.problems()));
        }
        try {
            return Engine.getEngine("PyTorch");
        } catch (final RuntimeException | UnsatisfiedLinkError e) {
            throw new BundleException("the PyTorch engine did not load from the " + check.source() + " with pytorch-jni "
                    + check.jniVersion() + " (" + rootCause(e) + "); it must be PyTorch "
                    + (check.jniVersion() == null ? "2.7.1" : check.jniVersion().substring(0, check.jniVersion().indexOf('-')))
                    + " built for this platform (see docs/gpu.md)", e);
        }
    }

    /** What the loaded engine reports; loads it when needed. */
    public record Report(String engineVersion, String libtorchPath, String flavor, String source, String jniVersion,
                         int gpuCount, List<Device> devices, int threads, int interopThreads, boolean offline,
                         Path cacheDirectory) {

        /** Every fact in one line, as NiFi's Verify shows it (memaudit doctor prints them one per line). */
        public String summary() {
            return "PyTorch " + engineVersion + " (flavor " + flavor + ") from the " + source + ", libtorch at " + libtorchPath
                    + "; pytorch-jni " + (jniVersion == null ? "not found" : jniVersion) + "; devices: "
                    + devices.stream().map(Object::toString).collect(Collectors.joining(", "))
                    + " (GPUs: " + gpuCount + "); threads: " + threads + " intra-op, " + interopThreads + " inter-op; offline: "
                    + (offline ? "yes" : "NO") + "; DJL cache: " + cacheDirectory;
        }
    }

    public static Report report() throws BundleException {
        final Engine engine = engine();
        final Check check = check();
        final String flavor = check.libraryPath() != null ? check.flavor().value() : bundledFlavor();
        return new Report(engine.getVersion(), LibUtils.getLibtorchPath(), flavor, check.source(), check.jniVersion(),
                engine.getGpuCount(),
                Arrays.asList(engine.getDevices()), JniUtils.getNumThreads(), JniUtils.getNumInteropThreads(), offline(),
                Utils.getEngineCacheDir("pytorch"));
    }

    /**
     * Writes the engine a model was trained or measured with into a provenance object: the PyTorch version and libtorch's
     * intra-op and inter-op thread counts. Training is repeatable at a given thread count; at another, libtorch's parallel
     * reductions round differently and a 3,000-step run ends a few 1e-4 of dmem away (measured on the demo).
     */
    public static void describeEngine(final ObjectNode provenance) {
        final Engine engine = Engine.getEngine("PyTorch");
        final ObjectNode node = provenance.putObject("engine");
        node.put("name", "PyTorch " + engine.getVersion());
        node.put("intra_op_threads", JniUtils.getNumThreads());
        node.put("interop_threads", JniUtils.getNumInteropThreads());
    }

    /** Whether DJL is kept from downloading anything. */
    public static boolean offline() {
        return Boolean.getBoolean("ai.djl.offline") || "true".equalsIgnoreCase(System.getenv("DJL_OFFLINE"));
    }

    private static String rootCause(final Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /** The pip layout keeps the version next to lib/: torch/version.py. */
    private static String installedVersion(final Path libDirectory) {
        final Path file = libDirectory.toAbsolutePath().getParent() == null ? null
                : libDirectory.toAbsolutePath().getParent().resolve("version.py");
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            final Matcher matcher = PIP_VERSION.matcher(Files.readString(file));
            return matcher.find() ? matcher.group(1) : null;
        } catch (final IOException e) {
            return null;
        }
    }

    private static String jniVersion() {
        return resourceProperty("/jnilib/pytorch.properties", "jni_version");
    }

    private static String bundledFlavor() {
        final String flavor = resourceProperty("/native/lib/pytorch.properties", "flavor");
        return flavor == null ? "unknown" : flavor;
    }

    private static String resourceProperty(final String resource, final String name) {
        try (InputStream in = LibUtils.class.getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            final Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty(name);
        } catch (final IOException e) {
            return null;
        }
    }

    /** The JNI flavors the bundled pytorch-jni carries for this platform. */
    static List<String> jniFlavors() {
        final List<String> flavors = new ArrayList<>();
        for (final String flavor : List.of("cpu", "cu128", "cu126", "cu124", "cu121", "cu118")) {
            if (LibUtils.class.getResource("/jnilib/" + classifier() + "/" + flavor + "/" + System.mapLibraryName("djl_torch")) != null) {
                flavors.add(flavor);
            }
        }
        return flavors;
    }

    private static String classifier() {
        final String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        final String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        final String system = os.startsWith("mac") ? "osx" : os.startsWith("win") ? "win" : "linux";
        return system + "-" + (arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch);
    }
}
