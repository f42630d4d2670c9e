package io.memaudit.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A choice offered by name on the command line, in NiFi properties and in reports. The name is the enum constant's in
 * lower case with hyphens ({@code MIMIC_CXR} is {@code mimic-cxr}); parsing accepts any case and underscores.
 */
public interface NamedChoice {

    /** The enum constant's name (implemented by every enum). */
    String name();

    /** What the choice does, in one sentence. */
    String description();

    /** The name used on the command line, in NiFi properties and in reports, e.g. {@code mimic-cxr}. */
    default String displayName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The choice of {@code type} named {@code value}.
     *
     * @param what what a choice is, for the message, e.g. "marker dialect"
     * @throws IllegalArgumentException naming the value and the accepted names
     */
    static <E extends Enum<E> & NamedChoice> E parse(final Class<E> type, final String value, final String what) {
        final String normalized = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (final E choice : type.getEnumConstants()) {
            if (choice.displayName().equals(normalized)) {
                return choice;
            }
        }
        throw new IllegalArgumentException("Unknown " + what + " '" + value + "': use one of " + names(type));
    }

    /** Every name of {@code type}, comma-separated, for help texts and messages. */
    static <E extends Enum<E> & NamedChoice> String names(final Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(NamedChoice::displayName).collect(Collectors.joining(", "));
    }
}
