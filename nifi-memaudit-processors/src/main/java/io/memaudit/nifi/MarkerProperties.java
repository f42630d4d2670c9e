package io.memaudit.nifi;

import io.memaudit.core.markers.MarkerDialect;
import io.memaudit.core.markers.MarkerRewriter;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.context.PropertyContext;
import org.apache.nifi.processor.util.StandardValidators;

/** The properties that say which de-identification markers to look for; shared by every processor that finds markers. */
final class MarkerProperties {

    static final PropertyDescriptor MARKER_DIALECTS = new PropertyDescriptor.Builder()
            .name("Marker Dialects")
            .description("Comma-separated marker conventions to recognise: " + MarkerDialect.names() + ". "
                    + "'custom' is implied when a Custom Marker Pattern is set.")
            .required(true)
            .defaultValue(MarkerDialect.MIMIC_CXR.displayName())
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .build();

    static final PropertyDescriptor CUSTOM_MARKER_PATTERN = new PropertyDescriptor.Builder()
            .name("Custom Marker Pattern")
            .description("A Java regular expression whose every non-empty match is a marker, in addition to the dialects.")
            .required(false)
            .addValidator(StandardValidators.REGULAR_EXPRESSION_VALIDATOR)
            .build();

    private MarkerProperties() {
    }

    /** A rewriter builder with the dialects and custom pattern of {@code context} (other options at their defaults). */
    static MarkerRewriter.Builder rewriterBuilder(final PropertyContext context) {
        final Set<MarkerDialect> dialects = EnumSet.noneOf(MarkerDialect.class);
        for (final String name : context.getProperty(MARKER_DIALECTS).getValue().split(",")) {
            if (!name.isBlank()) {
                dialects.add(MarkerDialect.fromName(name));
            }
        }
        final String customPattern = context.getProperty(CUSTOM_MARKER_PATTERN).getValue();
        return MarkerRewriter.builder()
                .dialects(dialects)
                .customPattern(customPattern == null ? null : Pattern.compile(customPattern));
    }
}
