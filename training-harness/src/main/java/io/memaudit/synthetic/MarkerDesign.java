package io.memaudit.synthetic;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a synthetic dataset lays out its {@code ___} markers: each design is a declared hypothesis about how a uniform
 * de-identification marker could drive memorization in MIMIC-CXR, built into the data so that an experiment can test it
 * (and so that "no effect" on a design means the mechanism did not act on this model, not that it was absent).
 */
public enum MarkerDesign {
    BASELINE("baseline", DesignTexts.BASELINE_MECHANISM, DesignTexts.BASELINE_ARMS_LEAVE),
    MARKER_FEATURE("marker-feature", DesignTexts.MARKER_FEATURE_MECHANISM, DesignTexts.MARKER_FEATURE_ARMS_LEAVE),
    MARKER_KEY("marker-key", DesignTexts.MARKER_KEY_MECHANISM, DesignTexts.MARKER_KEY_ARMS_LEAVE);

    private final String displayName;
    private final String mechanism;
    private final String whatArmsLeave;

    MarkerDesign(final String displayName, final String mechanism, final String whatArmsLeave) {
        this.displayName = displayName;
        this.mechanism = mechanism;
        this.whatArmsLeave = whatArmsLeave;
    }

    /** The name on the command line and in reports. */
    public String displayName() {
        return displayName;
    }

    /** The declared mechanism: how markers could drive memorization in this data. */
    public String mechanism() {
        return mechanism;
    }

    /** What each rewriting arm leaves of that mechanism. */
    public String whatArmsLeave() {
        return whatArmsLeave;
    }

    /** The design's default layout with {@code seed}; {@code quick} gives a small one for smoke runs. */
    public SyntheticChestXrays.Options options(final long seed, final boolean quick) {
        return switch (this) {
            case BASELINE -> quick ? new SyntheticChestXrays.Options(32, 3, 3, 2, 0, 6, List.of(1, 4, 8), 0.19, 0.8, seed)
                    : SyntheticChestXrays.Options.defaults().withSeed(seed);
            // common captions x images x rows; unique captions with repeats; share of captions marked (per kind)
            case MARKER_FEATURE -> quick ? new SyntheticChestXrays.Options(32, 3, 3, 2, 0, 6, List.of(1, 4, 8), 0.34, 0.5, seed)
                    : new SyntheticChestXrays.Options(32, 6, 6, 2, 0, 24, List.of(1, 4, 12), 0.2, 0.5, seed);
            // families x siblings x rows; repeated images (keyed first, then controls) with their repeats; key share
            case MARKER_KEY -> quick ? new SyntheticChestXrays.Options(32, 4, 3, 2, 0, 4, List.of(8), 0.5, 0.5, seed)
                    : new SyntheticChestXrays.Options(32, 8, 5, 2, 0, 8, List.of(12), 0.5, 0.5, seed);
        };
    }

    public static MarkerDesign fromName(final String name) {
        for (final MarkerDesign design : values()) {
            if (design.displayName.equals(name.trim().toLowerCase(Locale.ROOT))) {
                return design;
            }
        }
        throw new IllegalArgumentException("Unknown design '" + name + "': use " + names());
    }

    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(MarkerDesign::displayName).toList());
    }
}
