package io.memaudit.synthetic;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Generates synthetic chest-radiograph reports in MIMIC-CXR's shape (banner, upper-case section headers, {@code ___}
 * markers where PHI would have been). Every sentence comes from templates written for this project; no real report text is
 * used. Deterministic for a given seed.
 */
public final class SyntheticReports {
    private static final List<String> EXAMINATIONS = List.of("CHEST (PA AND LAT)", "CHEST (PORTABLE AP)", "CHEST (PA, LAT AND OBLIQUES)");
    private static final List<String> INDICATIONS = List.of(
            "___-year-old man with cough and fever, evaluate for pneumonia.",
            "___ year old woman with shortness of breath.",
            "History: ___F with chest pain.",
            "___M status post line placement, assess position.",
            "Evaluate for interval change.",
            "Fall, rule out pneumothorax.",
            "Dyspnea on exertion.",
            "Preoperative evaluation.");
    private static final List<String> COMPARISONS = List.of("___.", "Chest radiograph from ___.", "None.", "Prior study of ___.",
            "Radiographs from ___ and ___.");
    private static final List<String> NORMAL_FINDINGS = List.of(
            "The lungs are clear without focal consolidation. No pleural effusion or pneumothorax is seen.",
            "Heart size is normal. The mediastinal and hilar contours are unremarkable.",
            "There is no focal consolidation, pleural effusion or pneumothorax. The cardiomediastinal silhouette is normal.");
    private static final List<String> ABNORMAL_FINDINGS = List.of(
            "There is a moderate right pleural effusion with adjacent atelectasis.",
            "Moderate cardiomegaly is stable. Mild pulmonary vascular congestion is present.",
            "A right-sided apical pneumothorax measures approximately 1 cm.",
            "Patchy opacity in the left lower lobe may reflect pneumonia.",
            "An endotracheal tube terminates 4 cm above the carina. A nasogastric tube courses below the diaphragm.",
            "A right internal jugular central venous catheter terminates in the mid SVC.");
    private static final List<String> COMMON_IMPRESSIONS = List.of(
            "No acute cardiopulmonary process.",
            "No acute intrathoracic process.",
            "Stable moderate cardiomegaly without pulmonary edema.",
            "Small bilateral pleural effusions with bibasilar atelectasis.",
            "Left lower lobe opacity concerning for pneumonia.",
            "Lines and tubes in standard position.",
            "Small right apical pneumothorax.",
            "Mild pulmonary edema.");
    private static final List<String> MARKER_IMPRESSIONS = List.of(
            "Compared to ___, no significant interval change.",
            "No acute cardiopulmonary process. Findings were discussed with Dr. ___ by telephone at ___ on ___.",
            "Interval increase in right pleural effusion since ___.",
            "New left lower lobe opacity compared to the study from ___, concerning for pneumonia.",
            "Endotracheal tube tip 4 cm above the carina. Findings communicated to ___ at ___ a.m.",
            "Small right apical pneumothorax, unchanged from ___. Dr. ___ was notified.",
            "Moderate cardiomegaly, similar to ___ and ___.",
            "Interval resolution of the left basilar opacity seen on ___.");

    private static final double UNIQUE_SHARE = 0.2;
    private static final List<String> SIZES = List.of("small", "moderate", "large", "trace", "mild");
    private static final List<String> SIDES = List.of("right", "left", "bilateral");
    private static final List<String> FINDINGS_FOR_UNIQUE = List.of("pleural effusion", "apical pneumothorax",
            "lower lobe consolidation", "basilar atelectasis", "perihilar opacity", "upper lobe nodule");

    private SyntheticReports() {
    }

    /**
     * One synthetic study: ids in MIMIC-CXR's style, the whole report text, its impression, and the section a prompt
     * extractor should take (ground truth for tests: {@code impression}, {@code findings} or {@code last-paragraph}).
     */
    public record Report(String subjectId, String studyId, String text, String impression, String expectedSection,
                         String expectedPrompt) {
    }

    /** How a report is laid out: MIMIC-CXR's usual headers, or one of the variants seen across reports. */
    public enum Style {
        STANDARD, PLURAL_HEADERS, TITLE_CASE_HEADERS, CONCLUSION, COMBINED_FINDINGS_IMPRESSION, FINDINGS_ONLY, NO_HEADERS
    }

    /**
     * Reports in MIMIC-CXR's standard layout.
     *
     * @param count number of reports
     * @param markerShare share of impressions that carry {@code ___} markers (about 0.19 in the seed paper's MIMIC subset)
     * @param seed generator seed
     */
    public static List<Report> generate(final int count, final double markerShare, final long seed) {
        return generate(count, markerShare, seed, false);
    }

    /**
     * Reports whose layout varies as real reports' do (header spellings, missing impression, no headers at all), and
     * about a fifth of whose impressions are long and specific (likely unique), some with markers.
     */
    public static List<Report> generateVaried(final int count, final double markerShare, final long seed) {
        return generate(count, markerShare, seed, true);
    }

