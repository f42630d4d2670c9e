package io.memaudit.core.mitigation;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Ways to change a prompt before sampling. The first three are the inference-time mitigations the seed paper tested
 * (random word addition, random number addition, removal of the markers); the last two are memaudit's marker
 * randomization, applied to the prompt at inference time for comparison (the real fix retrains on them).
 */
public enum Mitigation {
    ORIGINAL("original", "the prompt as it is"),
    RANDOM_WORDS("random-words", "RWA: random vocabulary words inserted at random word positions"),
    RANDOM_NUMBERS("random-numbers", "RNA: random integers in [0, 100000) inserted at random word positions"),
    REMOVE_MARKERS("remove-markers", "the de-identification markers deleted"),
    RANDOM_TAG("random-tag", "each marker replaced by its own random tag"),
    TYPED_SURROGATE("typed-surrogate", "each marker replaced by a realistic surrogate of its inferred kind");

    private final String displayName;
    private final String description;

    Mitigation(final String displayName, final String description) {
        this.displayName = displayName;
        this.description = description;
    }

    public String displayName() {
        return displayName;
    }

    public String description() {
        return description;
    }

    public static Mitigation fromName(final String name) {
        final String normalized = name.trim().toLowerCase(Locale.ROOT);
        for (final Mitigation mitigation : values()) {
            if (mitigation.displayName.equals(normalized)) {
                return mitigation;
            }
        }
        throw new IllegalArgumentException("Unknown mitigation '" + name + "': use one of "
                + Arrays.stream(values()).map(Mitigation::displayName).collect(Collectors.joining(", ")));
    }
}
