package io.memaudit.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a bundle: what loads runs, and what cannot be used says which file is wrong and why. */
class DiffusionModelTest {
    @TempDir
    Path directory;

    private Path copyOfTiny() throws IOException {
        final Path copy = directory.resolve("bundle");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(MemorizationScorerTest.TINY)) {
            for (final Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy;
    }

    private String failure(final Path bundle) {
        return assertThrows(BundleException.class, () -> DiffusionModel.load(bundle, Device.cpu()).close()).getMessage();
    }

    @Test
    void theTinyBundleLoadsWithItsConfiguration() throws BundleException {
        try (DiffusionModel model = DiffusionModel.load(MemorizationScorerTest.TINY, Device.cpu())) {
            assertEquals(List.of(4, 16, 16), model.config().latentShape());
            assertEquals(SchedulerConfig.RADEDIT, model.config().scheduler());
            assertEquals(7.5, model.config().guidanceScale());
            assertEquals(48, model.tokenIds("x").length);
        }
    }

    @Test
    void theMarkerBecomesThreeUnderscoreTokensAsInBioVilT() throws BundleException {
        try (DiffusionModel model = DiffusionModel.load(MemorizationScorerTest.TINY, Device.cpu())) {
            assertEquals(List.of("[CLS]", "since", "_", "_", "_", ".", "[SEP]"),
                    List.of(model.tokens("Since ___.")).subList(0, 7));
        }
    }

    @Test
    void aMissingDirectoryOrFileIsNamed() throws IOException {
        assertTrue(failure(directory.resolve("nowhere")).contains("model bundle directory not found"));
        final Path bundle = copyOfTiny();
        Files.delete(bundle.resolve("unet.pt"));
        final String message = failure(bundle);
        assertTrue(message.contains("unet.pt: missing"), message);
    }

    /** Replaces a file of the bundle and lists its new hash, as a bundle's maker would. */
    private static void replaceListed(final Path bundle, final String name, final byte[] content) throws Exception {
        Files.write(bundle.resolve(name), content);
        final Path config = bundle.resolve("bundle.json");
        final String json = Files.readString(config);
        final String old = json.replaceAll("(?s).*\"" + java.util.regex.Pattern.quote(name) + "\": \"([0-9a-f]{64})\".*", "$1");
        Files.writeString(config, json.replace(old, BundleIntegrity.sha256(bundle.resolve(name))));
    }

    @Test
    void aCorruptModuleIsNamed() throws Exception {
        final Path bundle = copyOfTiny();
        replaceListed(bundle, "unet.pt", "not torchscript".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        final String message = failure(bundle);
        assertTrue(message.contains("unet.pt: cannot load it as TorchScript"), message);
    }

    @Test
    void theTinyBundleReportsItsVerifiedFilesAndItsProbe() throws BundleException {
        try (DiffusionModel model = DiffusionModel.load(MemorizationScorerTest.TINY, Device.cpu())) {
            assertEquals(java.util.Set.copyOf(BundleIntegrity.LOADED_FILES), model.verifiedFiles().keySet());
            assertEquals("ee1d31f4fb6782835b0528f85b7db0c738a0a7e8da7a234f14c4c0352ce78be0", model.verifiedFiles().get("unet.pt"));
            assertTrue(model.probeResult().contains("finite"), model.probeResult());
            assertTrue(model.probeMillis() > 0);
        }
    }

    @Test
    void aFileThatDoesNotMatchItsHashIsRefusedAndNamed() throws IOException {
        final Path bundle = copyOfTiny();
        Files.writeString(bundle.resolve("unet.pt"), "not the unet the bundle was made with");
        final String message = failure(bundle);
        assertTrue(message.contains("unet.pt: SHA-256 ") && message.contains("does not match bundle.json's ee1d31f4"), message);
        Files.copy(MemorizationScorerTest.TINY.resolve("unet.pt"), bundle.resolve("unet.pt"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(bundle.resolve("tokenizer.json"), Files.readString(bundle.resolve("tokenizer.json")) + " ");
        assertTrue(failure(bundle).contains("tokenizer.json: SHA-256 "), failure(bundle));
    }

    @Test
    void aBundleWithoutHashesOrWithAnUnlistedModuleIsRefused() throws IOException {
        final Path bundle = copyOfTiny();
        final Path config = bundle.resolve("bundle.json");
        final String original = Files.readString(config);
        Files.writeString(config, original.replace("\"files_sha256\"", "\"files_sha256_removed\""));
        final String message = failure(bundle);
        assertTrue(message.contains("bundle.json: provenance.files_sha256 is missing"), message);
        Files.writeString(config, original.replaceAll("\"vae_decoder.pt\": \"[0-9a-f]{64}\",\n\\s*", ""));
        assertTrue(failure(bundle).contains("vae_decoder.pt: not listed in bundle.json's provenance.files_sha256"), failure(bundle));
    }

    @Test
    void aUnetThatComputesNanIsRefusedByTheProbe() throws Exception {
        final Path bundle = copyOfTiny();
        try (java.io.InputStream nan = DiffusionModelTest.class.getResourceAsStream("/fixtures/nan-unet.pt")) {
            replaceListed(bundle, "unet.pt", nan.readAllBytes());
        }
        final String message = failure(bundle);
        assertTrue(message.contains("unet.pt: returns NaN or infinite values for the probe sample"), message);
    }

    @Test
    void aShapeMismatchIsFoundByTheProbe() throws IOException {
        final Path bundle = copyOfTiny();
        final Path config = bundle.resolve("bundle.json");
        Files.writeString(config, Files.readString(config).replace("\"hidden_size\": 32", "\"hidden_size\": 64"));
        final String message = failure(bundle);
        assertTrue(message.contains("text_encoder.pt: returns (1, 48, 32)"), message);
    }

    @Test
    void aTokenizerLengthDifferentFromTheBundlesIsNamed() throws Exception {
        final Path bundle = copyOfTiny();
        final Path tokenizer = bundle.resolve("tokenizer.json");
        replaceListed(bundle, "tokenizer.json", Files.readString(tokenizer).replace("\"truncation\": null",
                "\"truncation\": {\"direction\": \"Right\", \"max_length\": 40, \"strategy\": \"LongestFirst\", \"stride\": 0}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        final String message = failure(bundle);
        assertTrue(message.contains("tokenizer.json: max length 40 differs from bundle.json's text_max_length 48"), message);
    }

    @Test
    void aTextLengthTheEncoderCannotTakeFailsTheProbe() throws IOException {
        final Path bundle = copyOfTiny();
        final Path config = bundle.resolve("bundle.json");
        Files.writeString(config, Files.readString(config).replace("\"text_max_length\": 48", "\"text_max_length\": 64"));
        final String message = failure(bundle);
        assertTrue(message.contains("the one-sample probe failed"), message);
    }

    @Test
    void badBundleJsonFieldsAreNamed() throws IOException {
        final Path bundle = copyOfTiny();
        final Path config = bundle.resolve("bundle.json");
        final String original = Files.readString(config);
        Files.writeString(config, original.replace("\"latent_shape\": [\n    4,\n    16,\n    16\n  ]", "\"latent_shape\": [4, 16]"));
        assertTrue(failure(bundle).contains("latent_shape [4,16] must have 3 dimensions"), failure(bundle));
        Files.writeString(config, original.replace("\"epsilon\"", "\"v_prediction\""));
        assertTrue(failure(bundle).contains("prediction_type 'v_prediction' is not supported"));
    }
}
