package io.memaudit.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.memaudit.synthetic.SyntheticChestXrays.CaptionKind;
import io.memaudit.synthetic.SyntheticChestXrays.Dataset;
import io.memaudit.synthetic.SyntheticChestXrays.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticChestXraysTest {
    private static final Map<Finding.Kind, String> KEYWORDS = Map.of(Finding.Kind.EFFUSION, "effusion",
            Finding.Kind.CARDIOMEGALY, "cardiomegaly", Finding.Kind.OPACITY, "opacity", Finding.Kind.PNEUMOTHORAX,
            "pneumothorax", Finding.Kind.TUBE, "tube|catheter");

    @TempDir
    Path directory;

    @Test
    void theSameSeedWritesTheSameFilesAndAnotherSeedDoesNot() throws Exception {
        final Options options = Options.defaults().withSeed(5);
        SyntheticChestXrays.write(SyntheticChestXrays.generate(options), directory.resolve("a"), done -> { });
        SyntheticChestXrays.write(SyntheticChestXrays.generate(options), directory.resolve("b"), done -> { });
        SyntheticChestXrays.write(SyntheticChestXrays.generate(options.withSeed(6)), directory.resolve("c"), done -> { });
        final String captions = Files.readString(directory.resolve("a/captions.csv"));
        assertEquals(captions, Files.readString(directory.resolve("b/captions.csv")));
        assertNotEquals(captions, Files.readString(directory.resolve("c/captions.csv")));
        for (final String image : List.of("images/c00-00.png", "images/u07.png", "images/c09-h00.png")) {
            assertArrayEquals(Files.readAllBytes(directory.resolve("a").resolve(image)),
                    Files.readAllBytes(directory.resolve("b").resolve(image)), image);
        }
    }

    @Test
    void defaultsGiveTheDuplicationStructureAndMarkerShare() {
        final Dataset dataset = SyntheticChestXrays.generate(Options.defaults());
        final List<SyntheticChestXrays.Caption> common = dataset.captions().stream()
                .filter(caption -> caption.kind() == CaptionKind.COMMON).toList();
        final List<SyntheticChestXrays.Caption> unique = dataset.captions().stream()
                .filter(caption -> caption.kind() == CaptionKind.UNIQUE).toList();
        assertEquals(10, common.size());
        assertEquals(30, unique.size());
        assertEquals(140, dataset.images().size());
        assertEquals(370, dataset.trainingRows());
        assertEquals(380, dataset.rows());
        for (final SyntheticChestXrays.Caption caption : common) {
            assertEquals(10, dataset.images().stream().filter(image -> image.caption() == caption
                    && image.split().equals(SyntheticChestXrays.TRAIN)).count());
            assertEquals(1, dataset.images().stream().filter(image -> image.caption() == caption
                    && image.split().equals(SyntheticChestXrays.HELD_OUT)).count());
        }
        assertEquals(Map.of(1, 10L, 4, 10L, 12, 10L), unique.stream()
                .collect(Collectors.groupingBy(SyntheticChestXrays.Caption::repeats, Collectors.counting())));
        assertEquals(dataset.captions().size(), dataset.captions().stream().map(SyntheticChestXrays.Caption::text).distinct().count());
        assertEquals(0.19, dataset.markerShare(), 0.03);
        assertTrue(dataset.markerConcentration() > 0.6, "marker concentration " + dataset.markerConcentration());
        for (final int repeats : List.of(1, 4, 12)) {
            assertTrue(unique.stream().anyMatch(caption -> caption.repeats() == repeats && caption.hasMarker()));
            assertTrue(unique.stream().anyMatch(caption -> caption.repeats() == repeats && !caption.hasMarker()));
        }
    }

    @Test
    void markerShareAndConcentrationAreControls() {
        final Dataset none = SyntheticChestXrays.generate(Options.defaults().withMarkers(0, 0.8));
        assertEquals(0, none.markerShare());
        assertTrue(none.captions().stream().noneMatch(caption -> caption.text().contains("___")));
        final Dataset allUnique = SyntheticChestXrays.generate(Options.defaults().withMarkers(0.19, 1));
        assertEquals(0.19, allUnique.markerShare(), 0.03);
        assertEquals(1, allUnique.markerConcentration());
        final Dataset spread = SyntheticChestXrays.generate(Options.defaults().withMarkers(0.4, 0.5));
        assertEquals(0.4, spread.markerShare(), 0.03);
        assertEquals(0.5, spread.markerConcentration(), 0.15);
        assertThrows(IllegalArgumentException.class, () -> Options.defaults().withMarkers(1.5, 0.8));
    }

    @Test
    void captionsNameExactlyTheFindingsDrawnAndCarryMarkersWhenMarked() {
        for (final long seed : List.of(1L, 2L, 3L)) {
            for (final SyntheticChestXrays.Caption caption : SyntheticChestXrays.generate(Options.defaults().withSeed(seed)).captions()) {
                final String text = caption.text().toLowerCase(java.util.Locale.ROOT);
                for (final Finding.Kind kind : Finding.Kind.values()) {
                    final boolean present = caption.findings().stream().anyMatch(finding -> finding.kind() == kind);
                    assertEquals(present, java.util.regex.Pattern.compile(KEYWORDS.get(kind)).matcher(text).find(),
                            kind + " in " + caption);
                }
                for (final Finding finding : caption.findings()) {
                    if (finding.site() != Finding.Site.MIDLINE) {
                        final String side = finding.site() == Finding.Site.BILATERAL ? "bilateral" : finding.site().right() ? "right" : "left";
                        assertTrue(text.contains(side), side + " in " + caption);
                    }
                }
                assertEquals(caption.hasMarker(), text.contains("___"), caption.toString());
            }
        }
    }

    @Test
    void everyCaptionFitsTheTinyModelsTokenizerWithoutUnknownWords() throws Exception {
        System.setProperty("ai.djl.offline", "true");
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(Path.of("..", "models", "tiny-init", "tokenizer.json"))) {
            for (final SyntheticChestXrays.Caption caption : SyntheticChestXrays.generate(Options.defaults()).captions()) {
                final int tokens = tokenizer.encode(caption.text()).getIds().length - 2;
                // equal counts mean no word fell apart into character pieces
                assertEquals(SyntheticChestXrays.tokenCount(caption.text()), tokens, caption.text());
                assertTrue(tokens <= SyntheticChestXrays.MAX_CAPTION_TOKENS, caption.text());
            }
        }
    }

    @Test
    void commonCaptionsAreAsLongAsUniqueOnes() {
        final Dataset dataset = SyntheticChestXrays.generate(Options.defaults());
        final double common = meanTokens(dataset, CaptionKind.COMMON);
        final double unique = meanTokens(dataset, CaptionKind.UNIQUE);
        assertTrue(Math.abs(common - unique) < 6, "mean tokens: common " + common + ", unique " + unique);
    }

    private static double meanTokens(final Dataset dataset, final CaptionKind kind) {
        return dataset.captions().stream().filter(caption -> caption.kind() == kind)
                .mapToInt(caption -> SyntheticChestXrays.tokenCount(caption.text())).average().orElseThrow();
    }

    @Test
    void twinsShareTheFindingsButNotThePixels() {
        final Dataset dataset = SyntheticChestXrays.generate(Options.defaults());
        final SyntheticChestXrays.Image image = dataset.images().stream()
                .filter(candidate -> candidate.caption().kind() == CaptionKind.UNIQUE).findFirst().orElseThrow();
        final float[] own = dataset.render(image);
        assertArrayEquals(own, dataset.render(image));
        final long[] seeds = ChestPhantom.twinSeeds(image.seed(), 10);
        assertEquals(10, java.util.Arrays.stream(seeds).distinct().count());
        assertTrue(java.util.Arrays.stream(seeds).noneMatch(seed -> seed == image.seed()));
        for (final float[] twin : ChestPhantom.renderTwins(image.caption().findings(), image.seed(), 10, 32)) {
            assertTrue(ImageDistance.distance(own, twin) > 0.1, "a twin is a different patient");
        }
        for (final float value : own) {
            assertTrue(value >= 0 && value <= 1);
        }
    }

    @Test
    void findingsAreVisibleWhereTheyAre() {
        final long seed = 42;
        final float[] normal = ChestPhantom.render(List.of(), seed, 32);
        final float[] effusion = ChestPhantom.render(List.of(Finding.parse("effusion:right:large")), seed, 32);
        // the patient's right is the image's left: fluid brightens the lower left quadrant, not the lower right
        assertTrue(mean(effusion, 16, 28, 2, 14) - mean(normal, 16, 28, 2, 14) > 0.05);
        assertEquals(mean(normal, 16, 28, 18, 30), mean(effusion, 16, 28, 18, 30), 0.03);
        final float[] heart = ChestPhantom.render(List.of(Finding.parse("cardiomegaly:midline:large")), seed, 32);
        assertTrue(mean(heart, 16, 26, 8, 24) - mean(normal, 16, 26, 8, 24) > 0.03);
    }

    @Test
    void findingsRoundTripThroughTheirTextForm() {
        final List<Finding> findings = List.of(Finding.parse("opacity:left-lower:small"), Finding.parse("tube:midline:none"));
        assertEquals("opacity:left-lower:small;tube:midline:none", Finding.format(findings));
        assertEquals(findings, Finding.parseAll(Finding.format(findings)));
        assertEquals(List.of(), Finding.parseAll(""));
        assertThrows(IllegalArgumentException.class, () -> Finding.parse("cardiomegaly:left:large"));
        assertThrows(IllegalArgumentException.class, () -> Finding.parse("effusion:right"));
        assertFalse(Finding.parse("effusion:bilateral:small").site().upper());
    }

    private static double mean(final float[] pixels, final int top, final int bottom, final int left, final int right) {
        double sum = 0;
        for (int y = top; y < bottom; y++) {
            for (int x = left; x < right; x++) {
                sum += pixels[y * 32 + x];
            }
        }
        return sum / ((bottom - top) * (right - left));
    }
}
