package io.memaudit.dataset;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads the text field (and optionally a key field) of every record of a JSON Lines or CSV dataset, for commands that
 * profile a dataset without rewriting it. Errors name the line, as {@link DatasetRewriter}s do.
 */
public final class DatasetReader {

    /** One record: its 1-based line, its text (null when the field is missing or not a string) and its key (or null). */
    public record Entry(long line, String text, String key) {
    }

    /** Receives records in order. */
    @FunctionalInterface
    public interface EntryConsumer {
        void accept(Entry entry) throws IOException;
    }

    private DatasetReader() {
    }

    public static void read(final DatasetFormat format, final InputStream in, final String textField, final String keyField,
                            final EntryConsumer consumer) throws IOException, MalformedDatasetException {
        switch (format) {
            case JSON_LINES -> readJsonLines(in, textField, keyField, consumer);
            case CSV -> readCsv(in, textField, keyField, consumer);
            case TEXT -> throw new IllegalArgumentException("Datasets are read from .jsonl or .csv, not plain text");
        }
    }

    private static void readJsonLines(final InputStream in, final String textField, final String keyField,
                                      final EntryConsumer consumer) throws IOException, MalformedDatasetException {
        final JsonLinesRewriter.LineSplitter lines = new JsonLinesRewriter.LineSplitter(in);
        while (lines.next()) {
            if (lines.isBlank()) {
                continue;
            }
            String text = null;
            String key = null;
            try (JsonParser parser = JsonLinesRewriter.JSON.createParser(lines.buffer(), lines.offset(), lines.length())) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw new MalformedDatasetException(lines.number(), "expected one JSON object per line (JSON Lines)");
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    final String name = parser.currentName();
                    final JsonToken value = parser.nextToken();
                    if (name.equals(textField) && value == JsonToken.VALUE_STRING) {
                        text = parser.getText();
                    } else if (name.equals(keyField) && value.isScalarValue() && value != JsonToken.VALUE_NULL) {
                        key = parser.getText();
                    } else {
                        parser.skipChildren();
                    }
                }
                if (parser.nextToken() != null) {
                    throw new MalformedDatasetException(lines.number(), "more than one JSON value on the line");
                }
            } catch (final JsonProcessingException e) {
                throw new MalformedDatasetException(lines.number(), "invalid JSON at column " + e.getLocation().getColumnNr()
                        + ": " + JsonLinesRewriter.withoutQuotedText(e.getOriginalMessage()));
            }
            consumer.accept(new Entry(lines.number(), text, key));
        }
    }

    private static void readCsv(final InputStream in, final String textField, final String keyField,
                                final EntryConsumer consumer) throws IOException, MalformedDatasetException {
        final CSVParser parser;
        try {
            parser = CSVParser.builder().setReader(new InputStreamReader(new Utf8CheckingInputStream(in), StandardCharsets.UTF_8))
                    .setFormat(CsvRewriter.INPUT).get();
        } catch (final Utf8CheckingInputStream.InvalidUtf8Exception e) {
            throw new MalformedDatasetException(e.line(), "invalid UTF-8");
        }
        final List<String> header = parser.getHeaderNames();
        final int textColumn = header.indexOf(textField);
        if (textColumn < 0) {
            throw new MalformedDatasetException(1, "the header has no column '" + textField + "' (columns: "
                    + String.join(", ", header) + "); name the text column with --field");
        }
        final int keyColumn = keyField == null ? -1 : header.indexOf(keyField);
        try {
            for (final CSVRecord record : parser) {
                if (record.size() != header.size()) {
                    throw new MalformedDatasetException(parser.getCurrentLineNumber(), "the record has " + record.size()
                            + " fields but the header has " + header.size());
                }
                consumer.accept(new Entry(parser.getCurrentLineNumber(), record.get(textColumn),
                        keyColumn < 0 ? null : record.get(keyColumn)));
            }
        } catch (final UncheckedIOException e) {
            if (e.getCause() instanceof Utf8CheckingInputStream.InvalidUtf8Exception invalid) {
                throw new MalformedDatasetException(invalid.line(), "invalid UTF-8");
            }
            throw new MalformedDatasetException(parser.getCurrentLineNumber() + 1,
                    JsonLinesRewriter.withoutQuotedText(e.getCause().getMessage()));
        }
    }
}
