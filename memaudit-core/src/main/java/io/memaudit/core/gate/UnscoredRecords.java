package io.memaudit.core.gate;

import java.util.Locale;

/**
 * What the release gate does with a dataset that holds records without a usable score (missing, not a number, not
 * finite, or carrying a score error). Neither choice approves it: a record that was not scored is never "not memorized".
 */
public enum UnscoredRecords {
    /** The dataset is rejected (the default). */
    REJECT("reject", "Reject the dataset: records without a usable score count as a reason to stop it."),
    /**
     * The dataset is held for a re-score instead of rejected, when nothing else rejects it; a held dataset is not
     * approved either.
     */
    HOLD("hold", "Hold the dataset (route it to 'held') when unscored records are its only problem, e.g. to score it again "
            + "after a transient fault; any other reason still rejects it.");

    private final String value;
    private final String description;

    UnscoredRecords(final String value, final String description) {
        this.value = value;
        this.description = description;
    }

    /** The name used in properties and options. */
    public String value() {
        return value;
    }

    public String description() {
        return description;
    }

    /** The option named {@code value} (case-insensitive). */
    public static UnscoredRecords of(final String value) {
        for (final UnscoredRecords option : values()) {
            if (option.value.equals(value.toLowerCase(Locale.ROOT))) {
                return option;
            }
        }
        throw new IllegalArgumentException("unscored records: '" + value + "' is not one of reject, hold");
    }
}
