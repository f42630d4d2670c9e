package io.memaudit.nifi.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.nifi.components.ConfigVerificationResult;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.NoOpProcessor;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "Verify" of the model service through nifi-mock, on models/tiny-init (real DJL and libtorch) and on a tampered copy. */
class StandardDiffusionModelServiceTest {
    private static final Path TINY = Path.of("..", "models", "tiny-init").toAbsolutePath().normalize();

    private static List<ConfigVerificationResult> verify(final Path bundle) throws InitializationException {
        final TestRunner runner = TestRunners.newTestRunner(NoOpProcessor.class);
        final StandardDiffusionModelService service = new StandardDiffusionModelService();
        runner.addControllerService("model", service);
        runner.setProperty(service, StandardDiffusionModelService.MODEL_DIRECTORY, bundle.toString());
        runner.setProperty(service, StandardDiffusionModelService.DEVICE, "cpu");
        return runner.verify(service, Map.of());
    }

    private static ConfigVerificationResult step(final List<ConfigVerificationResult> results, final String name) {
        return results.stream().filter(result -> result.getVerificationStepName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + name + " in " + results));
    }

    @Test
    void verifyReportsTheFilesAndHashesTheEngineTheDeviceAndTheProbe() throws InitializationException {
        final List<ConfigVerificationResult> results = verify(TINY);
        final ConfigVerificationResult files = step(results, "Bundle files and hashes");
        assertEquals(ConfigVerificationResult.Outcome.SUCCESSFUL, files.getOutcome(), files.getExplanation());
        assertTrue(files.getExplanation().contains("unet.pt ee1d31f4fb6782835b0528f85b7db0c738a0a7e8da7a234f14c4c0352ce78be0"),
                files.getExplanation());
        final ConfigVerificationResult engine = step(results, "Engine and device");
        assertEquals(ConfigVerificationResult.Outcome.SUCCESSFUL, engine.getOutcome(), engine.getExplanation());
        for (final String fact : List.of("PyTorch 2.7.1 (flavor cpu", "bundled CPU libtorch", "pytorch-jni 2.7.1-0.36.0",
                "devices: cpu()", "(GPUs: 0)", " intra-op, ", "offline: yes", "DJL cache: ", "device cpu -> cpu")) {
            assertTrue(engine.getExplanation().contains(fact), fact + " missing from: " + engine.getExplanation());
        }
        final ConfigVerificationResult probe = step(results, "Load and probe");
        assertEquals(ConfigVerificationResult.Outcome.SUCCESSFUL, probe.getOutcome(), probe.getExplanation());
        assertTrue(probe.getExplanation().matches("loaded on cpu\\(\\)?.*; probe: text encoder \\(1, 48, 32\\), UNet \\(1, 4, 16, 16\\), "
                + "finite .*; [0-9.]+ ms"), probe.getExplanation());
    }

    @Test
    void verifyFailsTheEngineStepNamingAPyTorchVersionThatDoesNotMatchTheBundledJni() throws InitializationException {
        System.setProperty("PYTORCH_VERSION", "2.5.1");
        try {
            final ConfigVerificationResult engine = step(verify(TINY), "Engine and device");
            assertEquals(ConfigVerificationResult.Outcome.FAILED, engine.getOutcome(), engine.getExplanation());
            assertTrue(engine.getExplanation().contains("PYTORCH_VERSION=2.5.1")
                    && engine.getExplanation().contains("2.7.1-0.36.0"), engine.getExplanation());
        } finally {
            System.clearProperty("PYTORCH_VERSION");
        }
    }

    @Test
    void verifyNamesATamperedFileAndSkipsTheLoad(@TempDir final Path directory) throws IOException, InitializationException {
        try (Stream<Path> files = Files.list(TINY)) {
            for (final Path file : files.toList()) {
                Files.copy(file, directory.resolve(file.getFileName()));
            }
        }
        Files.writeString(directory.resolve("unet.pt"), "a program nobody vouched for");
        final List<ConfigVerificationResult> results = verify(directory);
        final ConfigVerificationResult files = step(results, "Bundle files and hashes");
        assertEquals(ConfigVerificationResult.Outcome.FAILED, files.getOutcome());
        assertTrue(files.getExplanation().contains("unet.pt: SHA-256 "), files.getExplanation());
        assertEquals(ConfigVerificationResult.Outcome.SKIPPED, step(results, "Load and probe").getOutcome());
    }
}
