package io.memaudit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code memaudit randomize --threads N} writes the same bytes, and fails the same way, whatever N is. */
class ParallelRandomizeTest {
    private static final List<String> THREADS = List.of("1", "2", "4");

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

    /**
     * Several parallel chunks of JSON Lines: markers, CRLF and LF endings, blank lines, non-ASCII text, escapes, records
     * without the text field, a line longer than a chunk, and no line feed after the last record.
     */
    private static String jsonLines(final int records) {
        final SplittableRandom random = new SplittableRandom(42);
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < records; i++) {
            final String prompt = switch (random.nextInt(6)) {
                case 0 -> "Compared to ___, stable. Café ✓ naïve 肺";
                case 1 -> "Dr. ___ called at ___ on ___.\\nSecond line \\\"quoted\\\" \\u00e9";
                case 2 -> "No acute process.";
                case 3 -> "Large " + "effusion, ".repeat(random.nextInt(20)) + "since ___";
                case 4 -> "😀 emoji before ___ and after";
                default -> "___";
            };
            if (i == records / 2) {
                text.append("{\"id\":").append(i).append(",\"prompt\":\"").append("word ___ ".repeat(80_000)).append("\"}\n");
                continue;
            }
            text.append("{\"id\":").append(i).append(",\"score\":1.50,\"prompt\":\"").append(prompt).append("\"");
            if (random.nextInt(10) == 0) {
                text.append(",\"deid_marker_count\":99,\"nested\":{\"a\":[1,2,{\"b\":null}]}");
            }
            text.append('}').append(random.nextBoolean() ? "\r\n" : "\n");
            if (random.nextInt(50) == 0) {
                text.append(random.nextBoolean() ? "\n" : "  \r\n");
            }
            if (random.nextInt(40) == 0) {
                text.append("{\"id\":\"no text field\"}\n");
            }
        }
        text.append("{\"id\":\"last\",\"prompt\":\"ends without a line feed ___\"}");
        return text.toString();
    }

    private byte[] randomize(final Path in, final String name, final String threads, final String... extra) throws IOException {
        final Path output = directory.resolve(threads + "-" + name);
        final List<String> args = new java.util.ArrayList<>(List.of("randomize", "--in", in.toString(), "--out",
                output.toString(), "--seed", "11", "--threads", threads, "--no-progress"));
        args.addAll(List.of(extra));
        assertEquals(0, memaudit(args.toArray(String[]::new)), err.toString());
        return Files.readAllBytes(output);
    }

    @Test
    void jsonLinesComeOutByteForByteTheSameOnOneTwoAndFourThreads() throws IOException {
        final Path in = Files.writeString(directory.resolve("in.jsonl"), jsonLines(20_000), StandardCharsets.UTF_8);
        assertTrue(Files.size(in) > 1_500_000, "several chunks: " + Files.size(in));
        final byte[] single = randomize(in, "out.jsonl", "1", "--key-field", "id");
        for (final String threads : THREADS.subList(1, THREADS.size())) {
            assertArrayEquals(single, randomize(in, "out.jsonl", threads, "--key-field", "id"), threads + " threads");
        }
        final String text = new String(single, StandardCharsets.UTF_8);
        assertTrue(text.contains("Café ✓ naïve 肺"), "non-ASCII text survives");
        assertFalse(text.contains("___"), "every marker replaced");
        final List<String> counts = out.toString().lines().filter(line -> line.startsWith("  text field")).toList();
        assertEquals(3, counts.size(), out.toString());
        assertEquals(1, counts.stream().distinct().count(), "the same counts on every thread count: " + out);
    }

    @Test
    void csvComesOutByteForByteTheSameOnOneTwoAndFourThreads() throws IOException {
        final SplittableRandom random = new SplittableRandom(3);
        final StringBuilder csv = new StringBuilder("image,prompt,split\r\n");
        for (int i = 0; i < 9_000; i++) {
            final String prompt = switch (random.nextInt(4)) {
                case 0 -> "\"Dr. ___, at ___\"";
                case 1 -> "\"two lines ___\nsecond \"\"quoted\"\" line\"";
                case 2 -> "Café ___ ✓";
                default -> "plain";
            };
            csv.append("img").append(i).append(".jpg,").append(prompt).append(",train").append(random.nextBoolean() ? "\r\n" : "\n");
        }
        final Path in = Files.writeString(directory.resolve("in.csv"), csv, StandardCharsets.UTF_8);
        final byte[] single = randomize(in, "out.csv", "1", "--key-field", "image");
        for (final String threads : THREADS.subList(1, THREADS.size())) {
            assertArrayEquals(single, randomize(in, "out.csv", threads, "--key-field", "image"), threads + " threads");
        }
        assertFalse(new String(single, StandardCharsets.UTF_8).contains("___"), "every marker replaced");
    }

    @Test
    void malformedJsonLinesNameTheFirstBadLineAndLeaveNoOutputWhateverTheThreadCount() throws IOException {
        final StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 30_000; i++) {
            text.append(i == 17_001 || i == 25_000 ? "{\"prompt\":\"broken sentence ___}" : "{\"prompt\":\"fine ___ " + i + "\"}")
                    .append(i % 3 == 0 ? "\r\n" : "\n");
        }
        final Path in = Files.writeString(directory.resolve("bad.jsonl"), text, StandardCharsets.UTF_8);
        String firstMessage = null;
        for (final String threads : THREADS) {
            err.getBuffer().setLength(0);
            final Path output = directory.resolve(threads + "-bad-out.jsonl");
            assertEquals(1, memaudit("randomize", "--in", in.toString(), "--out", output.toString(), "--threads", threads));
            final String message = err.toString().strip();
            assertTrue(message.contains("bad.jsonl: line 17001: invalid JSON"), threads + " threads: " + message);
            assertFalse(message.contains("broken sentence"), "must not quote report text: " + message);
            if (firstMessage == null) {
                firstMessage = message;
            }
            assertEquals(firstMessage, message, "the same error on " + threads + " threads");
            try (Stream<Path> files = Files.list(directory)) {
                assertEquals(List.of("bad.jsonl"), files.map(path -> path.getFileName().toString()).toList(),
                        "no output left by " + threads + " threads");
            }
        }
    }

    @Test
    void aThreadCountBelowOneIsRefused() throws IOException {
        final Path in = Files.writeString(directory.resolve("in.jsonl"), "{\"prompt\":\"x\"}\n", StandardCharsets.UTF_8);
        assertEquals(2, memaudit("randomize", "--in", in.toString(), "--out", directory.resolve("o.jsonl").toString(),
                "--threads", "0"));
        assertTrue(err.toString().contains("--threads must be at least 1"), err.toString());
    }
}
