package io.memaudit.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class Utf8CheckingInputStreamTest {

    private static byte[] readAll(final byte[] content) throws IOException {
        try (Utf8CheckingInputStream in = new Utf8CheckingInputStream(new ByteArrayInputStream(content))) {
            return in.readAllBytes();
        }
    }

    @Test
    void wellFormedTextOfEveryLengthPassesThroughUnchanged() throws IOException {
        final byte[] content = "a\né\n€\n😀 ok\n".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(content, readAll(content));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "C3 28",       // continuation byte missing
            "C0 AF",       // overlong encoding
            "E0 80 AF",    // overlong three-byte encoding
            "ED A0 80",    // UTF-16 surrogate
            "F4 90 80 80", // above U+10FFFF
            "FF",          // never valid
            "E2 82",       // truncated at end of input
    })
    void malformedSequencesAreReportedWithTheirLine(final String hex) {
        final String[] parts = hex.split(" ");
        final byte[] bad = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            bad[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        final byte[] prefix = "ok\nfine\n".getBytes(StandardCharsets.UTF_8);
        final byte[] content = new byte[prefix.length + bad.length];
        System.arraycopy(prefix, 0, content, 0, prefix.length);
        System.arraycopy(bad, 0, content, prefix.length, bad.length);
        final Utf8CheckingInputStream.InvalidUtf8Exception error =
                assertThrows(Utf8CheckingInputStream.InvalidUtf8Exception.class, () -> readAll(content));
        assertEquals(3, error.line());
    }
}
