package io.memaudit.core.scoring;

import io.memaudit.core.markers.MarkerFinder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One prompt's token significance, read three ways: per tokenizer piece, per whitespace-separated word of the prompt, and
 * per de-identification marker (the three {@code _} pieces BERT's pre-tokenizer makes of one {@code ___} are one marker).
 * A word's or marker's significance is the mean over the pieces that start inside it, so that words and markers made of
 * several pieces are not favoured over one-piece words (a sum would triple every {@code ___}).
 *
 * @param tokens every non-padding piece in order, special tokens included (their span is -1, -1)
 * @param words the prompt's words in order
 * @param markers the prompt's markers in order
 * @param padding summed significance of the padding positions (the text encoder sees them: no attention mask)
 * @param truncated whether the prompt was cut to the text encoder's length (pieces past it carry no significance)
 */
public record PromptSignificance(List<Piece> tokens, List<Piece> words, List<Piece> markers, double padding, boolean truncated) {

    /** A piece of the prompt: its text, character span in the prompt, significance, and the tokenizer pieces it covers. */
    public record Piece(String text, int start, int end, double significance, int pieces) {
    }

    /**
     * @param tokenized the prompt's token positions, as the text encoder saw them
     * @param perPosition significance per token position (same length as {@code tokenized})
     * @param markerFinder the markers to group by
     */
    public static PromptSignificance of(final String prompt, final TokenizedPrompt tokenized, final double[] perPosition,
                                        final MarkerFinder markerFinder) {
        if (perPosition.length != tokenized.length()) {
            throw new IllegalArgumentException("significance has " + perPosition.length + " positions, the tokenized prompt "
                    + tokenized.length());
        }
        final List<Piece> tokens = new ArrayList<>();
        double padding = 0;
        for (int position = 0; position < tokenized.length(); position++) {
            if (tokenized.padding()[position]) {
                padding += perPosition[position];
            } else if (tokenized.special()[position] || tokenized.start()[position] < 0) {
                tokens.add(new Piece(tokenized.pieces()[position], -1, -1, perPosition[position], 1));
            } else {
                tokens.add(new Piece(tokenized.pieces()[position], tokenized.start()[position], tokenized.end()[position],
                        perPosition[position], 1));
            }
        }
        final List<Piece> words = new ArrayList<>();
        for (int start = 0; start < prompt.length(); ) {
            if (Character.isWhitespace(prompt.charAt(start))) {
                start++;
                continue;
            }
            int end = start;
            while (end < prompt.length() && !Character.isWhitespace(prompt.charAt(end))) {
                end++;
            }
            words.add(covering(prompt, start, end, tokens));
            start = end;
        }
        final List<Piece> markers = new ArrayList<>();
        final MarkerFinder.Scan scan = markerFinder.scan(prompt);
        while (scan.next()) {
            markers.add(covering(prompt, scan.start(), scan.end(), tokens));
        }
        return new PromptSignificance(List.copyOf(tokens), List.copyOf(words), List.copyOf(markers), padding,
                tokenized.truncated());
    }

    private static Piece covering(final String prompt, final int start, final int end, final List<Piece> tokens) {
        double total = 0;
        int count = 0;
        for (final Piece token : tokens) {
            if (token.start() >= start && token.start() < end) {
                total += token.significance();
                count++;
            }
        }
        return new Piece(prompt.substring(start, end), start, end, count == 0 ? 0.0 : total / count, count);
    }

    /** The {@code k} most significant words, most significant first. */
    public List<Piece> topWords(final int k) {
        return words.stream().sorted(Comparator.comparingDouble(Piece::significance).reversed()).limit(k).toList();
    }

    /** The {@code k} most significant non-special tokens, most significant first. */
    public List<Piece> topTokens(final int k) {
        return tokens.stream().filter(token -> token.start() >= 0)
                .sorted(Comparator.comparingDouble(Piece::significance).reversed()).limit(k).toList();
    }

    /**
     * 1-based rank of the most significant marker among the words' and markers' significances (a marker ranked as if it
     * were a word: 1 = it outweighs every word of the prompt), or 0 when the prompt has no marker.
     */
    public int markerRank() {
        final double best = markers.stream().mapToDouble(Piece::significance).max().orElse(Double.NaN);
        if (Double.isNaN(best)) {
            return 0;
        }
        int rank = 1;
        for (final Piece word : words) {
            if (word.significance() > best && !containsMarker(word)) {
                rank++;
            }
        }
        return rank;
    }

    private boolean containsMarker(final Piece word) {
        for (final Piece marker : markers) {
            if (marker.start() >= word.start() && marker.start() < word.end()) {
                return true;
            }
        }
        return false;
    }
}
