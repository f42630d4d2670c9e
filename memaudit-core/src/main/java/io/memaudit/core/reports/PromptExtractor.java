package io.memaudit.core.reports;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Takes a training prompt from a radiology report: the first section in order of preference that has text (default:
 * impression, then findings, then the report's last paragraph), normalised (wrapped lines joined, whitespace collapsed).
 * RadEdit was trained on MIMIC-CXR impressions.
 */
public final class PromptExtractor {
    /** Pseudo-section: the last paragraph of the report (blank-line separated), header stripped. */
    public static final String LAST_PARAGRAPH = "last-paragraph";
    public static final List<String> DEFAULT_PREFERENCE = List.of("impression", "findings", LAST_PARAGRAPH);

    private final List<String> preference;

    /** @param preference section names (canonical, see {@link ReportSections#canonical}) or {@value #LAST_PARAGRAPH} */
    public PromptExtractor(final List<String> preference) {
        Objects.requireNonNull(preference, "preference");
        if (preference.isEmpty()) {
            throw new IllegalArgumentException("Section preference is empty: name at least one section, e.g. impression");
        }
        this.preference = preference.stream()
                .map(name -> LAST_PARAGRAPH.equalsIgnoreCase(name.strip()) ? LAST_PARAGRAPH : ReportSections.canonical(name))
                .toList();
    }

    public PromptExtractor() {
        this(DEFAULT_PREFERENCE);
    }

    /** Parses a comma-separated preference such as {@code impression,findings,last-paragraph}. */
    public static PromptExtractor fromPreference(final String commaSeparated) {
        return new PromptExtractor(List.of(commaSeparated.split("\\s*,\\s*")).stream().filter(s -> !s.isBlank()).toList());
    }

    public List<String> preference() {
        return preference;
    }

    /**
     * @throws UnusableReportException when the report is empty, looks binary, or none of the preferred sections has text
     */
    public ExtractedPrompt extract(final String report) throws UnusableReportException {
        if (report.isBlank()) {
            throw new UnusableReportException("the report is empty");
        }
        if (looksBinary(report)) {
            throw new UnusableReportException("the report looks binary (control characters), not text");
        }
        final List<ReportSection> sections = ReportSections.parse(report);
        for (final String wanted : preference) {
            final String text = LAST_PARAGRAPH.equals(wanted) ? lastParagraph(sections) : firstBody(sections, wanted);
            final String normalized = normalize(text);
            if (hasWords(normalized)) {
                return new ExtractedPrompt(wanted, normalized, SentenceSplitter.split(normalized));
            }
        }
        throw new UnusableReportException("no text in any preferred section (" + String.join(", ", preference) + ")");
    }

    /** Joins wrapped lines and collapses every run of whitespace into one space. */
    public static String normalize(final String text) {
        return text == null ? "" : text.strip().replaceAll("\\s+", " ");
    }

    private static String firstBody(final List<ReportSection> sections, final String name) {
        return sections.stream().filter(section -> section.name().equals(name) && hasWords(section.body()))
                .map(ReportSection::body).findFirst().orElse(null);
    }

    /** The last blank-line separated paragraph with words, in the last section that has text. */
    private static String lastParagraph(final List<ReportSection> sections) {
        for (int i = sections.size() - 1; i >= 0; i--) {
            final String[] paragraphs = sections.get(i).body().split("\\n[ \\t]*\\n");
            for (int j = paragraphs.length - 1; j >= 0; j--) {
                if (hasWords(paragraphs[j])) {
                    return paragraphs[j];
                }
            }
        }
        return null;
    }

    private static boolean hasWords(final String text) {
        if (text == null) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isLetter(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean looksBinary(final String report) {
        int control = 0;
        final int limit = Math.min(report.length(), 8192);
        for (int i = 0; i < limit; i++) {
            final char c = report.charAt(i);
            if (c == 0 || c == '\uFFFD') {
                return true;
            }
            if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t' && c != '\f') {
                control++;
            }
        }
        return control > limit / 100;
    }

    @Override
    public String toString() {
        return String.join(",", preference).toLowerCase(Locale.ROOT);
    }
}
