package io.memaudit.nifi;

import org.apache.nifi.components.DescribedValue;

/** How much of the sampling trajectory ScoreMemorization runs. */
enum ScoringMode implements DescribedValue {
    FULL("full", "dmem over every step and generation for every record (the reference definition)"),
    FIRST_STEP("first-step", "only the first step: dmem_first_step, compared with the threshold (cheap)"),
    TWO_STAGE("two-stage", "first step for every record; full dmem only for records whose first-step score reaches the "
            + "Screening Threshold; the others are not memorized");

    private final String value;
    private final String description;

    ScoringMode(final String value, final String description) {
        this.value = value;
        this.description = description;
    }

    @Override
    public String getValue() {
        return value;
    }

    @Override
    public String getDisplayName() {
        return value;
    }

    @Override
    public String getDescription() {
        return description;
    }
}
