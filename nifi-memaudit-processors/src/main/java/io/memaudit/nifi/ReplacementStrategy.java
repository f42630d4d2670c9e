package io.memaudit.nifi;

import io.memaudit.core.markers.MarkerStrategy;
import org.apache.nifi.components.DescribedValue;

/** The marker strategies of memaudit-core as NiFi allowable values. */
enum ReplacementStrategy implements DescribedValue {
    RANDOM_TAG(MarkerStrategy.RANDOM_TAG),
    TYPED_SURROGATE(MarkerStrategy.TYPED_SURROGATE),
    REMOVE(MarkerStrategy.REMOVE),
    FIXED(MarkerStrategy.FIXED);

    private final MarkerStrategy strategy;

    ReplacementStrategy(final MarkerStrategy strategy) {
        this.strategy = strategy;
    }

    MarkerStrategy strategy() {
        return strategy;
    }

    @Override
    public String getValue() {
        return strategy.displayName();
    }

    @Override
    public String getDisplayName() {
        return strategy.displayName();
    }

    @Override
    public String getDescription() {
        return strategy.description();
    }
}
