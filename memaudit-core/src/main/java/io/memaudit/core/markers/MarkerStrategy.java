package io.memaudit.core.markers;

import io.memaudit.core.NamedChoice;

/** What replaces each de-identification marker. */
public enum MarkerStrategy implements NamedChoice {
    /** Every occurrence gets its own independently drawn symbol string, so no replacement becomes a new uniform marker. */
    RANDOM_TAG("Each marker becomes its own randomly drawn symbol string (alphabet and length configurable)"),
    /** A realistic surrogate of the inferred kind (name, date, time, age, place, identifier): "hiding in plain sight". */
    TYPED_SURROGATE("Each marker becomes a realistic random surrogate of the kind its context suggests"),
    /** The marker is deleted and the whitespace and punctuation it leaves are tidied. */
    REMOVE("Each marker is deleted; the whitespace and punctuation it leaves are tidied"),
    /** Every marker becomes one given string: the control arm of experiments. */
    FIXED("Each marker becomes one given string (the control arm of experiments)");

    private final String description;

    MarkerStrategy(final String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** Parses a name (any case, underscores for hyphens); an unknown name throws, naming the choices. */
    public static MarkerStrategy fromName(final String name) {
        return NamedChoice.parse(MarkerStrategy.class, name, "marker strategy");
    }
}
