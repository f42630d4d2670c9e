package io.memaudit.core.lint;

import java.util.List;
import java.util.Locale;

/**
 * The lint's verdict on one prompt, from facts alone (no model).
 *
 * @param level {@link Level#HIGH} for a unique caption that carries a de-identification marker (the pattern the seed paper
 *              found memorized), {@link Level#MEDIUM} for a repeated caption with a marker or a unique caption in the longest
 *              tenth, {@link Level#LOW} otherwise
 * @param reasons the facts behind the level: {@code marker}, {@code unique}, {@code long}, {@code near-duplicate}
 */
public record PromptRisk(Level level, List<String> reasons) {

    public PromptRisk {
        reasons = List.copyOf(reasons);
    }

    /** Risk levels, lowest first. */
    public enum Level {
        LOW, MEDIUM, HIGH;

        public String displayName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
