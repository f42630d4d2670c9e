package io.memaudit.core.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a free-text radiology report into sections, following MIMIC-CXR's conventions: an optional banner line
 * ({@code FINAL REPORT}), headers in capitals followed by a colon at the start of a line ({@code IMPRESSION:}), bodies that
 * start on the header's line or below it and run until the next header. Header spellings that differ between reports
 * ({@code IMPRESSIONS:}, {@code Conclusion:}, {@code CLINICAL HISTORY:}, {@code FINDINGS/IMPRESSION:}) map to one canonical
 * name.
 */
public final class ReportSections {
    private static final Pattern HEADER = Pattern.compile(
            "^[ \\t]*([A-Z][A-Z0-9 /&()'-]{0,48}?)[ \\t]*:(?![0-9])[ \\t]*(.*)$");
    private static final Pattern KNOWN_HEADER_ANY_CASE = Pattern.compile(
            "^[ \\t]*([A-Za-z][A-Za-z /&()'-]{0,48}?)[ \\t]*:(?![0-9])[ \\t]*(.*)$");
    private static final Pattern BANNER = Pattern.compile("^[ \\t]*(FINAL|PRELIMINARY|WET READ|ADDENDUM)?[ \\t]*REPORT[ \\t]*$");
    private static final Map<String, String> CANONICAL = canonicalNames();

    private ReportSections() {
    }

    /** The sections of {@code report} in order; a report without headers is one {@code preamble} section. */
    public static List<ReportSection> parse(final String report) {
        final List<ReportSection> sections = new ArrayList<>();
        String name = "preamble";
        String header = "";
        StringBuilder body = new StringBuilder();
        for (final String line : report.split("\r\n|\r|\n", -1)) {
            if (BANNER.matcher(line).matches()) {
                continue;
            }
            final Matcher match = headerOf(line);
            if (match != null) {
                addIfUseful(sections, name, header, body);
                header = match.group(1).strip();
                name = canonical(header);
                body = new StringBuilder(match.group(2));
            } else {
                if (!body.isEmpty()) {
                    body.append('\n');
                }
                body.append(line);
            }
        }
        addIfUseful(sections, name, header, body);
        return sections;
    }

    /** Canonical section name for a header as written, e.g. {@code "IMPRESSIONS"} becomes {@code "impression"}. */
    public static String canonical(final String header) {
        final String key = header.strip().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        return CANONICAL.getOrDefault(key, key.toLowerCase(Locale.ROOT));
    }

    /** A header match for the line, or null: capitals and a colon, or a known header name in any case and a colon. */
    private static Matcher headerOf(final String line) {
        final Matcher capitals = HEADER.matcher(line);
        if (capitals.matches()) {
            return capitals;
        }
        final Matcher anyCase = KNOWN_HEADER_ANY_CASE.matcher(line);
        if (anyCase.matches() && CANONICAL.containsKey(anyCase.group(1).strip().toUpperCase(Locale.ROOT))) {
            return anyCase;
        }
        return null;
    }

    private static void addIfUseful(final List<ReportSection> sections, final String name, final String header,
                                    final StringBuilder body) {
        if (!header.isEmpty() || !body.toString().isBlank()) {
            sections.add(new ReportSection(name, header, body.toString()));
        }
    }

    private static Map<String, String> canonicalNames() {
        final Map<String, String> names = new java.util.HashMap<>();
        for (final String header : List.of("IMPRESSION", "IMPRESSIONS", "CONCLUSION", "CONCLUSIONS", "SUMMARY", "OPINION",
                "FINDINGS/IMPRESSION", "FINDINGS AND IMPRESSION", "IMPRESSION/FINDINGS", "FINDINGS/IMPRESSIONS")) {
            names.put(header, "impression");
        }
        for (final String header : List.of("FINDINGS", "FINDING", "REPORT", "REPORT TEXT")) {
            names.put(header, "findings");
        }
        for (final String header : List.of("INDICATION", "INDICATIONS", "HISTORY", "CLINICAL HISTORY", "CLINICAL INDICATION",
                "REASON FOR EXAM", "REASON FOR EXAMINATION", "REASON FOR STUDY", "CLINICAL INFORMATION")) {
            names.put(header, "indication");
        }
        for (final String header : List.of("COMPARISON", "COMPARISONS", "PRIOR", "PRIOR STUDY", "PRIOR STUDIES")) {
            names.put(header, "comparison");
        }
        for (final String header : List.of("TECHNIQUE", "TECHNIQUES", "EXAMINATION", "EXAM", "PROCEDURE", "STUDY", "VIEWS")) {
            names.put(header, "technique");
        }
        for (final String header : List.of("RECOMMENDATION", "RECOMMENDATIONS", "RECOMMENDATION(S)")) {
            names.put(header, "recommendation");
        }
        names.put("NOTIFICATION", "notification");
        names.put("ADDENDUM", "addendum");
        names.put("WET READ", "wet read");
        return Map.copyOf(names);
    }
}
