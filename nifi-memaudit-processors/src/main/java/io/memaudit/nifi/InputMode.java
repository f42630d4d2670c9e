package io.memaudit.nifi;

import org.apache.nifi.components.DescribedValue;

/** Whether a processor reads records through a Record Reader or treats the whole FlowFile content as one text. */
enum InputMode implements DescribedValue {
    RECORDS("records", "Records read and written with the configured Record Reader and Record Writer"),
    TEXT("text", "The whole FlowFile content is one UTF-8 text, such as one radiology report per file");

    private final String value;
    private final String description;

    InputMode(final String value, final String description) {
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
