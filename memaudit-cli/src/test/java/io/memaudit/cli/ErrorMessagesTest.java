package io.memaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What the CLI prints when a run fails: the option and the problem, never an exception's own message (which can quote a
 * path with an accession number, or data); option problems are usage errors (exit 2), failures of the run exit 1.
 */
class ErrorMessagesTest {
    private static final String ACCESSION = "ACC20250207-MRN7654321";

    @TempDir
    Path directory;

    private final StringWriter err = new StringWriter();

    private int memaudit(final String... args) {
        final CommandLine commandLine = MemauditCommand.commandLine();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void aMissingInputFileNamesTheOptionAndNotThePath() {
        final String missing = directory.resolve(ACCESSION + ".jsonl").toString();
        assertEquals(1, memaudit("lint", "--in", missing));
        assertEquals("memaudit lint: --in: the file does not exist", err.toString().strip());
    }

    @Test
    void anUnknownExceptionIsNamedByItsTypeOnly() {
        final CommandLine lint = MemauditCommand.commandLine().getSubcommands().get("lint");
        final String message = MemauditCommand.explain(new IllegalStateException("Dr. QUETZAL saw the patient"), lint);
        assertEquals("failed with java.lang.IllegalStateException (its message is not shown: it can quote the data)", message);
    }

    @Test
    void anIllegalArgumentExceptionDuringARunIsAFailureNotAUsageError() {
        final CommandLine lint = MemauditCommand.commandLine().getSubcommands().get("lint");
        assertFalse(MemauditCommand.explain(new IllegalArgumentException("QUETZAL"), lint).contains("QUETZAL"));
    }

    @Test
    void fileSystemProblemsNameTheProblem() {
        final CommandLine commandLine = MemauditCommand.commandLine();
        final String file = directory.resolve(ACCESSION + ".jsonl").toString();
        commandLine.parseArgs("lint", "--in", file);
        final CommandLine lint = commandLine.getSubcommands().get("lint");
        assertEquals("--in: permission denied", MemauditCommand.explain(new AccessDeniedException(file), lint));
        assertEquals("--in: the file does not exist", MemauditCommand.explain(new NoSuchFileException(file), lint));
        assertEquals("a file it needed: the file does not exist",
                MemauditCommand.explain(new NoSuchFileException("/elsewhere/" + ACCESSION), lint));
        assertEquals("--in: could not be read or written (IOException)",
                MemauditCommand.explain(new IOException(ACCESSION), lint));
    }

    @Test
    void optionProblemsAreUsageErrorsThatDoNotEchoThePath() {
        final String missing = directory.resolve(ACCESSION).toString();
        assertEquals(2, memaudit("randomize", "--in", missing, "--out", directory.resolve("o.jsonl").toString()));
        assertTrue(err.toString().startsWith("--in: not a readable file or directory"), err.toString());
        assertFalse(err.toString().contains(ACCESSION), err.toString());
    }
}
