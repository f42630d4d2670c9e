package io.memaudit.core.gate;

/**
 * How the release gate checks that it was given a whole dataset, not whatever records a reassembly collected: a field
 * whose value no two records of the dataset share (e.g. the image path), and the number of records the dataset had
 * before it was split. A dataset that breaks either is rejected as not whole; unset, the check is not made.
 *
 * @param keyField the name of the record key field, as configured (for reasons and the report); null: keys not checked
 * @param expectedRecords how many records the dataset has; null: not checked
 */
public record Wholeness(String keyField, Long expectedRecords) {
    /** Neither check. */
    public static final Wholeness UNCHECKED = new Wholeness(null, null);

    public Wholeness {
        if (keyField != null && keyField.isBlank()) {
            keyField = null;
        }
        if (expectedRecords != null && expectedRecords < 0) {
            throw new IllegalArgumentException("the expected record count must be 0 or more, not " + expectedRecords);
        }
    }

    public boolean checksKeys() {
        return keyField != null;
    }
}
