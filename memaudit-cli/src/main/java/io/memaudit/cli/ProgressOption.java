package io.memaudit.cli;

import picocli.CommandLine.Option;

/** --[no-]progress: progress on stderr (a bar in a terminal, a line every tenth of a long stage without one). */
final class ProgressOption {

    @Option(names = "--progress", negatable = true,
            description = "Show progress on stderr: a bar in a terminal, a line every tenth of a long stage otherwise "
                    + "(default: on).")
    Boolean progress;

    /** Whether to show progress: on unless --no-progress. */
    boolean show() {
        return progress == null || progress;
    }

    /** Whether to show progress when, without the flag, it is on only when {@code byDefault}. */
    boolean show(final boolean byDefault) {
        return progress != null ? progress : byDefault;
    }
}
