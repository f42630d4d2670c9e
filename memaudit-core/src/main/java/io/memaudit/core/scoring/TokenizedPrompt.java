package io.memaudit.core.scoring;

import java.util.Objects;

/**
 * A prompt as the text encoder sees it: one entry per token position (padding included), independent of the tokenizer
 * library that produced it.
 *
 * @param pieces the tokenizer's piece at each position
 * @param padding whether each position is padding (attention mask 0)
 * @param special whether each position is a special token ([CLS], [SEP])
 * @param start character offset in the prompt where each position's piece starts, -1 for special and padding positions
 * @param end character offset where it ends (exclusive), -1 for special and padding positions
 * @param truncated whether the prompt had more tokens than the text encoder takes
 */
public record TokenizedPrompt(String[] pieces, boolean[] padding, boolean[] special, int[] start, int[] end,
                              boolean truncated) {
    public TokenizedPrompt {
        Objects.requireNonNull(pieces, "pieces");
        final int length = pieces.length;
        if (padding.length != length || special.length != length || start.length != length || end.length != length) {
            throw new IllegalArgumentException("pieces, padding, special, start and end must all have " + length
                    + " positions");
        }
    }

    /** Token positions, padding included (the text encoder's length). */
    public int length() {
        return pieces.length;
    }
}
