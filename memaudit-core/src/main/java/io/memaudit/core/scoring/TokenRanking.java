package io.memaudit.core.scoring;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dataset-level token ranking: for every tokenizer piece (special tokens excluded), its mean significance over all its
 * occurrences, how often it occurs and in how many prompts; plus where markers rank within their prompts. This is the
 * seed paper's "which token is most memorized" question asked of a whole dataset.
 *
 * @param tokens pieces by mean significance, highest first
 * @param promptsWithMarkers prompts that contain at least one marker
 * @param markerTopShare share of those prompts whose most significant word is a marker (rank 1)
 * @param meanMarkerRank mean {@link PromptSignificance#markerRank()} over those prompts (NaN when there are none)
 */
public record TokenRanking(List<Entry> tokens, int promptsWithMarkers, double markerTopShare, double meanMarkerRank) {

    /** One piece's statistics. */
    public record Entry(String token, double meanSignificance, int occurrences, int prompts) {
    }

    public static TokenRanking of(final List<PromptSignificance> prompts) {
        final Map<String, double[]> totals = new HashMap<>();
        int withMarkers = 0;
        int markerTop = 0;
        long rankSum = 0;
        for (final PromptSignificance prompt : prompts) {
            final Map<String, Boolean> seen = new HashMap<>();
            for (final PromptSignificance.Piece token : prompt.tokens()) {
                if (token.start() < 0) {
                    continue;
                }
                final double[] total = totals.computeIfAbsent(token.text(), key -> new double[3]);
                total[0] += token.significance();
                total[1]++;
                if (seen.put(token.text(), Boolean.TRUE) == null) {
                    total[2]++;
                }
            }
            final int rank = prompt.markerRank();
            if (rank > 0) {
                withMarkers++;
                rankSum += rank;
                markerTop += rank == 1 ? 1 : 0;
            }
        }
        final List<Entry> entries = new ArrayList<>();
        totals.forEach((token, total) -> entries.add(new Entry(token, total[0] / total[1], (int) total[1], (int) total[2])));
        entries.sort(Comparator.comparingDouble(Entry::meanSignificance).reversed().thenComparing(Entry::token));
        return new TokenRanking(List.copyOf(entries), withMarkers,
                withMarkers == 0 ? Double.NaN : (double) markerTop / withMarkers,
                withMarkers == 0 ? Double.NaN : (double) rankSum / withMarkers);
    }

    /** 1-based rank of a piece in {@link #tokens()}, or 0 when it never occurs. */
    public int rankOf(final String token) {
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).token().equals(token)) {
                return i + 1;
            }
        }
        return 0;
    }
}
