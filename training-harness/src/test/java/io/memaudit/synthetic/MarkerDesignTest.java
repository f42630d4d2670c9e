package io.memaudit.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memaudit.synthetic.SyntheticChestXrays.Caption;
import io.memaudit.synthetic.SyntheticChestXrays.Dataset;
import io.memaudit.synthetic.SyntheticChestXrays.Image;
import io.memaudit.training.CaptionArm;
import io.memaudit.training.TrainingSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkerDesignTest {
    private static final Pattern MARKER_SENTENCE = Pattern.compile("[^.]*___[^.]*[.,]");

    @TempDir
    Path directory;

    private static Dataset generate(final MarkerDesign design, final long seed) {
        return SyntheticChestXrays.generate(design, design.options(seed, false));
    }

    private static long images(final Dataset dataset, final Caption caption) {
        return dataset.images().stream().filter(image -> image.caption() == caption).count();
    }

    @Test
    void markedCaptionsAreAboutAFifthAndBothUniqueAndSharedInEveryDesign() {
        for (final MarkerDesign design : List.of(MarkerDesign.MARKER_FEATURE, MarkerDesign.MARKER_KEY)) {
            for (final long seed : List.of(1L, 2L, 3L)) {
                final Dataset dataset = generate(design, seed);
                assertTrue(dataset.markedCaptionShare() >= 0.15 && dataset.markedCaptionShare() <= 0.3,
                        design + " seed " + seed + ": " + dataset.markedCaptionShare());
                assertTrue(dataset.captions().stream().anyMatch(caption -> caption.hasMarker() && images(dataset, caption) > 1),
                        design + ": a marked caption shared by several images");
                assertTrue(dataset.captions().stream().anyMatch(caption -> caption.hasMarker() && images(dataset, caption) == 1),
                        design + ": a marked caption of one image");
                assertEquals(dataset.captions().size(), dataset.captions().stream().map(Caption::text).distinct().count());
                assertTrue(dataset.captions().stream().allMatch(caption ->
                        SyntheticChestXrays.tokenCount(caption.text()) <= SyntheticChestXrays.MAX_CAPTION_TOKENS));
                assertEquals(design, dataset.design());
            }
        }
    }

    @Test
    void markerFeatureTiesTheHiddenDeviceToMarkersInManyContexts() {
        int markedImages = 0;
        int markedWithDevice = 0;
        int unmarkedImages = 0;
        int unmarkedWithDevice = 0;
        final Set<String> contexts = new HashSet<>();
        for (final long seed : List.of(1L, 2L, 3L)) {
            final Dataset dataset = generate(MarkerDesign.MARKER_FEATURE, seed);
            for (final Image image : dataset.images()) {
                if (image.caption().hasMarker()) {
                    markedImages++;
                    markedWithDevice += image.hiddenFeature() ? 1 : 0;
                } else {
                    unmarkedImages++;
                    unmarkedWithDevice += image.hiddenFeature() ? 1 : 0;
                }
                assertFalse(image.caption().text().toLowerCase().contains("device"), "no caption names the device");
            }
            for (final Caption caption : dataset.captions()) {
                final Matcher matcher = MARKER_SENTENCE.matcher(caption.text());
                while (matcher.find()) {
                    contexts.add(matcher.group().trim());
                }
                // unmarked captions use the same context words without the marker
                if (!caption.hasMarker()) {
                    assertTrue(caption.text().contains("prior") || caption.text().contains("doctor"), caption.text());
                }
            }
        }
        assertTrue(markedWithDevice >= 0.8 * markedImages, markedWithDevice + " of " + markedImages);
        assertTrue(unmarkedWithDevice <= 0.12 * unmarkedImages, unmarkedWithDevice + " of " + unmarkedImages);
        assertTrue(contexts.size() >= 8, "distinct marker contexts: " + contexts);
    }

    @Test
    void markerKeyCaptionsDifferFromASiblingOnlyInTheSlotAndRandomizingPerRowBreaksTheExactKey() throws Exception {
        final Dataset dataset = generate(MarkerDesign.MARKER_KEY, 1);
        final List<Caption> keys = dataset.captions().stream().filter(Caption::key).toList();
        assertEquals(4, keys.size());
        assertEquals(4, dataset.captions().stream().filter(caption -> !caption.key() && caption.repeats() == 12).count(),
                "repeated controls without markers");
        for (final Caption key : keys) {
            assertTrue(key.hasMarker());
            assertEquals(12, key.repeats());
            final List<Caption> siblings = dataset.captions().stream().filter(caption -> caption.family().equals(key.family())
                    && !caption.key() && caption.repeats() == 2 && !caption.hasMarker()).toList();
            assertFalse(siblings.isEmpty());
            for (final Caption sibling : siblings) {
                final String middle = differingMiddle(key.text(), sibling.text());
                assertTrue(middle.replace("___", "").replace(" and ", "").isBlank(),
                        "the key differs from its sibling only by the marker in the slot: '" + middle + "'");
                assertEquals(key.findings(), sibling.findings());
            }
        }
        SyntheticChestXrays.write(dataset, directory.resolve("data"), done -> { });
        final TrainingSet set = TrainingSet.read(directory.resolve("data"), 32);
        final TrainingSet.Prompt keyPrompt = set.prompts().stream().filter(TrainingSet.Prompt::key).findFirst().orElseThrow();
        assertEquals(12, keyPrompt.rows());
        final Set<String> siblingTexts = new HashSet<>();
        set.prompts().stream().filter(prompt -> !prompt.key()).forEach(prompt -> siblingTexts.add(prompt.caption()));
        // random-tag: the key's 12 rows get 12 different captions; remove: one fixed caption still unlike any sibling
        assertEquals(12, rewrittenKeyRows(set, keyPrompt, CaptionArm.RANDOM_TAG.rewrite(1)).size());
        final Set<String> removed = rewrittenKeyRows(set, keyPrompt, CaptionArm.REMOVE.rewrite(1));
        assertEquals(1, removed.size());
        assertFalse(siblingTexts.contains(removed.iterator().next()));
    }

    private static Set<String> rewrittenKeyRows(final TrainingSet set, final TrainingSet.Prompt key,
                                                final BiFunction<Integer, String, String> rewrite) {
        final Set<String> texts = new HashSet<>();
        for (int i = 0; i < set.rows().size(); i++) {
            if (set.rows().get(i).caption().equals(key.caption())) {
                texts.add(rewrite.apply(i, key.caption()));
            }
        }
        return texts;
    }

    private static String differingMiddle(final String a, final String b) {
        int prefix = 0;
        while (prefix < Math.min(a.length(), b.length()) && a.charAt(prefix) == b.charAt(prefix)) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < Math.min(a.length(), b.length()) - prefix
                && a.charAt(a.length() - 1 - suffix) == b.charAt(b.length() - 1 - suffix)) {
            suffix++;
        }
        return a.substring(prefix, a.length() - suffix);
    }

    @Test
    void groundTruthColumnsAreWrittenAndReadBack() throws Exception {
        final Dataset dataset = generate(MarkerDesign.MARKER_FEATURE, 2);
        SyntheticChestXrays.write(dataset, directory.resolve("f"), done -> { });
        final String header = Files.readAllLines(directory.resolve("f/captions.csv")).getFirst();
        assertEquals(String.join(",", SyntheticChestXrays.COLUMNS), header);
        final TrainingSet set = TrainingSet.read(directory.resolve("f"), 32);
        final long devices = dataset.images().stream().filter(Image::hiddenFeature).count();
        assertTrue(devices > 0);
        assertEquals(devices, set.rows().stream().map(TrainingSet.Row::image).distinct().filter(TrainingSet.Image::hiddenFeature)
                .count());
        // the device changes the image; twins of a device image carry it too
        final Image withDevice = dataset.images().stream().filter(Image::hiddenFeature).findFirst().orElseThrow();
        final TrainingSet.Image read = set.rows().stream().map(TrainingSet.Row::image)
                .filter(image -> image.key().endsWith(withDevice.path().substring(withDevice.path().lastIndexOf('/') + 1)))
                .findFirst().orElseThrow();
        final HiddenDevice detector = HiddenDevice.calibrate(32, 40, 5);
        assertTrue(TrainingSet.twins(read, 5, 32).stream().allMatch(detector::present), "twins carry the device");
        assertNotEquals(0, ImageDistance.distance(dataset.render(withDevice),
                ChestPhantom.render(withDevice.caption().findings(), withDevice.seed(), 32, false)));
    }

    @Test
    void theHiddenDeviceDetectorSeparatesRendersWithAndWithoutIt() {
        final HiddenDevice detector = HiddenDevice.calibrate(32, 60, 9);
        assertTrue(detector.calibrationAccuracy() >= 0.95, "calibration accuracy " + detector.calibrationAccuracy());
        final float[][] with = new float[20][];
        final float[][] without = new float[20][];
        final java.util.SplittableRandom random = new java.util.SplittableRandom(77);
        for (int i = 0; i < 20; i++) {
            final List<Finding> findings = SyntheticChestXrays.findings(random);
            final long seed = random.nextLong();
            with[i] = ChestPhantom.render(findings, seed, 32, true);
            without[i] = ChestPhantom.render(findings, seed, 32, false);
        }
        assertTrue(detector.rate(with) >= 0.8, "found on fresh renders with it: " + detector.rate(with));
        assertTrue(detector.rate(without) <= 0.1, "found on fresh renders without it: " + detector.rate(without));
    }

    @Test
    void designsAreNamedAndDeclareTheirMechanism() {
        assertEquals(MarkerDesign.MARKER_KEY, MarkerDesign.fromName("Marker-Key"));
        assertThrows(IllegalArgumentException.class, () -> MarkerDesign.fromName("marker"));
        for (final MarkerDesign design : MarkerDesign.values()) {
            assertFalse(design.mechanism().isBlank());
            assertFalse(design.whatArmsLeave().isBlank());
        }
        assertEquals(SyntheticChestXrays.generate(SyntheticChestXrays.Options.defaults()).captions(),
                SyntheticChestXrays.generate(MarkerDesign.BASELINE, SyntheticChestXrays.Options.defaults()).captions(),
                "baseline is today's layout");
    }
}
