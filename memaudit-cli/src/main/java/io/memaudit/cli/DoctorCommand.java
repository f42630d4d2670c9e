package io.memaudit.cli;

import io.memaudit.core.scoring.DeviceSpec;
import io.memaudit.diffusion.BundleException;
import io.memaudit.diffusion.BundleIntegrity;
import io.memaudit.diffusion.DiffusionModel;
import io.memaudit.diffusion.MemorizationScorer;
import io.memaudit.diffusion.TorchRuntime;
import io.memaudit.diffusion.UnetPrecision;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Say what scoring would run on here: where libtorch comes from (bundled CPU build or the node's own "
                + "through PYTORCH_LIBRARY_PATH/PYTORCH_FLAVOR), the engine's libtorch version and flavor, the devices found, "
                + "threads, offline mode; with --model, the bundle's file hashes against bundle.json and a timed probe.",
                "Exit code 0 when everything checked is usable, 1 otherwise. No prompt text is read or printed."})
final class DoctorCommand implements Callable<Integer> {
    /** The probe's prompt: fixed, so a probe value can be compared across machines and libtorch builds. */
    static final String PROBE_PROMPT = "Compared to the prior study, small left pleural effusion.";

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "Model bundle to check and probe.")
    Path model;

    @Option(names = "--device", paramLabel = "auto|cpu|gpu|gpu:N", defaultValue = "auto",
            description = "Device for the probe. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--precision", paramLabel = "float32|float16", defaultValue = "float32",
            description = "UNet precision for the probe; float16 (the bundle's unet.float16.pt) is also compared with "
                    + "float32. Default: ${DEFAULT-VALUE}.")
    String precision;

    @Option(names = "--steps", paramLabel = "T", defaultValue = "10", description = "DDIM steps of the probe's dmem. "
            + "Default: ${DEFAULT-VALUE}.")
    int steps;

    @Override
    public Integer call() throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final UnetPrecision chosenPrecision = UnetPrecision.of(precision);
        final DeviceSpec chosenDevice = DeviceSpec.parse(device);
        boolean healthy = true;
        out.printf(Locale.ROOT, "memaudit %s on Java %s (%s), %d processors%n", MemauditCommand.version(),
                System.getProperty("java.version"), System.getProperty("java.vendor"), Runtime.getRuntime().availableProcessors());
        final TorchRuntime.Check check = TorchRuntime.check();
        out.println("libtorch source: " + check.source());
        for (final TorchRuntime.Setting setting : java.util.Arrays.asList(check.flavor(), check.version())) {
            if (setting != null) {
                out.println("  " + setting.name() + "=" + setting.value() + " (" + setting.source() + ")");
            }
        }
        if (check.installedVersion() != null) {
            out.println("  installed PyTorch: " + check.installedVersion());
        }
        out.println("  bundled pytorch-jni: " + (check.jniVersion() == null ? "not found" : check.jniVersion()));
        check.problems().forEach(problem -> out.println("  PROBLEM: " + problem));
        final TorchRuntime.Report report;
        try {
            report = TorchRuntime.report();
        } catch (final BundleException e) {
            out.println("engine: NOT LOADED: " + e.getMessage());
            out.flush();
            return MemauditCommand.EXIT_BAD_INPUT;
        }
        out.printf(Locale.ROOT, "engine: PyTorch %s, flavor %s, libtorch at %s%n", report.engineVersion(), report.flavor(),
                report.libtorchPath());
        out.printf(Locale.ROOT, "devices: %s (GPUs: %d)%n", report.devices().stream().map(Object::toString)
                .collect(Collectors.joining(", ")), report.gpuCount());
        out.printf(Locale.ROOT, "threads: %d intra-op, %d inter-op%n", report.threads(), report.interopThreads());
        out.printf(Locale.ROOT, "offline: %s; DJL cache: %s%n", report.offline() ? "yes (nothing is downloaded)" : "NO",
                report.cacheDirectory());
        if (model == null) {
            out.println("bundle: not checked (name one with --model)");
            out.flush();
            return 0;
        }
        if (!checkHashes(out)) {
            out.println("PROBLEMS found (see above)");
            out.flush();
            return MemauditCommand.EXIT_BAD_INPUT;
        }
        final double reference = probe(out, chosenDevice, UnetPrecision.FLOAT32);
        if (chosenPrecision != UnetPrecision.FLOAT32) {
            final double reduced = probe(out, chosenDevice, chosenPrecision);
            out.printf(Locale.ROOT, "%s vs float32: probe dmem differs by %.3g relative%n", chosenPrecision.value(),
                    Math.abs(reduced - reference) / Math.abs(reference));
            healthy &= Double.isFinite(reduced);
        }
        healthy &= Double.isFinite(reference);
        out.println(healthy ? "all checks passed" : "PROBLEMS found (see above)");
        out.flush();
        return healthy ? 0 : MemauditCommand.EXIT_BAD_INPUT;
    }

    /** The bundle's files against bundle.json's provenance.files_sha256 (the check every load makes). */
    private boolean checkHashes(final PrintWriter out) {
        try {
            final Map<String, String> verified = BundleIntegrity.verify(model);
            out.printf(Locale.ROOT, "bundle: %s: %d files match bundle.json's sha256%n", model, verified.size());
            return true;
        } catch (final BundleException e) {
            out.println("  PROBLEM: " + e.getMessage());
            out.printf(Locale.ROOT, "bundle: %s: file hashes DO NOT match (the bundle will not load)%n", model);
            return false;
        }
    }

    /** Loads the bundle and scores the probe prompt (first step, then dmem over {@code steps}); returns dmem. */
    private double probe(final PrintWriter out, final DeviceSpec chosenDevice, final UnetPrecision unetPrecision)
            throws BundleException {
        final long started = System.nanoTime();
        try (DiffusionModel loaded = DiffusionModel.load(model, DiffusionModel.toDevice(chosenDevice), unetPrecision)) {
            final double loadSeconds = (System.nanoTime() - started) / 1e9;
            final MemorizationScorer scorer = new MemorizationScorer(loaded);
            final double guidance = loaded.config().guidanceScale();
            final long firstStart = System.nanoTime();
            final MemorizationScorer.Score first = scorer.score(List.of(PROBE_PROMPT),
                    new MemorizationScorer.Options(1, steps, guidance, 1, 0L, null, true), done -> { }).get(0);
            final double firstSeconds = (System.nanoTime() - firstStart) / 1e9;
            final long fullStart = System.nanoTime();
            final MemorizationScorer.Score full = scorer.score(List.of(PROBE_PROMPT),
                    new MemorizationScorer.Options(1, steps, guidance, 1, 0L, null, false), done -> { }).get(0);
            final double fullSeconds = (System.nanoTime() - fullStart) / 1e9;
            out.printf(Locale.ROOT, "probe (%s, %s): load %.2f s; first step %.3f s; dmem over %d steps %.3f s; "
                            + "dmem_first_step=%.9g dmem=%.9g%n", loaded.device(), unetPrecision.value(), loadSeconds,
                    firstSeconds, steps, fullSeconds, first.firstStep(), full.dmem());
            return full.dmem();
        }
    }
}
