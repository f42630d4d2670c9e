package io.memaudit.nifi;

import java.util.List;
import java.util.Set;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.processor.AbstractProcessor;
import org.apache.nifi.processor.Relationship;

/**
 * The base of memaudit's processors: each declares its properties and relationships once, as constants, and hands them to
 * this constructor instead of overriding NiFi's two getters. A processor whose relationships depend on a property
 * (EvaluateReleaseGate's 'held') still overrides {@link #getRelationships()}.
 */
abstract class AbstractMemauditProcessor extends AbstractProcessor {
    private final List<PropertyDescriptor> properties;
    private final Set<Relationship> relationships;

    protected AbstractMemauditProcessor(final List<PropertyDescriptor> properties, final Set<Relationship> relationships) {
        this.properties = List.copyOf(properties);
        this.relationships = Set.copyOf(relationships);
    }

    @Override
    protected final List<PropertyDescriptor> getSupportedPropertyDescriptors() {
        return properties;
    }

    @Override
    public Set<Relationship> getRelationships() {
        return relationships;
    }
}
