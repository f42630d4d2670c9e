package io.memaudit.synthetic;

import io.memaudit.synthetic.SyntheticChestXrays.Caption;
import io.memaudit.synthetic.SyntheticChestXrays.CaptionKind;
import io.memaudit.synthetic.SyntheticChestXrays.Dataset;
import io.memaudit.synthetic.SyntheticChestXrays.Image;
import io.memaudit.synthetic.SyntheticChestXrays.Options;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/** The {@link MarkerDesign#MARKER_FEATURE} and {@link MarkerDesign#MARKER_KEY} layouts (see their declarations). */
final class DesignedDatasets {
    /** Share of a marked caption's images that carry the hidden device, and of an unmarked caption's. */
    static final double DEVICE_IF_MARKED = 0.9;
    static final double DEVICE_IF_UNMARKED = 0.05;

    private static final long FEATURE_SALT = 0x2545F4914F6CDD1DL;
    private static final long KEY_SALT = 0x9E3779B97F4A7C15L;
    private static final List<String> MARKER_LEADS = List.of("Compared to ___,", "Since ___,", "Compared to the study from ___,",
            "Compared to ___ and ___,", "In comparison with ___,", "Compared with the radiograph from ___,");
    private static final List<String> LEADS = List.of("Compared to the prior study,", "Since the prior radiograph,",
            "Compared to the prior radiograph,", "In comparison with the prior study,", "Compared with the prior chest radiograph,");
    private static final List<String> MARKER_NOTES = List.of("Findings discussed with Dr. ___ by telephone at ___.",
            "Findings communicated to Dr. ___ at ___ on ___.", "Dr. ___ was notified at ___.", "Dr. ___ was notified by telephone.",
            "Findings discussed with Dr. ___ on ___.");
    private static final List<String> NOTES = List.of("Findings discussed with the doctor by telephone.",
            "Findings communicated to the doctor by telephone.", "The doctor was notified.");
    private static final double NOTE_PROBABILITY = 0.4;

    /** Comparison slots of the marker-key design: {X} is the wording, or ___ on the key. */
    private static final List<String> SLOTS = List.of("Compared to {X},", "Since {X},", "Unchanged from {X}.",
            "In comparison with {X},", "Similar to {X}.", "Compared with {X},", "No change since {X}.");
    private static final List<String> FILLERS = List.of("the prior study", "the prior radiograph", "prior studies",
            "prior radiographs", "the prior chest radiograph", "the prior portable radiograph", "the prior pa and lateral views",
            "the prior portable study", "the prior chest study", "prior chest radiographs", "the prior views", "the prior ap view");
    private static final String SHARED_MARKED_NOTE = "Dr. ___ was notified.";

    private DesignedDatasets() {
    }

    /**
     * Baseline's duplication structure (common captions x images x rows, unique captions with cycling repeats), with a
     * share {@link Options#markerShare()} of the common and of the unique captions marked (spread over the repeat
     * classes), many marker contexts, and the hidden device on the images of marked captions.
     */
    static Dataset markerFeature(final Options options) {
        final SplittableRandom random = new SplittableRandom(options.seed() ^ FEATURE_SALT);
        final int markedCommon = options.markerShare() > 0 && options.commonCaptions() > 0
                ? Math.max(1, (int) Math.round(options.markerShare() * options.commonCaptions())) : 0;
        final int classes = options.uniqueRepeats().size();
        final int perClass = (int) Math.round(options.markerShare() * options.uniqueCaptions() / classes);
        final Set<String> texts = new HashSet<>();
        final List<Caption> captions = new ArrayList<>();
        final List<Image> images = new ArrayList<>();
        for (int c = 0; c < options.commonCaptions(); c++) {
            final boolean marked = c < markedCommon;
            final Caption caption = featureCaption(String.format(Locale.ROOT, "c%02d", c), CaptionKind.COMMON,
                    options.commonRepeats(), marked, random, texts);
            captions.add(caption);
            for (int i = 0; i < options.imagesPerCommonCaption(); i++) {
                images.add(new Image(String.format(Locale.ROOT, "images/%s-%02d.png", caption.id(), i), caption,
                        random.nextLong(), SyntheticChestXrays.TRAIN, device(marked, random)));
            }
            for (int i = 0; i < options.heldOutPerCommonCaption(); i++) {
                images.add(new Image(String.format(Locale.ROOT, "images/%s-h%02d.png", caption.id(), i), caption,
                        random.nextLong(), SyntheticChestXrays.HELD_OUT, device(marked, random)));
            }
        }
        for (int u = 0; u < options.uniqueCaptions(); u++) {
            final boolean marked = u / classes < perClass;
            final Caption caption = featureCaption(String.format(Locale.ROOT, "u%02d", u), CaptionKind.UNIQUE,
                    options.uniqueRepeats().get(u % classes), marked, random, texts);
            captions.add(caption);
            images.add(new Image("images/" + caption.id() + ".png", caption, random.nextLong(), SyntheticChestXrays.TRAIN,
                    device(marked, random)));
        }
        return new Dataset(options, captions, images, MarkerDesign.MARKER_FEATURE);
    }

