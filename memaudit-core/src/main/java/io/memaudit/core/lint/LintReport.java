package io.memaudit.core.lint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.core.provenance.Provenance;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The facts {@link PromptLint} found, and a verdict per prompt. Holds no prompt text except marker forms (such as
 * {@code ___}), so it can be logged and shared.
 *
 * @param records records seen, with or without a text prompt
 * @param prompts records with a text prompt
 * @param distinctPrompts distinct prompt texts
 * @param uniquePrompts prompt texts that occur exactly once
 * @param promptsWithMarkers prompts carrying at least one marker
 * @param uniquePromptsWithMarkers prompts that occur once and carry a marker
 * @param markerForms each marker form with its occurrences and the number of distinct prompts it appears in
 * @param duplicateGroups distinct texts that occur more than once
 * @param duplicateRecords prompts whose exact text occurs more than once
 * @param largestDuplicateGroup the most repeated text's count
 * @param nearDuplicateGroups groups of different texts that are the same after normalisation
 * @param nearDuplicateRecords prompts in such groups
 * @param lengths caption length in words
 * @param risks one verdict per prompt, in the order added
 */
public record LintReport(long records, long prompts, long distinctPrompts, long uniquePrompts, long promptsWithMarkers,
                         long uniquePromptsWithMarkers, List<MarkerForm> markerForms, long duplicateGroups,
                         long duplicateRecords, int largestDuplicateGroup, long nearDuplicateGroups,
                         long nearDuplicateRecords, Lengths lengths, List<PromptRisk> risks) {

    public LintReport {
        markerForms = List.copyOf(markerForms);
        risks = List.copyOf(risks);
    }

    /** A marker form such as {@code ___}: how often it occurs and in how many distinct prompts. */
    public record MarkerForm(String form, long occurrences, long distinctPrompts) {
    }

    /** Caption length in words: mean, median, 95th percentile, maximum, and the length counted as long (90th percentile). */
    public record Lengths(double mean, int median, int p95, int max, int longThreshold) {
    }

    /** The verdict for the {@code index}-th prompt added (0-based). */
    public PromptRisk risk(final int index) {
        return risks.get(index);
    }

    /** Number of prompts per risk level. */
    public Map<PromptRisk.Level, Long> riskCounts() {
        final Map<PromptRisk.Level, Long> counts = new EnumMap<>(PromptRisk.Level.class);
        for (final PromptRisk.Level level : PromptRisk.Level.values()) {
            counts.put(level, 0L);
        }
        risks.forEach(risk -> counts.merge(risk.level(), 1L, Long::sum));
        return counts;
    }

    /** Share of prompts that are unique and carry a marker (0 when there are no prompts). */
    public double uniqueWithMarkersShare() {
        return prompts == 0 ? 0 : uniquePromptsWithMarkers / (double) prompts;
    }

    /** A short human-readable table of the facts. */
    public String toTable() {
        final StringBuilder out = new StringBuilder();
        final Map<PromptRisk.Level, Long> counts = riskCounts();
        out.append(String.format(Locale.ROOT, "records %,d | with text %,d | distinct %,d | unique %,d (%.1f%%)%n", records,
                prompts, distinctPrompts, uniquePrompts, percent(uniquePrompts, prompts)));
        out.append(String.format(Locale.ROOT, "with markers %,d (%.1f%%) | unique with markers %,d (%.1f%%)%n",
                promptsWithMarkers, percent(promptsWithMarkers, prompts), uniquePromptsWithMarkers,
                100 * uniqueWithMarkersShare()));
        out.append(String.format(Locale.ROOT, "exact duplicates: %,d texts repeated, covering %,d prompts (largest group %,d)%n",
                duplicateGroups, duplicateRecords, largestDuplicateGroup));
        out.append(String.format(Locale.ROOT, "near-duplicates: %,d groups covering %,d prompts%n", nearDuplicateGroups,
                nearDuplicateRecords));
        out.append(String.format(Locale.ROOT, "length in words: mean %.1f, median %d, p95 %d, max %d%n", lengths.mean(),
                lengths.median(), lengths.p95(), lengths.max()));
        out.append(String.format(Locale.ROOT, "%-12s %12s %16s%n", "marker form", "occurrences", "distinct prompts"));
        for (final MarkerForm form : markerForms.subList(0, Math.min(10, markerForms.size()))) {
            out.append(String.format(Locale.ROOT, "%-12s %,12d %,16d%n", form.form(), form.occurrences(), form.distinctPrompts()));
        }
        out.append(String.format(Locale.ROOT, "risk: high %,d | medium %,d | low %,d%n", counts.get(PromptRisk.Level.HIGH),
                counts.get(PromptRisk.Level.MEDIUM), counts.get(PromptRisk.Level.LOW)));
        return out.toString();
    }

    /**
     * The facts as a JSON object (no prompt text), preceded by {@code provenance} entries such as the tool and the input;
     * the one format shared by the command line and NiFi.
     */
    public String toJson(final Map<String, String> provenance) {
        final ObjectNode json = Provenance.JSON.createObjectNode();
        provenance.forEach(json::put);
        json.put("records", records);
        json.put("prompts", prompts);
        json.put("distinct_prompts", distinctPrompts);
        json.put("unique_prompts", uniquePrompts);
        json.put("prompts_with_markers", promptsWithMarkers);
        json.put("unique_prompts_with_markers", uniquePromptsWithMarkers);
        json.put("unique_with_markers_share", uniqueWithMarkersShare());
        final ObjectNode exact = json.putObject("exact_duplicates");
        exact.put("groups", duplicateGroups);
        exact.put("prompts", duplicateRecords);
        exact.put("largest_group", largestDuplicateGroup);
        final ObjectNode near = json.putObject("near_duplicates");
        near.put("groups", nearDuplicateGroups);
        near.put("prompts", nearDuplicateRecords);
        final ObjectNode length = json.putObject("length_words");
        length.put("mean", lengths.mean());
        length.put("median", lengths.median());
        length.put("p95", lengths.p95());
        length.put("max", lengths.max());
        length.put("long_threshold", lengths.longThreshold());
        final Map<PromptRisk.Level, Long> counts = riskCounts();
        final ObjectNode risk = json.putObject("risk");
        risk.put("high", counts.get(PromptRisk.Level.HIGH));
        risk.put("medium", counts.get(PromptRisk.Level.MEDIUM));
        risk.put("low", counts.get(PromptRisk.Level.LOW));
        final ArrayNode forms = json.putArray("marker_forms");
        for (final MarkerForm form : markerForms) {
            final ObjectNode entry = forms.addObject();
            entry.put("form", form.form());
            entry.put("occurrences", form.occurrences());
            entry.put("distinct_prompts", form.distinctPrompts());
        }
        try {
            return Provenance.JSON.writeValueAsString(json) + "\n";
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("cannot write the lint report as JSON", e);
        }
    }

    private static double percent(final long part, final long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }
}
