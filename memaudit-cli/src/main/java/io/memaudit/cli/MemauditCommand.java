package io.memaudit.cli;

import io.memaudit.core.io.MalformedDatasetException;
import io.memaudit.diffusion.BundleException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code memaudit} command line: find and reduce memorization caused by de-identification markers. */
@Command(name = "memaudit", mixinStandardHelpOptions = true, versionProvider = MemauditCommand.Version.class,
        description = "Find and reduce training-data memorization caused by de-identification markers in medical "
                + "text-to-image datasets.",
        subcommands = {RandomizeCommand.class, SectionsCommand.class, LintCommand.class, ScoreCommand.class, TokensCommand.class,
                MitigateCommand.class, BenchCommand.class, SynthesizeCommand.class, TrainCommand.class, CompareCommand.class,
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
            final PrintWriter err = failed.getErr();
            final String command = "memaudit " + failed.getCommandName();
            if (exception instanceof MalformedDatasetException malformed) {
                err.println(command + ": " + (malformed.source() == null ? inputOf(failed) : "") + malformed.getMessage());
                return EXIT_BAD_INPUT;
            }
            if (exception instanceof BundleException) {
                err.println(command + ": " + exception.getMessage());
                return EXIT_BAD_INPUT;
            }
            if (exception instanceof IllegalArgumentException) {
                err.println(command + ": " + exception.getMessage());
                return EXIT_USAGE;
            }
            err.println(command + ": failed: " + exception);
            return EXIT_BAD_INPUT;
        });
        return commandLine;
    }

    private static String inputOf(final CommandLine command) {
        return command.getCommand() instanceof InputCommand reader ? reader.input() + ": " : "";
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
