package io.memaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {

    @Test
    void benchReportsEveryBatchSizeAgainstBatchOneAndTheMatmulFraction() {
        final StringWriter out = new StringWriter();
        final CommandLine commandLine = MemauditCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        assertEquals(0, commandLine.execute("bench", "--model", Path.of("..", "models", "tiny-init").toString(), "--prompts", "4",
                "--steps", "2", "--batches", "1,4", "--repeats", "1"));
        final String report = out.toString();
        assertTrue(Pattern.compile("(?m)^1\\s+[0-9.]+\\s+1\\.00\\s+[0-9.]+\\s+[0-9.]+%$").matcher(report).find(), report);
        assertTrue(Pattern.compile("(?m)^4\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9.]+%$").matcher(report).find(), report);
        assertTrue(report.contains("dense matmul through the engine:"), report);
        assertTrue(report.contains("best batch:"), report);
    }
}
