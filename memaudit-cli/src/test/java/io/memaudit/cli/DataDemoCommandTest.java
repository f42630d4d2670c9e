package io.memaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DataDemoCommandTest {

    @Test
    void demoRewritesTheSampleWithEveryStrategyAndSummarisesDiversity(@TempDir final Path directory) throws Exception {
        final StringWriter out = new StringWriter();
        final CommandLine commandLine = MemauditCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        assertEquals(0, commandLine.execute("demo-data", "--out", directory.toString(), "--records", "1000"));
        final String summary = out.toString();
        for (final String file : List.of("reports.jsonl", "random-tag.jsonl", "typed-surrogate.jsonl", "remove.jsonl", "fixed.jsonl")) {
            assertEquals(1000, Files.readAllLines(directory.resolve(file)).size(), file);
        }
        final Matcher original = Pattern.compile("original\\s+([\\d,]+)\\s+1\\s+\"___\" \\(100\\.00%\\)").matcher(summary);
        assertTrue(original.find(), summary);
        final String markers = original.group(1);
        assertTrue(Pattern.compile("random-tag\\s+" + markers + "\\s+" + markers + "\\s").matcher(summary).find(),
                "every random tag should be distinct:\n" + summary);
        assertTrue(Pattern.compile("remove\\s+" + markers + "\\s+0\\s+\\(none left\\)").matcher(summary).find(), summary);
        assertTrue(Files.readAllLines(directory.resolve("random-tag.jsonl")).stream()
                .noneMatch(line -> line.matches(".*\"prompt\":\"[^\"]*___.*")), "prompts must have no ___ left");
    }
}