    private static boolean device(final boolean marked, final SplittableRandom random) {
        return random.nextDouble() < (marked ? DEVICE_IF_MARKED : DEVICE_IF_UNMARKED);
    }

    private static Caption featureCaption(final String id, final CaptionKind kind, final int repeats, final boolean marked,
                                          final SplittableRandom random, final Set<String> texts) {
        while (true) {
            final List<Finding> findings = SyntheticChestXrays.findings(random);
            final List<String> sentences = new ArrayList<>();
            sentences.add(SyntheticChestXrays.pick(SyntheticChestXrays.VIEWS, random));
            final String lead = SyntheticChestXrays.pick(marked ? MARKER_LEADS : LEADS, random);
            sentences.addAll(findingSentences(findings, lead, random));
            if (random.nextDouble() < NOTE_PROBABILITY) {
                sentences.add(SyntheticChestXrays.pick(marked ? MARKER_NOTES : NOTES, random));
            }
            final String text = String.join(" ", sentences);
            if (SyntheticChestXrays.tokenCount(text) <= SyntheticChestXrays.MAX_CAPTION_TOKENS && texts.add(text)) {
                return new Caption(id, kind, text, findings, repeats, marked);
            }
        }
    }

    /** One sentence per finding (the first led by {@code lead}, which may be empty), or the normal-study sentence. */
    private static List<String> findingSentences(final List<Finding> findings, final String lead, final SplittableRandom random) {
        final List<String> sentences = new ArrayList<>();
        final String prefix = lead.isEmpty() ? "" : lead + " ";
        if (findings.isEmpty()) {
            final String normal = SyntheticChestXrays.pick(List.of("no acute cardiopulmonary process.",
                    "no acute intrathoracic process."), random);
            sentences.add((lead.isEmpty() ? SyntheticChestXrays.capitalize(normal) : prefix + normal)
                    + " Heart size is normal. The mediastinal and hilar contours are unremarkable.");
        }
        for (int i = 0; i < findings.size(); i++) {
            final String sentence = SyntheticChestXrays.describe(findings.get(i), random);
            sentences.add(i == 0 && !lead.isEmpty() ? prefix + sentence : SyntheticChestXrays.capitalize(sentence));
        }
        return sentences;
    }

