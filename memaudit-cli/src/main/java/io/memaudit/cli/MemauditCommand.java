package io.memaudit.cli;

import io.memaudit.core.io.MalformedDatasetException;
import io.memaudit.diffusion.BundleException;
import java.io.File;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The {@code memaudit} command line: find and reduce memorization caused by de-identification markers. */
@Command(name = "memaudit", mixinStandardHelpOptions = true, versionProvider = MemauditCommand.Version.class,
        description = "Find and reduce training-data memorization caused by de-identification markers in medical "
                + "text-to-image datasets.",
        subcommands = {RandomizeCommand.class, SectionsCommand.class, LintCommand.class, ScoreCommand.class, GateCommand.class,
                TokensCommand.class, MitigateCommand.class, BenchCommand.class, DoctorCommand.class, SynthesizeCommand.class,
                TrainCommand.class, CompareCommand.class,
                DemoCommand.class, DataDemoCommand.class, ExperimentCommand.class, DetectionCommand.class,
                CommandLine.HelpCommand.class})
public final class MemauditCommand {

    /** Exit code for bad input data (a malformed dataset). */
    static final int EXIT_BAD_INPUT = 1;
    /** Exit code for bad options. */
    static final int EXIT_USAGE = 2;

    public static void main(final String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests execute it directly. */
    public static CommandLine commandLine() {
        final CommandLine commandLine = new CommandLine(new MemauditCommand());
        commandLine.setExecutionExceptionHandler((exception, failed, parseResult) -> {
            failed.getErr().println("memaudit " + failed.getCommandName() + ": " + explain(exception, failed));
            return EXIT_BAD_INPUT;
        });
        return commandLine;
    }

    /**
     * What went wrong, for stderr, without the exception's own message where it could quote data or a file name (hospital
     * file names carry accession numbers and MRNs): file system errors name the option whose file failed and the problem,
     * unknown exceptions their type only. Option problems never get here: they are ParameterExceptions (exit 2).
     */
    static String explain(final Exception exception, final CommandLine failed) {
        if (exception instanceof MalformedDatasetException malformed) {
            // memaudit writes these messages itself: they name the file and line to fix, never record text
            return (malformed.source() == null ? inputOf(failed) : "") + malformed.getMessage();
        }
        if (exception instanceof BundleException) {
            return exception.getMessage();
        }
        if (exception instanceof FileSystemException files) {
            final String option = optionOf(failed, files.getFile());
            final String problem;
            if (files instanceof NoSuchFileException) {
                problem = "the file does not exist";
            } else if (files instanceof AccessDeniedException) {
                problem = "permission denied";
            } else if (files instanceof FileAlreadyExistsException) {
                problem = "the file already exists";
            } else if (files instanceof NotDirectoryException) {
                problem = "not a directory";
            } else if (files instanceof DirectoryNotEmptyException) {
                problem = "the directory is not empty";
            } else {
                problem = "the file system refused (" + files.getClass().getSimpleName() + ")";
            }
            return option + ": " + problem;
        }
        if (exception instanceof IOException) {
            return optionOf(failed, null) + ": could not be read or written (" + exception.getClass().getSimpleName() + ")";
        }
        return "failed with " + exception.getClass().getName() + " (its message is not shown: it can quote the data)";
    }

    /** "PATH: " for a command that reads one input (its --in option), else "". */
    private static String inputOf(final CommandLine command) {
        final OptionSpec input = command.getCommandSpec().findOption("--in");
        return input != null && input.getValue() != null ? input.getValue() + ": " : "";
    }

    /**
     * The option whose value is, or contains, {@code file}; the command's input option when {@code file} is null and the
     * command reads one input; otherwise a phrase for "a file it needed".
     */
    private static String optionOf(final CommandLine failed, final String file) {
        if (file != null && failed.getParseResult() != null) {
            final Path failedPath = Path.of(file).toAbsolutePath().normalize();
            for (final OptionSpec option : failed.getParseResult().matchedOptions()) {
                final Object value = option.getValue();
                final Path path = value instanceof Path p ? p : value instanceof File f ? f.toPath() : null;
                if (path != null && failedPath.startsWith(path.toAbsolutePath().normalize())) {
                    return option.longestName();
                }
            }
            return "a file it needed";
        }
        return failed.getCommandSpec().findOption("--in") != null ? "--in" : "a file it needed";
    }

    static String version() {
        final String version = MemauditCommand.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"memaudit " + version()};
        }
    }
}
