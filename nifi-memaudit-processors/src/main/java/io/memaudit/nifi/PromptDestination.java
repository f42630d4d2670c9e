package io.memaudit.nifi;

import org.apache.nifi.components.DescribedValue;

/** Where ExtractReportSection puts the prompt it took from a report. */
enum PromptDestination implements DescribedValue {
    ATTRIBUTES("attributes", "The prompt and its sentences become the attributes report.prompt and report.sentences; the "
            + "content stays the report. Attributes are recorded in NiFi's provenance repository (and shown in the UI), so the "
            + "report text then lives there as long as provenance is kept."),
    CONTENT("content", "The content becomes one JSON object {\"prompt\", \"section\", \"sentences\"}; only the section and "
            + "the sentence count become attributes, so no report text reaches the provenance repository's attributes.");

    private final String value;
    private final String description;

    PromptDestination(final String value, final String description) {
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
