package io.memaudit.core.lint;

import io.memaudit.core.markers.MarkerFinder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A model-free risk profile of a prompt dataset: the cheap pre-screen to run before spending GPU time on dmem.
 *
 * <p>Facts: how often each marker form appears and in how many distinct prompts, exact duplicates, near-duplicates (same
 * text after lower-casing, masking markers and digits, and dropping punctuation), caption length in words, and the share
 * of prompts that are unique and carry markers. Add every prompt with {@link #add}, then {@link #finish}; per-prompt
 * verdicts come from {@link LintReport#risk(int)} in the order prompts were added. Not thread-safe.
 */
public final class PromptLint {
    private final MarkerFinder finder;
    private final List<String> prompts = new ArrayList<>();
    private final List<int[]> markerFormIds = new ArrayList<>();
    private final Map<String, Integer> markerFormIndex = new LinkedHashMap<>();
    private long records;

    public PromptLint(final MarkerFinder finder) {
        this.finder = Objects.requireNonNull(finder, "finder");
    }

    /** Adds one record's prompt; {@code null} for a record without a text prompt (counted, not profiled). */
    public void add(final String prompt) {
        records++;
        if (prompt == null) {
            return;
        }
        prompts.add(prompt);
        final MarkerFinder.Scan scan = finder.scan(prompt);
        final List<Integer> forms = new ArrayList<>(2);
        while (scan.next()) {
            final String form = prompt.substring(scan.start(), scan.end());
            forms.add(markerFormIndex.computeIfAbsent(form, key -> markerFormIndex.size()));
        }
        markerFormIds.add(forms.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Computes the dataset facts and every prompt's verdict. */
    public LintReport finish() {
        final Map<String, Integer> exactCounts = new HashMap<>();
        final Map<String, Set<String>> nearGroups = new HashMap<>();
        final int[] words = new int[prompts.size()];
        for (int i = 0; i < prompts.size(); i++) {
            final String prompt = prompts.get(i);
            exactCounts.merge(prompt, 1, Integer::sum);
            nearGroups.computeIfAbsent(nearDuplicateKey(prompt), key -> new HashSet<>()).add(prompt);
            words[i] = wordCount(prompt);
        }
        final int[] sortedWords = words.clone();
        Arrays.sort(sortedWords);
        final int longThreshold = percentile(sortedWords, 0.90);

        final List<String> forms = new ArrayList<>(markerFormIndex.keySet());
        final long[] formOccurrences = new long[forms.size()];
        final List<Set<String>> formPrompts = new ArrayList<>();
        forms.forEach(form -> formPrompts.add(new HashSet<>()));
        final List<PromptRisk> risks = new ArrayList<>(prompts.size());
        long withMarkers = 0;
        long uniqueWithMarkers = 0;
        long nearDuplicateRecords = 0;
        for (int i = 0; i < prompts.size(); i++) {
            final String prompt = prompts.get(i);
            final int[] ids = markerFormIds.get(i);
            for (final int id : ids) {
                formOccurrences[id]++;
                formPrompts.get(id).add(prompt);
            }
            final boolean marker = ids.length > 0;
            final boolean unique = exactCounts.get(prompt) == 1;
            final boolean nearDuplicate = nearGroups.get(nearDuplicateKey(prompt)).size() > 1;
            final boolean isLong = words[i] >= longThreshold && longThreshold > 0;
            withMarkers += marker ? 1 : 0;
            uniqueWithMarkers += marker && unique ? 1 : 0;
            nearDuplicateRecords += nearDuplicate ? 1 : 0;
            risks.add(risk(marker, unique, isLong, nearDuplicate));
        }
        final List<LintReport.MarkerForm> markerForms = new ArrayList<>();
        for (int id = 0; id < forms.size(); id++) {
            markerForms.add(new LintReport.MarkerForm(forms.get(id), formOccurrences[id], formPrompts.get(id).size()));
        }
        markerForms.sort((a, b) -> Long.compare(b.occurrences(), a.occurrences()));
        final long duplicateGroups = exactCounts.values().stream().filter(count -> count > 1).count();
        final long duplicateRecords = exactCounts.values().stream().filter(count -> count > 1).mapToLong(Integer::longValue).sum();
        final int largestGroup = exactCounts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        final long nearGroupCount = nearGroups.values().stream().filter(group -> group.size() > 1).count();
        final long uniquePrompts = exactCounts.values().stream().filter(count -> count == 1).count();
        final LintReport.Lengths lengths = new LintReport.Lengths(
                Arrays.stream(words).average().orElse(0), percentile(sortedWords, 0.5), percentile(sortedWords, 0.95),
                sortedWords.length == 0 ? 0 : sortedWords[sortedWords.length - 1], longThreshold);
        return new LintReport(records, prompts.size(), exactCounts.size(), uniquePrompts, withMarkers, uniqueWithMarkers,
                markerForms, duplicateGroups, duplicateRecords, largestGroup, nearGroupCount, nearDuplicateRecords, lengths, risks);
    }

    private static PromptRisk risk(final boolean marker, final boolean unique, final boolean isLong, final boolean nearDuplicate) {
        final List<String> reasons = new ArrayList<>(4);
        if (marker) {
            reasons.add("marker");
        }
        if (unique) {
            reasons.add("unique");
        }
        if (isLong) {
            reasons.add("long");
        }
        if (nearDuplicate) {
            reasons.add("near-duplicate");
        }
        final PromptRisk.Level level;
        if (marker && unique) {
            level = PromptRisk.Level.HIGH;
        } else if (marker || (unique && isLong)) {
            level = PromptRisk.Level.MEDIUM;
        } else {
            level = PromptRisk.Level.LOW;
        }
        return new PromptRisk(level, reasons);
    }

    /** Lower-cased, markers masked, digits zeroed, punctuation dropped, whitespace collapsed. */
    String nearDuplicateKey(final String prompt) {
        final StringBuilder masked = new StringBuilder(prompt.length());
        final MarkerFinder.Scan scan = finder.scan(prompt);
        int copied = 0;
        while (scan.next()) {
            masked.append(prompt, copied, scan.start()).append(" marker ");
            copied = scan.end();
        }
        masked.append(prompt, copied, prompt.length());
        return masked.toString().toLowerCase(Locale.ROOT).replaceAll("\\d", "0").replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }

    private static int wordCount(final String prompt) {
        int count = 0;
        boolean inWord = false;
        for (int i = 0; i < prompt.length(); i++) {
            final boolean letterOrDigit = Character.isLetterOrDigit(prompt.charAt(i)) || prompt.charAt(i) == '_';
            if (letterOrDigit && !inWord) {
                count++;
            }
            inWord = letterOrDigit;
        }
        return count;
    }

    /** Nearest-rank percentile of sorted values (0 when there are none). */
    private static int percentile(final int[] sorted, final double fraction) {
        if (sorted.length == 0) {
            return 0;
        }
        final int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
