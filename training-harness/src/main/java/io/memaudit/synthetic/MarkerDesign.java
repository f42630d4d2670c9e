package io.memaudit.synthetic;

import io.memaudit.core.NamedChoice;
import java.util.List;

/**
 * How a synthetic dataset lays out its {@code ___} markers: each design is a declared hypothesis about how a uniform
 * de-identification marker could drive memorization in MIMIC-CXR, built into the data so that an experiment can test it
 * (and so that "no effect" on a design means the mechanism did not act on this model, not that it was absent).
 */
public enum MarkerDesign implements NamedChoice {
    BASELINE(DesignTexts.BASELINE_MECHANISM, DesignTexts.BASELINE_ARMS_LEAVE),
    MARKER_FEATURE(DesignTexts.MARKER_FEATURE_MECHANISM, DesignTexts.MARKER_FEATURE_ARMS_LEAVE),
    MARKER_KEY(DesignTexts.MARKER_KEY_MECHANISM, DesignTexts.MARKER_KEY_ARMS_LEAVE);

    private final String mechanism;
    private final String whatArmsLeave;

    MarkerDesign(final String mechanism, final String whatArmsLeave) {
        this.mechanism = mechanism;
        this.whatArmsLeave = whatArmsLeave;
    }

    /** The declared mechanism: how markers could drive memorization in this data. */
    public String mechanism() {
        return mechanism;
    }

    /** The declared mechanism. */
    @Override
    public String description() {
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

    /** Parses a name (any case, underscores for hyphens); an unknown name throws, naming the choices. */
    public static MarkerDesign fromName(final String name) {
        return NamedChoice.parse(MarkerDesign.class, name, "design");
    }

    /** Every name, comma-separated, for help texts and messages. */
    public static String names() {
        return NamedChoice.names(MarkerDesign.class);
    }
}
