package io.memaudit.nifi;

/** Whether a processor reads records through a Record Reader or treats the whole FlowFile content as one text. */
enum InputMode implements NamedAllowableValue {
    RECORDS("Records read and written with the configured Record Reader and Record Writer"),
    TEXT("The whole FlowFile content is one UTF-8 text, such as one radiology report per file");

    private final String description;

    InputMode(final String description) {
        this.description = description;
    }

    @Override
    public String description() {
        return description;
    }
}
