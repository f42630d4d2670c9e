package io.memaudit.core.mitigation;

import io.memaudit.core.markers.MarkerDialect;
import io.memaudit.core.markers.MarkerRewriter;
import io.memaudit.core.markers.MarkerStrategy;
import io.memaudit.core.random.RecordSeeds;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/** Applies a {@link Mitigation} to a prompt, reproducibly for a given seed. */
public final class PromptMitigations {
    private final List<String> vocabulary;
    private final int insertions;
    private final Set<MarkerDialect> dialects;

    /**
     * @param vocabulary words random word addition draws from (e.g. the tokenizer's whole-word entries)
     * @param insertions words or numbers inserted by RWA and RNA
     * @param dialects what counts as a marker for the marker mitigations
     */
    public PromptMitigations(final List<String> vocabulary, final int insertions, final Set<MarkerDialect> dialects) {
        if (vocabulary.isEmpty()) {
            throw new IllegalArgumentException("Random word addition needs a non-empty vocabulary");
        }
        if (insertions < 1) {
            throw new IllegalArgumentException("Insertions " + insertions + " must be at least 1");
        }
        this.vocabulary = List.copyOf(vocabulary);
        this.insertions = insertions;
        this.dialects = EnumSet.copyOf(dialects);
    }

    public String apply(final Mitigation mitigation, final String prompt, final long seed) {
        final SplittableRandom random = new SplittableRandom(RecordSeeds.derive(seed, mitigation.displayName(), prompt));
        return switch (mitigation) {
            case ORIGINAL -> prompt;
            case RANDOM_WORDS -> insert(prompt, random, () -> vocabulary.get(random.nextInt(vocabulary.size())));
            case RANDOM_NUMBERS -> insert(prompt, random, () -> Integer.toString(random.nextInt(100_000)));
            case REMOVE_MARKERS -> rewrite(prompt, MarkerStrategy.REMOVE, seed);
            case RANDOM_TAG -> rewrite(prompt, MarkerStrategy.RANDOM_TAG, seed);
            case TYPED_SURROGATE -> rewrite(prompt, MarkerStrategy.TYPED_SURROGATE, seed);
        };
    }

    private String rewrite(final String prompt, final MarkerStrategy strategy, final long seed) {
        return MarkerRewriter.builder().dialects(dialects).strategy(strategy).seed(seed).build().rewrite(prompt).text();
    }

    /** Inserts drawn words at random word positions (before any word, or at the end). */
    private String insert(final String prompt, final SplittableRandom random, final java.util.function.Supplier<String> draw) {
        final List<String> words = new ArrayList<>(List.of(prompt.strip().split("\\s+")));
        if (prompt.isBlank()) {
            words.clear();
        }
        for (int i = 0; i < insertions; i++) {
            words.add(random.nextInt(words.size() + 1), draw.get());
        }
        return String.join(" ", words);
    }
}
