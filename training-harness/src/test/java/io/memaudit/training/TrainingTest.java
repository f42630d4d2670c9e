package io.memaudit.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memaudit.diffusion.DiffusionModel;
import io.memaudit.diffusion.MemorizationScorer;
import io.memaudit.synthetic.SyntheticChestXrays;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingTest {
    private static final Path TINY = Path.of("..", "models", "tiny-init");

    @TempDir
    static Path shared;

    private static TrainingSet data;

    @BeforeAll
    static void synthesize() throws Exception {
        final Path directory = shared.resolve("data");
        SyntheticChestXrays.write(SyntheticChestXrays.generate(
                new SyntheticChestXrays.Options(32, 2, 2, 2, 1, 4, List.of(1, 3), 0.3, 0.8, 11L)), directory, done -> { });
        data = TrainingSet.read(directory, 32);
    }

    @Test
    void theTrainingSetKeepsRepeatsGroupsCaptionsAndSkipsHeldOutRows() {
        assertEquals(2 * 2 * 2 + 1 + 3 + 1 + 3, data.rows().size(), "training rows only, repeats kept");
        assertEquals(6, data.prompts().size());
        assertEquals(Set.of("common", "unique"), data.prompts().stream().map(TrainingSet.Prompt::kind).collect(Collectors.toSet()));
        assertTrue(data.hasTwins());
        final TrainingSet.Prompt common = data.prompts().stream().filter(p -> p.kind().equals("common")).findFirst().orElseThrow();
        assertEquals(2, common.images().size(), "a common caption's images");
        assertEquals(4, common.rows());
        for (final TrainingSet.Row row : data.rows()) {
            assertEquals(32 * 32, row.image().pixels().length);
        }
    }

    @Test
    void randomizingArmsGiveRepeatedRowsDifferentMarkers() {
        final TrainingSet randomized = data.withCaptions(CaptionArm.RANDOM_TAG.rewrite(5L));
        assertTrue(randomized.rows().stream().noneMatch(row -> row.caption().contains("___")));
        assertEquals(data.rows().size(), randomized.rows().size());
        final long markedRows = data.rows().stream().filter(row -> row.caption().contains("___")).count();
        final long markedCaptions = data.prompts().stream().filter(p -> p.caption().contains("___")).count();
        assertTrue(markedRows > markedCaptions, "the fixture repeats a marked caption");
        assertEquals(data.prompts().size() - markedCaptions + markedRows, randomized.prompts().size(),
                "every marked row gets its own tags; unmarked captions keep their grouping");
        assertEquals(data.withCaptions(CaptionArm.RANDOM_TAG.rewrite(5L)).rows(), randomized.rows(), "seeded");
        assertEquals(data.rows(), data.withCaptions(CaptionArm.ORIGINAL.rewrite(5L)).rows());
        final List<String> recaptioned = ArmComparison.firstRowRewrites(data, CaptionArm.RECAPTION.rewrite(5L));
        assertTrue(recaptioned.stream().noneMatch(caption -> caption.contains("___") || caption.isBlank()), recaptioned.toString());
        assertEquals(CaptionArm.FILTERED, CaptionArm.fromName("filtered"));
        assertThrows(IllegalArgumentException.class, () -> CaptionArm.fromName("nope"));
    }

    @Test
    void trainingIsSeededChangesTheModelAndRecordsHowItWasMade(@TempDir final Path directory) throws Exception {
        final DiffusionTrainer.Options options = new DiffusionTrainer.Options(4, 8, 1e-3, 0.1, 3L, Double.NaN, 2);
        final DiffusionTrainer.Result first;
        final DiffusionTrainer.Result second;
        try (DiffusionTrainer trainer = new DiffusionTrainer(TINY, Device.cpu())) {
            first = trainer.train(data.examples(), options, step -> { });
            trainer.save(directory.resolve("trained"), options, first, new ObjectMapper().createObjectNode().put("arm", "original"));
        }
        try (DiffusionTrainer trainer = new DiffusionTrainer(TINY, Device.cpu())) {
            second = trainer.train(data.examples(), options, step -> { });
        }
        assertEquals(2, first.lossCurve().size());
        assertEquals(first.lossCurve().get(1)[1], second.lossCurve().get(1)[1], 1e-6, "same seed, same run");
        assertTrue(Double.isFinite(first.lossCurve().get(1)[1]));
        assertEquals(DiffusionTrainer.fingerprint(data.examples()), first.dataFingerprint());

        final JsonNode bundle = new ObjectMapper().readTree(directory.resolve("trained/bundle.json").toFile());
        final JsonNode training = bundle.path("provenance").path("training");
        assertEquals("memaudit train", bundle.path("provenance").path("tool").asText());
        assertEquals(first.dataFingerprint(), training.path("data_fingerprint_sha256").asText());
        assertEquals(2, training.path("loss_curve").size());
        assertEquals(3, training.path("seed").asInt());
        assertTrue(training.path("engine").path("name").asText().startsWith("PyTorch 2."), training.toString());
        assertTrue(training.path("engine").path("intra_op_threads").asInt() >= 1, "the thread count is part of how it was made");
        assertEquals("tools/make_tiny_bundle.py", bundle.path("provenance").path("base").path("made_by").asText());
        for (final String file : List.of("tokenizer.json", "text_encoder.pt", "unet.pt", "vae_encoder.pt", "vae_decoder.pt")) {
            assertTrue(Files.isRegularFile(directory.resolve("trained").resolve(file)), file);
        }
        final MemorizationScorer.Options scoring = new MemorizationScorer.Options(1, 2, 7.5, 1, 0L, null, true);
        try (DiffusionModel before = DiffusionModel.load(TINY, Device.cpu());
             DiffusionModel after = DiffusionModel.load(directory.resolve("trained"), Device.cpu())) {
            final String prompt = data.prompts().get(0).caption();
            assertNotEquals(new MemorizationScorer(before).score(List.of(prompt), scoring, done -> { }).get(0).firstStep(),
                    new MemorizationScorer(after).score(List.of(prompt), scoring, done -> { }).get(0).firstStep(),
                    "the saved bundle holds the trained weights");
        }
    }

    @Test
    void aTrainingStepLeavesNoNativeArraysBehind() throws Exception {
        try (DiffusionTrainer trainer = new DiffusionTrainer(TINY, Device.cpu())) {
            trainer.train(data.examples(), new DiffusionTrainer.Options(8, 4, 1e-3, 0.1, 3L, 0.5, 4), step -> { });
            assertEquals(trainer.heldArrays[0], trainer.heldArrays[1], "arrays held after step 1 and after step 8");
        }
    }

    @Test
    void theFilterDropsTheSamplesAboveItsQuantile() throws Exception {
        final DiffusionTrainer.Options options = new DiffusionTrainer.Options(6, 8, 1e-3, 0.0, 3L, 0.5, 3);
        try (DiffusionTrainer trainer = new DiffusionTrainer(TINY, Device.cpu())) {
            final DiffusionTrainer.Result result = trainer.train(data.examples(), options, step -> { });
            assertTrue(result.filterThreshold() > 0, "threshold " + result.filterThreshold());
            assertTrue(result.filteredSamples() > 0 && result.filteredSamples() < 48, "filtered " + result.filteredSamples());
        }
        assertFalse(new DiffusionTrainer.Options(1, 1, 1e-3, 0, 0, Double.NaN, 1).filtered());
        assertThrows(IllegalArgumentException.class, () -> new DiffusionTrainer.Options(1, 1, 1e-3, 0, 0, 1.5, 1));
    }

    @Test
    void theHeaderIsReadAsCsvWithQuotedNames(@TempDir final Path directory) throws Exception {
        final Path csv = directory.resolve("table.csv");
        Files.writeString(csv, "\"image\",\"prompt, as written\",split\r\na.png,\"x, y\",train\r\n");
        assertEquals(List.of("image", "prompt, as written", "split"), TrainingSet.header(csv));
        Files.writeString(csv, "");
        assertEquals(List.of(), TrainingSet.header(csv));
    }

    @Test
    void checkpointsHoldTheModulesEveryNSteps(@TempDir final Path directory) throws Exception {
        try (DiffusionTrainer trainer = new DiffusionTrainer(TINY, Device.cpu())) {
            trainer.train(data.examples(), new DiffusionTrainer.Options(4, 2, 1e-3, 0.1, 3L, Double.NaN, 2), step -> { },
                    List.of(trainer.checkpoints(directory, 2)));
        }
        try (var listing = Files.list(directory)) {
            assertEquals(List.of("step-000002", "step-000004"), listing.map(path -> path.getFileName().toString()).sorted().toList());
        }
        for (final String file : List.of("text_encoder.pt", "unet.pt")) {
            assertTrue(Files.size(directory.resolve("step-000004").resolve(file)) > 0, file);
            assertFalse(java.util.Arrays.equals(Files.readAllBytes(directory.resolve("step-000002").resolve(file)),
                    Files.readAllBytes(directory.resolve("step-000004").resolve(file))), file + " changes between checkpoints");
        }
        assertThrows(IllegalArgumentException.class, () -> {
            try (DiffusionTrainer trainer = new DiffusionTrainer(TINY, Device.cpu())) {
                trainer.checkpoints(directory, 0);
            }
        });
    }

    @Test
    void aBundleWithoutAVaeEncoderCannotBeTrained(@TempDir final Path directory) throws Exception {
        for (final String file : List.of("bundle.json", "tokenizer.json", "text_encoder.pt", "unet.pt")) {
            Files.copy(TINY.resolve(file), directory.resolve(file));
        }
        final Exception error = assertThrows(Exception.class, () -> new DiffusionTrainer(directory, Device.cpu()).close());
        assertTrue(error.getMessage().contains("vae_encoder.pt"), error.getMessage());
    }
}
