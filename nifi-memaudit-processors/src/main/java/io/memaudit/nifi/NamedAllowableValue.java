package io.memaudit.nifi;

import io.memaudit.core.NamedChoice;
import org.apache.nifi.components.DescribedValue;

/**
 * A {@link NamedChoice} as a NiFi allowable value: the value and the display name are the choice's name (e.g.
 * {@code random-tag}), the description its sentence. An enum of choices implements this and {@code description()} only.
 */
interface NamedAllowableValue extends NamedChoice, DescribedValue {

    @Override
    default String getValue() {
        return displayName();
    }

    @Override
    default String getDisplayName() {
        return displayName();
    }

    @Override
    default String getDescription() {
        return description();
    }
}
