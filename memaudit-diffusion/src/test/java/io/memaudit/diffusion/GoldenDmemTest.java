package io.memaudit.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Java dmem on models/tiny-init against tools/dmem_reference.py, an independent PyTorch implementation of the definition
 * fed the same initial noise (golden values committed under src/test/resources/golden).
 */
class GoldenDmemTest {
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
    private static final double RELATIVE = 1e-4;

    @Test
    void dmemFirstStepAndTokenIdsMatchThePythonReference() throws IOException, BundleException {
        final JsonNode golden = new ObjectMapper().readTree(GOLDEN.resolve("dmem.json").toFile());
        final NpyFile noise = NpyFile.read(GOLDEN.resolve("init_noise.npy"));
        final List<String> prompts = new ArrayList<>();
        golden.get("results").forEach(result -> prompts.add(result.get("prompt").asText()));
        try (DiffusionModel model = DiffusionModel.load(MemorizationScorerTest.TINY, Device.cpu())) {
            final MemorizationScorer.Options options = new MemorizationScorer.Options(golden.get("generations").asInt(),
                    golden.get("steps").asInt(), golden.get("guidance").asDouble(), 3, 0L, noise.values(), false);
            final List<MemorizationScorer.Score> scores = new MemorizationScorer(model).score(prompts, options, done -> { });
            for (int i = 0; i < prompts.size(); i++) {
                final JsonNode expected = golden.get("results").get(i);
                final long[] ids = new long[expected.get("token_ids").size()];
                for (int j = 0; j < ids.length; j++) {
                    ids[j] = expected.get("token_ids").get(j).asLong();
                }
                assertArrayEquals(ids, model.tokenIds(prompts.get(i)), "token ids of prompt " + i);
                assertClose(expected.get("dmem").asDouble(), scores.get(i).dmem(), "dmem of prompt " + i);
                assertClose(expected.get("dmem_first_step").asDouble(), scores.get(i).firstStep(), "first step of prompt " + i);
                for (int step = 0; step < options.steps(); step++) {
                    assertClose(expected.get("per_step").get(step).asDouble(), scores.get(i).perStep()[step],
                            "step " + step + " of prompt " + i);
                }
            }
        }
    }

    @Test
    void tokenSignificanceMatchesThePythonReference() throws IOException, BundleException {
        final JsonNode golden = new ObjectMapper().readTree(GOLDEN.resolve("dmem.json").toFile());
        final NpyFile noise = NpyFile.read(GOLDEN.resolve("init_noise.npy"));
        final List<String> prompts = new ArrayList<>();
        golden.get("results").forEach(result -> prompts.add(result.get("prompt").asText()));
        try (DiffusionModel model = DiffusionModel.load(MemorizationScorerTest.TINY, Device.cpu());
             TokenSignificance significance = new TokenSignificance(model)) {
            final MemorizationScorer.Options options = new MemorizationScorer.Options(golden.get("generations").asInt(),
                    golden.get("steps").asInt(), golden.get("guidance").asDouble(), 2, 0L, noise.values(), false);
            final List<double[]> values = significance.compute(prompts, options,
                    golden.get("significance_steps").asInt(), done -> { });
            for (int i = 0; i < prompts.size(); i++) {
                final JsonNode expected = golden.get("results").get(i).get("token_significance");
                assertEquals(expected.size(), values.get(i).length, "positions of prompt " + i);
                for (int position = 0; position < expected.size(); position++) {
                    assertClose(expected.get(position).asDouble(), values.get(i)[position],
                            "significance at position " + position + " of prompt " + i);
                }
            }
        }
    }

    private static void assertClose(final double expected, final double actual, final String what) {
        assertEquals(expected, actual, Math.max(1e-6, Math.abs(expected) * RELATIVE), what);
    }
}
