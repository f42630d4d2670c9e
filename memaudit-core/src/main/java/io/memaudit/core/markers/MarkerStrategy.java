package io.memaudit.core.markers;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What replaces each de-identification marker. */
public enum MarkerStrategy {
    /** Every occurrence gets its own independently drawn symbol string, so no replacement becomes a new uniform marker. */
    RANDOM_TAG("random-tag", "Each marker becomes its own randomly drawn symbol string (alphabet and length configurable)"),
    /** A realistic surrogate of the inferred kind (name, date, time, age, place, identifier): "hiding in plain sight". */
    TYPED_SURROGATE("typed-surrogate", "Each marker becomes a realistic random surrogate of the kind its context suggests"),
    /** The marker is deleted and the whitespace and punctuation it leaves are tidied. */
    REMOVE("remove", "Each marker is deleted; the whitespace and punctuation it leaves are tidied"),
    /** Every marker becomes one given string: the control arm of experiments. */
    FIXED("fixed", "Each marker becomes one given string (the control arm of experiments)");

    private final String displayName;
    private final String description;

    MarkerStrategy(final String displayName, final String description) {
        this.displayName = displayName;
        this.description = description;
    }

    public String displayName() {
        return displayName;
    }

    public String description() {
        return description;
    }

    /**
     * Parses a strategy name such as {@code random-tag} (case-insensitive; underscores accepted for hyphens).
     *
     * @throws IllegalArgumentException naming the value and the accepted names
     */
    public static MarkerStrategy fromName(final String name) {
        final String normalized = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (final MarkerStrategy strategy : values()) {
            if (strategy.displayName.equals(normalized)) {
                return strategy;
            }
        }
        throw new IllegalArgumentException("Unknown marker strategy '" + name + "': use one of "
                + Arrays.stream(values()).map(MarkerStrategy::displayName).collect(Collectors.joining(", ")));
    }
}
