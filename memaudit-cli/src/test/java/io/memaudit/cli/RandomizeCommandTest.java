package io.memaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class RandomizeCommandTest {
    @TempDir
    Path directory;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int memaudit(final String... args) {
        final CommandLine commandLine = MemauditCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private Path file(final String name, final String content) throws IOException {
        return Files.writeString(directory.resolve(name), content, StandardCharsets.UTF_8);
    }

    private Path file(final String name, final byte[] content) throws IOException {
        return Files.write(directory.resolve(name), content);
    }

    private List<String> filesInDirectory() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void jsonLinesKeepEveryRecordAndFieldAndGainTheCount() throws IOException {
        final Path in = file("in.jsonl", """
                {"image":"a.jpg","prompt":"Compared to ___, stable. Café ✓","score":1.50,"big":12345678901234567890,"tags":["x",{"y":null}]}

                {"image":"b.jpg","prompt":"No acute process.","deid_marker_count":99}
                {"image":"c.jpg","prompt":7}
                """);
        final Path output = directory.resolve("out.jsonl");
        assertEquals(0, memaudit("randomize", "--in", in.toString(), "--out", output.toString(), "--seed", "5"), err.toString());
        final List<String> lines = Files.readAllLines(output);
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).matches("\\{\"image\":\"a.jpg\",\"prompt\":\"Compared to [A-Z0-9]{6}, stable\\. Café ✓\","
                + "\"score\":1\\.50,\"big\":12345678901234567890,\"tags\":\\[\"x\",\\{\"y\":null}],\"deid_marker_count\":1}"),
                lines.get(0));
        assertEquals("{\"image\":\"b.jpg\",\"prompt\":\"No acute process.\",\"deid_marker_count\":0}", lines.get(1));
        assertEquals("{\"image\":\"c.jpg\",\"prompt\":7,\"deid_marker_count\":0}", lines.get(2));
        assertTrue(out.toString().contains("Rewrote 3 records"), out.toString());
        assertTrue(out.toString().contains("1 records held 1 markers"), out.toString());
        final String provenance = Files.readString(directory.resolve("out.jsonl.memaudit.json"));
        assertTrue(provenance.contains("\"seed\": 5") && provenance.contains("\"markers\": 1"), provenance);
    }

    @Test
    void csvKeepsEveryColumnAndAddsTheCountColumn() throws IOException {
        final Path in = file("in.csv", "image,prompt,split\na.jpg,\"Dr. ___, at ___\",train\nb.jpg,plain,test\n");
        final Path output = directory.resolve("out.csv");
        assertEquals(0, memaudit("randomize", "--in", in.toString(), "--out", output.toString(), "--strategy", "fixed",
                "--fixed", "[PHI]"), err.toString());
        assertEquals(List.of("image,prompt,split,deid_marker_count", "a.jpg,\"Dr. [PHI], at [PHI]\",train,2",
                "b.jpg,plain,test,0"), Files.readAllLines(output));
    }

    @Test
    void theSameSeedReproducesTheOutputAndTheKeyFieldSeparatesRepeatedCaptions() throws IOException {
        final Path in = file("in.jsonl", "{\"id\":1,\"prompt\":\"Since ___.\"}\n{\"id\":2,\"prompt\":\"Since ___.\"}\n");
        memaudit("randomize", "--in", in.toString(), "--out", directory.resolve("a.jsonl").toString(), "--seed", "1");
        memaudit("randomize", "--in", in.toString(), "--out", directory.resolve("b.jsonl").toString(), "--seed", "1");
        memaudit("randomize", "--in", in.toString(), "--out", directory.resolve("c.jsonl").toString(), "--seed", "1",
                "--key-field", "id");
        final List<String> a = Files.readAllLines(directory.resolve("a.jsonl"));
        assertEquals(a, Files.readAllLines(directory.resolve("b.jsonl")));
        assertEquals(a.get(0).replace("\"id\":1", ""), a.get(1).replace("\"id\":2", ""));
        final List<String> c = Files.readAllLines(directory.resolve("c.jsonl"));
        assertNotEquals(c.get(0).replace("\"id\":1", ""), c.get(1).replace("\"id\":2", ""));
    }

    @Test
    void malformedJsonNamesTheLineAndLeavesNoOutputBehind() throws IOException {
        final Path in = file("in.jsonl", "{\"prompt\":\"fine ___\"}\n{\"prompt\":\"broken sentence}\n");
        final Path output = directory.resolve("out.jsonl");
        assertEquals(1, memaudit("randomize", "--in", in.toString(), "--out", output.toString()));
        final String message = err.toString().strip();
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.contains("in.jsonl: line 2: invalid JSON"), message);
        assertFalse(message.contains("broken sentence"), "must not quote report text: " + message);
        assertEquals(List.of("in.jsonl"), filesInDirectory());
    }

    @Test
    void aJsonArrayIsExplained() throws IOException {
        final Path in = file("in.json", "[{\"prompt\":\"x\"}]\n");
        assertEquals(1, memaudit("randomize", "--in", in.toString(), "--out", directory.resolve("o.json").toString()));
        assertTrue(err.toString().contains("line 1: expected one JSON object per line"), err.toString());
    }

    @Test
    void anExistingOutputIsNotReplacedByAFailedRun() throws IOException {
        final Path in = file("in.jsonl", "{\"prompt\":\"ok\"}\nnot json\n");
        final Path output = file("out.jsonl", "previous complete output\n");
        assertEquals(1, memaudit("randomize", "--in", in.toString(), "--out", output.toString()));
        assertEquals("previous complete output\n", Files.readString(output));
    }

    @ParameterizedTest
    @ValueSource(strings = {"in.jsonl", "in.csv"})
    void invalidUtf8IsReportedWithItsLine(final String name) throws IOException {
        final byte[] header = name.endsWith(".csv") ? "prompt\nok\n".getBytes(StandardCharsets.UTF_8)
                : "{\"prompt\":\"ok\"}\n".getBytes(StandardCharsets.UTF_8);
        final byte[] bad = name.endsWith(".csv") ? new byte[] {'b', (byte) 0xC3, '(', '\n'}
                : new byte[] {'{', '"', 'p', 'r', 'o', 'm', 'p', 't', '"', ':', '"', (byte) 0xC3, '(', '"', '}', '\n'};
        final byte[] content = new byte[header.length + bad.length];
        System.arraycopy(header, 0, content, 0, header.length);
        System.arraycopy(bad, 0, content, header.length, bad.length);
        final Path in = file(name, content);
        final String outName = name.replace("in", "out");
        assertEquals(1, memaudit("randomize", "--in", in.toString(), "--out", directory.resolve(outName).toString()));
        assertTrue(err.toString().contains("line " + (name.endsWith(".csv") ? 3 : 2)), err.toString());
        assertTrue(err.toString().toLowerCase().contains("utf-8"), err.toString());
        assertEquals(List.of(name), filesInDirectory());
    }

    @Test
    void csvWithARaggedRecordNamesTheLine() throws IOException {
        final Path in = file("in.csv", "image,prompt\na.jpg,fine\nb.jpg,too,many\n");
        assertEquals(1, memaudit("randomize", "--in", in.toString(), "--out", directory.resolve("out.csv").toString()));
        assertTrue(err.toString().contains("line 3: the record has 3 fields but the header has 2"), err.toString());
    }

    @Test
    void csvWithAnUnterminatedQuoteFails() throws IOException {
        final Path in = file("in.csv", "image,prompt\na.jpg,\"never closed\nb.jpg,x\n");
        assertEquals(1, memaudit("randomize", "--in", in.toString(), "--out", directory.resolve("out.csv").toString()));
        assertTrue(err.toString().contains("in.csv: line"), err.toString());
        assertEquals(List.of("in.csv"), filesInDirectory());
    }

    @Test
    void csvWithoutTheTextColumnSaysWhichColumnsExist() throws IOException {
        final Path in = file("in.csv", "image,caption\na.jpg,x\n");
        assertEquals(1, memaudit("randomize", "--in", in.toString(), "--out", directory.resolve("out.csv").toString()));
        assertTrue(err.toString().contains("the header (2 columns) has no column 'prompt'"), err.toString());
        assertFalse(err.toString().contains("caption"), "the header is not echoed: " + err);
    }

    @Test
    void emptyInputGivesAnEmptyOutput() throws IOException {
        final Path in = file("in.jsonl", "");
        final Path output = directory.resolve("out.jsonl");
        assertEquals(0, memaudit("randomize", "--in", in.toString(), "--out", output.toString()), err.toString());
        assertEquals("", Files.readString(output));
    }

    @Test
    void badOptionsExitWithUsageErrors() throws IOException {
        final Path in = file("in.xml", "x");
        assertEquals(2, memaudit("randomize", "--in", in.toString(), "--out", directory.resolve("o.xml").toString()));
        assertTrue(err.toString().contains("Cannot tell the format"), err.toString());
        assertEquals(2, memaudit("randomize", "--in", in.toString(), "--out", "x", "--strategy", "shuffle"));
        assertTrue(err.toString().contains("random-tag, typed-surrogate, remove, fixed"), err.toString());
        final Path json = file("in.jsonl", "{}\n");
        assertEquals(2, memaudit("randomize", "--in", json.toString(), "--out", json.toString()));
        assertTrue(err.toString().contains("must differ"), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"randomize", "sections", "lint", "score", "demo"})
    void everyCommandHasHelp(final String command) {
        assertEquals(0, memaudit(command, "--help"));
        assertTrue(out.toString().contains("Usage: memaudit " + command), out.toString());
    }
}