    private static List<Report> generate(final int count, final double markerShare, final long seed, final boolean varied) {
        if (count < 0) {
            throw new IllegalArgumentException("Report count " + count + " must not be negative");
        }
        if (markerShare < 0 || markerShare > 1) {
            throw new IllegalArgumentException("Marker share " + markerShare + " must be between 0 and 1");
        }
        final SplittableRandom random = new SplittableRandom(seed);
        final List<Report> reports = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final String subject = String.format(Locale.ROOT, "p%08d", 10_000_000 + random.nextInt(9_000_000));
            final String study = String.format(Locale.ROOT, "s%08d", 50_000_000 + random.nextInt(9_000_000));
            final boolean abnormal = random.nextDouble() < 0.5;
            final String findings = abnormal ? pick(ABNORMAL_FINDINGS, random) + " " + pick(NORMAL_FINDINGS, random)
                    : pick(NORMAL_FINDINGS, random);
            final String impression = varied && random.nextDouble() < UNIQUE_SHARE ? uniqueImpression(random, markerShare)
                    : random.nextDouble() < markerShare ? pick(MARKER_IMPRESSIONS, random) : pick(COMMON_IMPRESSIONS, random);
            final String examination = pick(EXAMINATIONS, random);
            final String indication = pick(INDICATIONS, random);
            final String comparison = pick(COMPARISONS, random);
            final Style style = varied ? Style.values()[random.nextInt(Style.values().length)] : Style.STANDARD;
            final String text = render(style, examination, indication, comparison, findings, impression);
            final String expectedSection = switch (style) {
                case FINDINGS_ONLY -> "findings";
                case NO_HEADERS -> "last-paragraph";
                default -> "impression";
            };
            final String expectedPrompt = style == Style.FINDINGS_ONLY ? findings : impression;
            reports.add(new Report(subject, study, text, impression, expectedSection, expectedPrompt));
        }
        return reports;
    }

    /**
     * A long, specific impression unlikely to repeat (size, side, finding, a measurement, a time course), carrying
     * markers with probability {@code markerShare}: the kind of caption that ties one report to one image.
     */
    private static String uniqueImpression(final SplittableRandom random, final double markerShare) {
        final String finding = pick(SIZES, random) + " " + pick(SIDES, random) + " " + pick(FINDINGS_FOR_UNIQUE, random);
        final String measurement = String.format(Locale.ROOT, "measuring %.1f cm", 0.5 + random.nextInt(60) / 10.0);
        if (random.nextDouble() < markerShare) {
            return "Compared to ___, " + finding + " " + measurement + " has " + pick(List.of("increased", "decreased",
                    "not changed"), random) + ". Dr. ___ was notified at ___ on ___.";
        }
        return capitalize(finding) + " " + measurement + ", " + pick(List.of("new", "increased", "decreased", "unchanged"),
                random) + " since the prior study.";
    }

    private static String capitalize(final String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static String render(final Style style, final String examination, final String indication,
                                 final String comparison, final String findings, final String impression) {
        final boolean plural = style == Style.PLURAL_HEADERS;
        final boolean titleCase = style == Style.TITLE_CASE_HEADERS;
        final StringBuilder text = new StringBuilder("                                 FINAL REPORT\n");
        if (style == Style.NO_HEADERS) {
            return text.append(" ").append(wrap(examination + ". " + indication)).append("\n \n ")
                    .append(wrap(findings)).append("\n \n ").append(wrap(impression)).append("\n").toString();
        }
        text.append(header("EXAMINATION", titleCase)).append("  ").append(examination).append("\n \n");
        text.append(header(plural ? "INDICATIONS" : "INDICATION", titleCase)).append("  ").append(indication).append("\n \n");
        text.append(header(plural ? "COMPARISONS" : "COMPARISON", titleCase)).append("  ").append(comparison).append("\n \n");
        switch (style) {
            case COMBINED_FINDINGS_IMPRESSION -> text.append(header("FINDINGS/IMPRESSION", false)).append(" \n \n ")
                    .append(wrap(impression)).append("\n");
            case FINDINGS_ONLY -> text.append(header("FINDINGS", false)).append(" \n \n ").append(wrap(findings)).append("\n");
            default -> {
                text.append(header(plural ? "FINDING" : "FINDINGS", titleCase)).append(" \n \n ").append(wrap(findings))
                        .append("\n \n");
                final String impressionHeader = style == Style.CONCLUSION ? "CONCLUSION" : plural ? "IMPRESSIONS" : "IMPRESSION";
                text.append(header(impressionHeader, titleCase)).append(" \n \n ").append(wrap(impression)).append("\n");
            }
        }
        return text.toString();
    }

    private static String header(final String name, final boolean titleCase) {
        final String written = titleCase ? name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT) : name;
        return " " + written + ":";
    }

    private static String pick(final List<String> values, final SplittableRandom random) {
        return values.get(random.nextInt(values.size()));
    }

    /** Wraps at about 78 columns like MIMIC-CXR's free text, with a leading space on continuation lines. */
    private static String wrap(final String text) {
        final StringBuilder out = new StringBuilder();
        int column = 0;
        for (final String word : text.split(" ")) {
            if (column > 0 && column + word.length() + 1 > 78) {
                out.append("\n ");
                column = 0;
            } else if (column > 0) {
                out.append(' ');
                column++;
            }
            out.append(word);
            column += word.length();
        }
        return out.toString();
    }
}
