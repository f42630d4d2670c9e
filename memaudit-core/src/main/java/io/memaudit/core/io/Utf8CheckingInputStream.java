package io.memaudit.core.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes bytes through while checking that they are well-formed UTF-8, and knows the line of the first bad byte. Decoders
 * read ahead in large blocks, so they cannot say where a bad byte was; this stream can.
 */
public final class Utf8CheckingInputStream extends FilterInputStream {
    private long line = 1;
    private int pending;
    private int nextMin = 0x80;
    private int nextMax = 0xBF;

    public Utf8CheckingInputStream(final InputStream in) {
        super(in);
    }

    /** Thrown on the first malformed byte; names its 1-based line. */
    public static final class InvalidUtf8Exception extends IOException {
        private final long line;

        InvalidUtf8Exception(final long line) {
            super("invalid UTF-8 on line " + line);
            this.line = line;
        }

        public long line() {
            return line;
        }
    }

    @Override
    public int read() throws IOException {
        final int value = super.read();
        if (value < 0) {
            checkComplete();
        } else {
            check((byte) value);
        }
        return value;
    }

    @Override
    public int read(final byte[] buffer, final int offset, final int length) throws IOException {
        final int read = super.read(buffer, offset, length);
        if (read < 0) {
            checkComplete();
        }
        for (int i = offset; i < offset + read; i++) {
            check(buffer[i]);
        }
        return read;
    }

    private void checkComplete() throws InvalidUtf8Exception {
        if (pending > 0) {
            throw new InvalidUtf8Exception(line);
        }
    }

    private void check(final byte value) throws InvalidUtf8Exception {
        final int b = value & 0xFF;
        if (pending > 0) {
            if (b < nextMin || b > nextMax) {
                throw new InvalidUtf8Exception(line);
            }
            pending--;
            nextMin = 0x80;
            nextMax = 0xBF;
            return;
        }
        if (b < 0x80) {
            if (b == '\n') {
                line++;
            }
            return;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            pending = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            pending = 2;
            nextMin = b == 0xE0 ? 0xA0 : 0x80;
            nextMax = b == 0xED ? 0x9F : 0xBF;
        } else if (b >= 0xF0 && b <= 0xF4) {
            pending = 3;
            nextMin = b == 0xF0 ? 0x90 : 0x80;
            nextMax = b == 0xF4 ? 0x8F : 0xBF;
        } else {
            throw new InvalidUtf8Exception(line);
        }
    }
}
