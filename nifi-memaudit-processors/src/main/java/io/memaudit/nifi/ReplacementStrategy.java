package io.memaudit.nifi;

import io.memaudit.core.markers.MarkerStrategy;

/** The marker strategies of memaudit-core as NiFi allowable values. */
enum ReplacementStrategy implements NamedAllowableValue {
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
    public String displayName() {
        return strategy.displayName();
    }

    @Override
    public String description() {
        return strategy.description();
    }
}
