package io.memaudit.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.synthetic.SyntheticChestXrays;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loss curves of two seeded runs on models/tiny-init, recorded from the hand-written training loop before the trainer
 * moved onto DJL's {@code Trainer} (recorded at commit 341422c), must come out again. On the machine that recorded them the
 * DJL {@code Trainer} reproduces them bit for bit.
 *
 * <p>Regenerate (only when the objective is meant to change) with the environment variable {@code MEMAUDIT_GOLDEN_WRITE=<path of the resource>}.
 */
class GoldenLossCurveTest {
    private static final Path TINY = Path.of("..", "models", "tiny-init");
    private static final String RESOURCE = "golden-loss-curves.json";

    /**
     * Relative tolerance per recorded loss. The new and old code issue the same libtorch operations on the same inputs
     * in the same order (draws per step from their own seeded generator, the same Adam kernel, gradients zeroed by it),
     * so on one machine the curves agree bit for bit; the slack only covers libtorch's CPU kernels choosing other
     * vectorized paths on another CPU (float32 sums in another order: ~1e-7 relative per operation, which 20 Adam steps
     * can grow to ~1e-6), while any real change to batches, objective or optimizer moves the loss by far more than 1e-5.
     */
    static final double RELATIVE_TOLERANCE = 1e-5;

    /** The two runs: plain training with caption dropout, and Wen et al.'s filter at its median. */
    static final List<DiffusionTrainer.Options> RUNS = List.of(
            new DiffusionTrainer.Options(20, 8, 1e-3, 0.1, 3L, Double.NaN, 1),
            new DiffusionTrainer.Options(10, 8, 1e-3, 0.1, 5L, 0.5, 1));

    @TempDir
    static Path shared;

    private static List<DiffusionTrainer.Example> examples;

    @BeforeAll
    static void synthesize() throws Exception {
        final Path directory = shared.resolve("data");
        SyntheticChestXrays.write(SyntheticChestXrays.generate(
                new SyntheticChestXrays.Options(32, 2, 2, 2, 1, 4, List.of(1, 3), 0.3, 0.8, 11L)), directory, done -> { });
        examples = TrainingSet.read(directory, 32).examples();
    }

    @Test
    void theTrainerReproducesTheRecordedLossCurves() throws Exception {
        final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        final ObjectNode actual = json.createObjectNode();
        actual.put("data_fingerprint_sha256", DiffusionTrainer.fingerprint(examples));
        final ArrayNode runs = actual.putArray("runs");
        for (final DiffusionTrainer.Options options : RUNS) {
            final DiffusionTrainer.Result result;
            try (DiffusionTrainer trainer = new DiffusionTrainer(TINY, Device.cpu())) {
                result = trainer.train(examples, options, step -> { });
            }
            final ObjectNode run = runs.addObject();
            run.set("options", json.valueToTree(options));
            run.put("filter_threshold", result.filterThreshold());
            run.put("filtered_samples", result.filteredSamples());
            final ArrayNode curve = run.putArray("loss_curve");
            result.lossCurve().forEach(point -> curve.addArray().add((long) point[0]).add(point[1]));
        }
        final String target = System.getenv("MEMAUDIT_GOLDEN_WRITE");
        if (target != null) {
            json.writeValue(Path.of(target).toFile(), actual);
            return;
        }
        final JsonNode golden;
        try (InputStream in = getClass().getResourceAsStream(RESOURCE)) {
            golden = json.readTree(in);
        }
        assertEquals(golden.path("data_fingerprint_sha256").asText(), actual.path("data_fingerprint_sha256").asText(),
                "the synthetic fixture changed: the golden curves no longer apply");
        for (int r = 0; r < RUNS.size(); r++) {
            final JsonNode expected = golden.path("runs").get(r);
            final JsonNode got = actual.path("runs").get(r);
            assertEquals(expected.path("options").toString(), got.path("options").toString(), "run " + r + " options");
            assertEquals(expected.path("filtered_samples").asLong(), got.path("filtered_samples").asLong(), "run " + r);
            assertClose(expected.path("filter_threshold").asDouble(Double.NaN), got.path("filter_threshold").asDouble(Double.NaN),
                    "run " + r + " filter threshold");
            assertEquals(expected.path("loss_curve").size(), got.path("loss_curve").size(), "run " + r + " curve length");
            for (int i = 0; i < expected.path("loss_curve").size(); i++) {
                assertEquals(expected.path("loss_curve").get(i).get(0).asLong(), got.path("loss_curve").get(i).get(0).asLong());
                assertClose(expected.path("loss_curve").get(i).get(1).asDouble(), got.path("loss_curve").get(i).get(1).asDouble(),
                        "run " + r + " step " + (i + 1));
            }
        }
    }

    private static void assertClose(final double expected, final double actual, final String what) {
        if (Double.isNaN(expected)) {
            assertEquals(expected, actual, what);
            return;
        }
        assertEquals(expected, actual, RELATIVE_TOLERANCE * Math.abs(expected), what);
    }
}
