package io.memaudit.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The input dataset, the output and the text field: the flags every command over a prompt dataset shares. */
final class DatasetOptions {

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "Prompt dataset (.jsonl or .csv).")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output file.")
    Path output;

    @Option(names = "--field", paramLabel = "NAME", defaultValue = "prompt",
            description = "Text field (JSON) or column (CSV). Default: ${DEFAULT-VALUE}.")
    String field;
}
