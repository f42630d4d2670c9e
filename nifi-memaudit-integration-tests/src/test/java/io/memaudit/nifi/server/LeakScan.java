package io.memaudit.nifi.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What a test sent into NiFi that must never come back where NiFi talks about its work (logs, bulletins, gate reports):
 * every prompt, whole and by its distinctive words (a parser message quotes a fragment, not the whole text), and the name
 * of every input file, with and without its extension (a hospital's file names carry accession numbers). Compared
 * case-insensitively.
 *
 * @param needles the lower-case strings looked for
 */
record LeakScan(Set<String> needles) {
    /** A word of a prompt is distinctive from this length on; shorter ones (chest, image, ...) are everyday words. */
    static final int DISTINCTIVE_LENGTH = 7;
    /**
     * Words of the test prompts that are long enough but not distinctive: NiFi's and memaudit's own messages use them, or
     * may ("process group", "without", "routed to failure unchanged", "checkpoint interval", "possibly", "notified").
     */
    private static final Set<String> COMMON = Set.of("process", "without", "compared", "interval", "removal", "possibly",
            "consistent", "unchanged", "notified", "advised");

    LeakScan {
        needles = Set.copyOf(needles);
    }

    /** The needles for {@code prompts} and {@code fileNames}. */
    static LeakScan of(final Collection<String> prompts, final Collection<String> fileNames) {
        final Set<String> needles = new TreeSet<>();
        for (final String prompt : prompts) {
            needles.add(prompt.toLowerCase(Locale.ROOT));
            needles.addAll(distinctiveWords(prompt));
        }
        for (final String name : fileNames) {
            final String lower = name.toLowerCase(Locale.ROOT);
            needles.add(lower);
            needles.add(lower.contains(".") ? lower.substring(0, lower.lastIndexOf('.')) : lower);
        }
        return new LeakScan(needles);
    }

    /** The words of {@code prompt}, lower case, of {@link #DISTINCTIVE_LENGTH} characters or more, but not {@link #COMMON}. */
    static Set<String> distinctiveWords(final String prompt) {
        final Set<String> words = new TreeSet<>();
        for (final String token : prompt.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}-]+")) {
            final String word = token.replaceAll("^-+|-+$", "");
            if (word.length() >= DISTINCTIVE_LENGTH && !COMMON.contains(word)) {
                words.add(word);
            }
        }
        return words;
    }

    /**
     * The needles found in {@code text} as whole words (not inside a longer word: "tension" is not in "extension"), each
     * with the line it is on.
     */
    List<String> findIn(final String where, final String text) {
        final List<String> found = new ArrayList<>();
        final String lower = text.toLowerCase(Locale.ROOT);
        for (final String needle : needles) {
            final int at = wordAt(lower, needle);
            if (at >= 0) {
                final int start = lower.lastIndexOf('\n', at) + 1;
                final int end = lower.indexOf('\n', at) < 0 ? lower.length() : lower.indexOf('\n', at);
                found.add(where + ": '" + needle + "' in: " + text.substring(start, Math.min(end, start + 400)));
            }
        }
        return found;
    }

    private static int wordAt(final String text, final String needle) {
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            final int end = at + needle.length();
            if ((at == 0 || !Character.isLetterOrDigit(text.charAt(at - 1)))
                    && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)))) {
                return at;
            }
        }
        return -1;
    }

    /** The needles found in the regular files under {@code directory} (read as UTF-8, whatever they hold). */
    List<String> findInFiles(final Path directory) {
        final List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(directory)) {
            for (final Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                found.addAll(findIn(file.toString(), new String(Files.readAllBytes(file), StandardCharsets.UTF_8)));
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(directory + ": cannot read", e);
        }
        return found;
    }

    /** Asserts that no needle is in {@code text}. */
    void assertNotIn(final String where, final String text) {
        assertEquals(List.of(), findIn(where, text), "prompt text or an input file name in " + where);
    }

    /** Asserts that no needle is in any file under {@code directory}, and returns how many files were read. */
    long assertNotInFiles(final Path directory) {
        assertEquals(List.of(), findInFiles(directory), "prompt text or an input file name in the files under " + directory);
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).count();
        } catch (final IOException e) {
            throw new UncheckedIOException(directory + ": cannot read", e);
        }
    }
}
