package io.memaudit.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UNet in float16 (the bundle's unet.float16.pt) gives dmem close to float32's (on this random-weight bundle about 1%
 * apart; the relative differences are printed to the test report); bfloat16 is refused up front.
 */
class HalfPrecisionTest {
    private static final List<String> PROMPTS = List.of("Compared to ___, stable.", "No acute cardiopulmonary process.",
            "Small left pleural effusion.", "Dr. ___ was called at ___.");

    @TempDir
    Path directory;

    @Test
    void float16ScoresAgreeWithFloat32WithinThreePercent() throws BundleException {
        final MemorizationScorer.Options options = new MemorizationScorer.Options(2, 5, 7.5, 4, 0L, null, false);
        final List<MemorizationScorer.Score> reference;
        try (DiffusionModel model = DiffusionModel.load(MemorizationScorerTest.TINY, Device.cpu())) {
            reference = new MemorizationScorer(model).score(PROMPTS, options, done -> { });
        }
        try (DiffusionModel model = DiffusionModel.load(MemorizationScorerTest.TINY, Device.cpu(), UnetPrecision.FLOAT16)) {
            assertEquals(UnetPrecision.FLOAT16, model.precision());
            final List<MemorizationScorer.Score> half = new MemorizationScorer(model).score(PROMPTS, options, done -> { });
            final StringBuilder differences = new StringBuilder("float16 vs float32, relative difference (dmem, first step):");
            for (int i = 0; i < PROMPTS.size(); i++) {
                final double dmem = reference.get(i).dmem();
                final double first = reference.get(i).firstStep();
                assertTrue(dmem > 0 && first > 0, "float32 scores are positive");
                differences.append(String.format(java.util.Locale.ROOT, " (%.2e, %.2e)",
                        Math.abs(half.get(i).dmem() - dmem) / dmem, Math.abs(half.get(i).firstStep() - first) / first));
                assertEquals(dmem, half.get(i).dmem(), 0.03 * dmem, "dmem of prompt " + i);
                assertEquals(first, half.get(i).firstStep(), 0.03 * first, "first step of prompt " + i);
                assertTrue(half.get(i).dmem() != dmem, "float16 is really a different computation");
            }
            System.out.println(differences);
        }
    }

    @Test
    void aBundleWithoutAFloat16UnetSaysHowToMakeOne() throws Exception {
        for (final String file : List.of("bundle.json", "tokenizer.json", "text_encoder.pt", "unet.pt")) {
            Files.copy(MemorizationScorerTest.TINY.resolve(file), directory.resolve(file));
        }
        final BundleException error = assertThrows(BundleException.class,
                () -> DiffusionModel.load(directory, Device.cpu(), UnetPrecision.FLOAT16));
        assertTrue(error.getMessage().contains("unet.float16.pt: missing") && error.getMessage().contains(
                "tools/convert_unet_precision.py"), error.getMessage());
    }

    @Test
    void bfloat16IsRefusedBeforeItCanReachTheEngine() {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> UnetPrecision.of("bfloat16"));
        assertTrue(error.getMessage().contains("use float16"), error.getMessage());
    }
}