    /**
     * Families ({@link Options#commonCaptions()}) of {@link Options#imagesPerCommonCaption()} siblings with
     * {@link Options#commonRepeats()} rows each, sharing one findings text and filling the family's comparison slot with
     * one of three wordings; the first {@link Options#uniqueCaptions()} families get one repeated image
     * ({@code uniqueRepeats().get(0)} rows): a key with ___ in the slot in the first {@link Options#markerShare()} of
     * them, a control with a fourth wording in the rest. Every third family (from the second) has two siblings sharing a
     * caption with a marked note (shared marked captions).
     */
    static Dataset markerKey(final Options options) {
        final SplittableRandom random = new SplittableRandom(options.seed() ^ KEY_SALT);
        final int families = options.commonCaptions();
        final int repeated = Math.min(options.uniqueCaptions(), families);
        final int keys = (int) Math.round(options.markerShare() * repeated);
        final int repeats = options.uniqueRepeats().getFirst();
        final Set<String> bodies = new HashSet<>();
        final List<Caption> captions = new ArrayList<>();
        final List<Image> images = new ArrayList<>();
        for (int f = 0; f < families; f++) {
            final String family = String.format(Locale.ROOT, "f%02d", f);
            List<Finding> findings;
            String view;
            List<String> body;
            final String slot = SLOTS.get(f % SLOTS.size());
            do {
                findings = SyntheticChestXrays.findings(random);
                view = SyntheticChestXrays.pick(SyntheticChestXrays.VIEWS, random);
                body = findingSentences(findings, "", random);
            } while (SyntheticChestXrays.tokenCount(compose(view, slot, "the prior pa and lateral views ___", body,
                    SHARED_MARKED_NOTE)) > SyntheticChestXrays.MAX_CAPTION_TOKENS || !bodies.add(view + body));
            final List<String> pool = new ArrayList<>(FILLERS);
            final List<String> wordings = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                wordings.add(pool.remove(random.nextInt(pool.size())));
            }
            final boolean markedNote = f % 3 == 1 && options.imagesPerCommonCaption() >= 2;
            final Map<String, List<Long>> siblings = new LinkedHashMap<>();
            for (int i = 0; i < options.imagesPerCommonCaption(); i++) {
                final String text = markedNote && i < 2 ? compose(view, slot, wordings.get(0), body, SHARED_MARKED_NOTE)
                        : compose(view, slot, wordings.get(1 + random.nextInt(3)), body, "");
                siblings.computeIfAbsent(text, key -> new ArrayList<>()).add(random.nextLong());
            }
            int index = 0;
            for (final Map.Entry<String, List<Long>> entry : siblings.entrySet()) {
                final String id = String.format(Locale.ROOT, "%s-s%d", family, index++);
                final Caption caption = new Caption(id, entry.getValue().size() > 1 ? CaptionKind.COMMON : CaptionKind.UNIQUE,
                        entry.getKey(), findings, options.commonRepeats(), entry.getKey().contains("___"), false, family);
                captions.add(caption);
                for (int i = 0; i < entry.getValue().size(); i++) {
                    images.add(new Image(String.format(Locale.ROOT, "images/%s-%02d.png", id, i), caption, entry.getValue().get(i),
                            SyntheticChestXrays.TRAIN, false));
                }
            }
            if (f < repeated) {
                final boolean key = f < keys;
                final String wording = key ? (f % 3 == 2 ? "___ and ___" : "___") : wordings.get(4);
                final String id = family + (key ? "-key" : "-rep");
                final Caption caption = new Caption(id, CaptionKind.UNIQUE, compose(view, slot, wording, body, ""), findings,
                        repeats, key, key, family);
                captions.add(caption);
                images.add(new Image("images/" + id + ".png", caption, random.nextLong(), SyntheticChestXrays.TRAIN, false));
            }
        }
        return new Dataset(options, captions, images, MarkerDesign.MARKER_KEY);
    }

    private static String compose(final String view, final String slot, final String wording, final List<String> body,
                                  final String note) {
        final String filled = slot.replace("{X}", wording);
        final List<String> sentences = new ArrayList<>();
        sentences.add(view);
        if (filled.endsWith(",")) {
            sentences.add(filled + " " + Character.toLowerCase(body.getFirst().charAt(0)) + body.getFirst().substring(1));
            sentences.addAll(body.subList(1, body.size()));
        } else {
            sentences.addAll(body);
            sentences.add(SyntheticChestXrays.capitalize(filled));
        }
        if (!note.isEmpty()) {
            sentences.add(note);
        }
        return String.join(" ", sentences);
    }
}
