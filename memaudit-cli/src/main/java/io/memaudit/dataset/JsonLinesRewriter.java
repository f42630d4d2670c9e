package io.memaudit.dataset;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.memaudit.core.io.MalformedDatasetException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * JSON Lines: one object per line. Fields are copied token by token in their order (numbers exactly); the text field is
 * rewritten and the count field is written last. Lines are parsed one at a time so that an error names its line.
 *
 * <p>With more than one thread (and a {@linkplain RecordTransform#concurrent() concurrent} transform) the input is cut
 * at line feeds into chunks that are rewritten on worker threads and written out in input order: the same bytes as on one
 * thread, and on malformed input the same error for the same first bad line.
 */
final class JsonLinesRewriter implements DatasetRewriter {
    /** Bytes of input per chunk on the parallel path: about 1,700 short records, a few milliseconds of work. */
    private static final int CHUNK_BYTES = 256 << 10;

    static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private final RewriteOptions options;

    JsonLinesRewriter(final RewriteOptions options) {
        this.options = options;
    }

    @Override
    public void rewrite(final InputStream in, final OutputStream out) throws IOException, MalformedDatasetException {
        if (options.parallel()) {
            rewriteInChunks(in, out);
        } else {
            rewriteLines(new LineSplitter(in), out);
        }
    }

    private void rewriteLines(final LineSplitter lines, final OutputStream out) throws IOException, MalformedDatasetException {
        try (JsonGenerator generator = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            generator.setRootValueSeparator(null);
            while (lines.next()) {
                if (lines.isBlank()) {
                    continue;
                }
                rewriteLine(lines, generator);
                generator.writeRaw('\n');
            }
        }
    }

    /** A chunk's output and line count, or the chunk's first problem with its line counted from the chunk's start. */
    private record Chunk(ByteArrayOutputStream output, long lines, MalformedDatasetException problem) {
    }

    private void rewriteInChunks(final InputStream in, final OutputStream out) throws IOException, MalformedDatasetException {
        final long[] linesBefore = {0};
        try (OrderedParallelWork<Chunk> work = new OrderedParallelWork<>(options.threads(), chunk -> {
            if (chunk.problem() != null) {
                throw chunk.problem().afterLines(linesBefore[0]);
            }
            chunk.output().writeTo(out);
            linesBefore[0] += chunk.lines();
        })) {
            byte[] carried = new byte[0];
            boolean end = false;
            while (!end) {
                final byte[] buffer = new byte[Math.max(CHUNK_BYTES, 2 * carried.length)];
                System.arraycopy(carried, 0, buffer, 0, carried.length);
                int filled = carried.length;
                while (filled < buffer.length) {
                    final int read = in.read(buffer, filled, buffer.length - filled);
                    if (read < 0) {
                        end = true;
                        break;
                    }
                    filled += read;
                }
                int cut = filled;
                if (!end) {
                    while (cut > 0 && buffer[cut - 1] != '\n') {
                        cut--;
                    }
                    if (cut == 0) {
                        carried = buffer; // one line longer than the buffer: read on with a larger one
                        continue;
                    }
                }
                carried = java.util.Arrays.copyOfRange(buffer, cut, filled);
                if (cut > 0) {
                    final int length = cut;
                    work.submit(() -> rewriteChunk(buffer, length));
                }
            }
            work.finish();
        }
    }

    private Chunk rewriteChunk(final byte[] buffer, final int length) throws IOException {
        final LineSplitter lines = new LineSplitter(buffer, length);
        final ByteArrayOutputStream output = new ByteArrayOutputStream(length + length / 4 + 64);
        try {
            rewriteLines(lines, output);
        } catch (final MalformedDatasetException e) {
            return new Chunk(null, lines.number(), e);
        }
        return new Chunk(output, lines.number(), null);
    }

    private void rewriteLine(final LineSplitter line, final JsonGenerator generator) throws IOException, MalformedDatasetException {
        final long number = line.number();
        try {
            final String key = options.keyField() == null ? null : findKey(line);
            try (JsonParser parser = JSON.createParser(line.buffer(), line.offset(), line.length())) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw new MalformedDatasetException(number, "expected one JSON object per line (JSON Lines), found "
                            + parser.currentToken() + "; convert a JSON array with e.g. jq -c '.[]'");
                }
                generator.writeStartObject();
                final List<String> added = options.transform().addedFields();
                RecordTransform.Result result = null;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    final String name = parser.currentName();
                    final JsonToken value = parser.nextToken();
                    if (added.contains(name)) {
                        parser.skipChildren();
                        continue;
                    }
                    generator.writeFieldName(name);
                    if (value == JsonToken.VALUE_STRING && name.equals(options.textField()) && result == null) {
                        result = options.transform().apply(parser.getText(), key);
                        generator.writeString(result.text());
                    } else {
                        copyValue(parser, generator);
                    }
                }
                if (result == null) {
                    result = options.transform().apply(null, key);
                }
                for (int i = 0; i < added.size(); i++) {
                    generator.writeFieldName(added.get(i));
                    writeScalar(generator, result.values().get(i));
                }
                generator.writeEndObject();
                if (parser.nextToken() != null) {
                    throw new MalformedDatasetException(number, "more than one JSON value on the line");
                }
            }
        } catch (final JsonProcessingException e) {
            throw invalidJson(number, e);
        }
    }

    /** Writes a computed value: string, integer, floating point (NaN as null), boolean or null. */
    static void writeScalar(final JsonGenerator generator, final Object value) throws IOException {
        if (value == null || value instanceof Double number && !Double.isFinite(number)) {
            generator.writeNull();
        } else if (value instanceof Integer || value instanceof Long) {
            generator.writeNumber(((Number) value).longValue());
        } else if (value instanceof Number number) {
            generator.writeNumber(number.doubleValue());
        } else if (value instanceof Boolean bool) {
            generator.writeBoolean(bool);
        } else {
            generator.writeString(value.toString());
        }
    }

    /** Copies the value the parser is on (scalar or structure), numbers exactly as written. */
    private static void copyValue(final JsonParser parser, final JsonGenerator generator) throws IOException {
        int depth = 0;
        do {
            final JsonToken token = parser.currentToken();
            generator.copyCurrentEventExact(parser);
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                depth++;
            } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                depth--;
            }
        } while (depth > 0 && parser.nextToken() != null);
    }

    /** The key field's top-level value as text, or null; a separate pass because the key may follow the text field. */
    private String findKey(final LineSplitter line) throws IOException {
        try (JsonParser parser = JSON.createParser(line.buffer(), line.offset(), line.length())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                final boolean isKey = parser.currentName().equals(options.keyField());
                final JsonToken value = parser.nextToken();
                if (isKey && value.isScalarValue() && value != JsonToken.VALUE_NULL) {
                    return parser.getText();
                }
                parser.skipChildren();
            }
            return null;
        }
    }

    /** The parser's complaint about line {@code number}, located and without quoted text. */
    static MalformedDatasetException invalidJson(final long number, final JsonProcessingException e) {
        return new MalformedDatasetException(number, "invalid JSON at column " + e.getLocation().getColumnNr() + ": "
                + MalformedDatasetException.withoutQuotedText(e.getOriginalMessage()));
    }

    /** Splits a byte stream into lines (LF or CRLF) without decoding, reusing one growing buffer. */
    static final class LineSplitter {
        private final InputStream in;
        private byte[] buffer = new byte[1 << 20];
        private int filled;
        private int lineStart;
        private int lineEnd;
        private int nextStart;
        private long number;
        private boolean eof;

        LineSplitter(final InputStream in) {
            this.in = in;
        }

        /** The lines of {@code buffer[0, length)}, without copying. */
        LineSplitter(final byte[] buffer, final int length) {
            this.in = InputStream.nullInputStream();
            this.buffer = buffer;
            this.filled = length;
            this.eof = true;
        }

        boolean next() throws IOException {
            lineStart = nextStart;
            int scan = lineStart;
            while (true) {
                for (; scan < filled; scan++) {
                    if (buffer[scan] == '\n') {
                        lineEnd = scan > lineStart && buffer[scan - 1] == '\r' ? scan - 1 : scan;
                        nextStart = scan + 1;
                        number++;
                        return true;
                    }
                }
                if (eof) {
                    if (lineStart == filled) {
                        return false;
                    }
                    lineEnd = filled > lineStart && buffer[filled - 1] == '\r' ? filled - 1 : filled;
                    nextStart = filled;
                    number++;
                    return true;
                }
                scan -= compact();
                fill();
            }
        }

        /** Moves the current partial line to the front of the buffer; returns how far it moved. */
        private int compact() {
            final int shift = lineStart;
            if (shift > 0) {
                System.arraycopy(buffer, lineStart, buffer, 0, filled - lineStart);
                filled -= shift;
                lineStart = 0;
            } else if (filled == buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
            }
            return shift;
        }

        private void fill() throws IOException {
            final int read = in.read(buffer, filled, buffer.length - filled);
            if (read < 0) {
                eof = true;
            } else {
                filled += read;
            }
        }

        boolean isBlank() {
            for (int i = lineStart; i < lineEnd; i++) {
                final byte b = buffer[i];
                if (b != ' ' && b != '\t') {
                    return false;
                }
            }
            return true;
        }

        byte[] buffer() {
            return buffer;
        }

        int offset() {
            return lineStart;
        }

        int length() {
            return lineEnd - lineStart;
        }

        long number() {
            return number;
        }
    }
}
