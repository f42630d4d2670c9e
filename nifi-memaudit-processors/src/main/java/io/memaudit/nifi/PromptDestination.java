package io.memaudit.nifi;

/** Where ExtractReportSection puts the prompt it took from a report. */
enum PromptDestination implements NamedAllowableValue {
    ATTRIBUTES("The prompt and its sentences become the attributes report.prompt and report.sentences; the content stays "
            + "the report. Attributes are recorded in NiFi's provenance repository (and shown in the UI), so the report text "
            + "then lives there as long as provenance is kept."),
    CONTENT("The content becomes one JSON object {\"prompt\", \"section\", \"sentences\"}; only the section and the sentence "
            + "count become attributes, so no report text reaches the provenance repository's attributes.");

    private final String description;

    PromptDestination(final String description) {
        this.description = description;
    }

    @Override
    public String description() {
        return description;
    }
}
