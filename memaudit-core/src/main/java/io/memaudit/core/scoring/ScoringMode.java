package io.memaudit.core.scoring;

import java.util.Locale;

/** How much of the sampling trajectory a scoring run follows, and which detector's value decides "memorized". */
public enum ScoringMode {
    FULL("full", Detectors.DMEM, "dmem over every step and generation for every record (the reference definition)"),
    FIRST_STEP("first-step", Detectors.FIRST_STEP, "only the first step: dmem_first_step, compared with the threshold (cheap)"),
    TWO_STAGE("two-stage", Detectors.DMEM, "first step for every record; full dmem only for records whose first-step score "
            + "reaches the screening threshold; the others are not memorized");

    private final String value;
    private final String decidingDetector;
    private final String description;

    ScoringMode(final String value, final String decidingDetector, final String description) {
        this.value = value;
        this.decidingDetector = decidingDetector;
        this.description = description;
    }

    /** The name users write (NiFi property value, CLI flag). */
    public String value() {
        return value;
    }

    /** The detector whose value is compared with the memorization threshold. */
    public String decidingDetector() {
        return decidingDetector;
    }

    public String description() {
        return description;
    }

    /**
     * The mode called {@code value}.
     *
     * @throws IllegalArgumentException naming the value and the modes there are
     */
    public static ScoringMode of(final String value) {
        for (final ScoringMode mode : values()) {
            if (mode.value.equals(value.toLowerCase(Locale.ROOT))) {
                return mode;
            }
        }
        throw new IllegalArgumentException("scoring mode '" + value + "' is not one of full, first-step, two-stage");
    }
}
