package io.memaudit.core.markers;

import java.util.Locale;

/** The kind of protected information a marker most likely hid, inferred from the marker and its context. */
public enum MarkerKind {
    NAME, DATE, TIME, AGE, PLACE, IDENTIFIER,
    /** Nothing in the marker or its context said what it hid. */
    UNKNOWN;

    /** Lower-case name used in records and reports, e.g. {@code date}. */
    public String displayName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
