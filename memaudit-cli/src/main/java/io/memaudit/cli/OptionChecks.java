package io.memaudit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Checks of option values that picocli cannot make itself: each failure is a {@link ParameterException} that names the
 * option, so it exits with the usage code (2) and prints the usage help; anything else that goes wrong later is a failure
 * of the run, not of the options.
 */
final class OptionChecks {

    private OptionChecks() {
    }

    /** Evaluates {@code value}; an IllegalArgumentException it throws becomes a usage error naming {@code option}. */
    static <T> T option(final CommandSpec spec, final String option, final Supplier<T> value) {
        try {
            return value.get();
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage(), e);
        }
    }

    /** A usage error naming {@code option} unless {@code condition} holds. */
    static void require(final CommandSpec spec, final boolean condition, final String option, final String problem) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), option + " " + problem);
        }
    }

    /** A usage error unless {@code directory} does not exist or is an empty directory (where a run writes its output). */
    static void requireNewDirectory(final CommandSpec spec, final String option, final Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        final boolean empty;
        if (Files.isDirectory(directory)) {
            try (Stream<Path> entries = Files.list(directory)) {
                empty = entries.findAny().isEmpty();
            }
        } else {
            empty = false;
        }
        require(spec, empty, option, directory + " exists and is not an empty directory: choose a new output directory");
    }
}
