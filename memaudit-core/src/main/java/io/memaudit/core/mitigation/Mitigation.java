package io.memaudit.core.mitigation;

import io.memaudit.core.NamedChoice;

/**
 * Ways to change a prompt before sampling. The first three are the inference-time mitigations the seed paper tested
 * (random word addition, random number addition, removal of the markers); the last two are memaudit's marker
 * randomization, applied to the prompt at inference time for comparison (the real fix retrains on them).
 */
public enum Mitigation implements NamedChoice {
    ORIGINAL("the prompt as it is"),
    RANDOM_WORDS("RWA: random vocabulary words inserted at random word positions"),
    RANDOM_NUMBERS("RNA: random integers in [0, 100000) inserted at random word positions"),
    REMOVE_MARKERS("the de-identification markers deleted"),
    RANDOM_TAG("each marker replaced by its own random tag"),
    TYPED_SURROGATE("each marker replaced by a realistic surrogate of its inferred kind");

    private final String description;

    Mitigation(final String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** Parses a name (any case, underscores for hyphens); an unknown name throws, naming the choices. */
    public static Mitigation fromName(final String name) {
        return NamedChoice.parse(Mitigation.class, name, "mitigation");
    }
}
