package io.memaudit.dataset;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.memaudit.core.io.CsvRecords;
import io.memaudit.core.io.MalformedDatasetException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /** Receives the selected fields of each record in order: name to value (absent when the record lacks the field). */
    @FunctionalInterface
    public interface FieldsConsumer {
        void accept(long line, Map<String, Object> values) throws IOException;
    }

    private DatasetReader() {
    }

    /**
     * Reads the named top-level fields of every record: JSON Lines values as Jackson reads them (numbers as Double,
     * strings as String, null as null; objects and arrays are skipped), CSV cells as strings (an empty cell is null; a
     * column the header lacks is absent from every record).
     */
    public static void readFields(final DatasetFormat format, final InputStream in, final Set<String> fields,
                                  final FieldsConsumer consumer) throws IOException, MalformedDatasetException {
        switch (format) {
            case JSON_LINES -> {
                final Map<String, Object> values = new HashMap<>();
                forEachJsonRecord(in, (name, value, parser) -> {
                    if (!fields.contains(name) || !value.isScalarValue()) {
                        parser.skipChildren();
                    } else if (value.isNumeric()) {
                        values.put(name, parser.getDoubleValue());
                    } else if (value == JsonToken.VALUE_NULL) {
                        values.put(name, null);
                    } else if (value == JsonToken.VALUE_STRING) {
                        values.put(name, parser.getText());
                    } else {
                        values.put(name, parser.getBooleanValue());
                    }
                }, line -> {
                    consumer.accept(line, new HashMap<>(values));
                    values.clear();
                });
            }
            case CSV -> {
                final CsvRecords records = CsvRecords.open(in);
                final Map<String, Integer> columns = new HashMap<>();
                for (final String field : fields) {
                    final int column = records.header().indexOf(field);
                    if (column >= 0) {
                        columns.put(field, column);
                    }
                }
                records.forEach((record, line) -> {
                    final Map<String, Object> values = new HashMap<>();
                    columns.forEach((field, column) -> {
                        final String cell = record.get(column);
                        values.put(field, cell.isEmpty() ? null : cell);
                    });
                    consumer.accept(line, values);
                });
            }
            case TEXT -> throw new IllegalArgumentException("Datasets are read from .jsonl or .csv, not plain text");
        }
    }

    /** The distinct texts of a dataset file in order of first appearance, at most {@code limit} (0: all). */
    public static List<String> distinctTexts(final Path file, final String textField, final int limit)
            throws IOException, MalformedDatasetException {
        final DatasetFormat format = DatasetFormat.of(file);
        if (format == DatasetFormat.TEXT) {
            throw new IllegalArgumentException(file + ": prompts are read from .jsonl or .csv (memaudit sections turns reports into prompts)");
        }
        final Set<String> distinct = new LinkedHashSet<>();
        try (InputStream in = Files.newInputStream(file)) {
            read(format, in, textField, null, entry -> {
                if (entry.text() != null && (limit == 0 || distinct.size() < limit)) {
                    distinct.add(entry.text());
                }
            });
        }
        return new ArrayList<>(distinct);
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
        final String[] textAndKey = new String[2];
        forEachJsonRecord(in, (name, value, parser) -> {
            if (name.equals(textField) && value == JsonToken.VALUE_STRING) {
                textAndKey[0] = parser.getText();
            } else if (name.equals(keyField) && value.isScalarValue() && value != JsonToken.VALUE_NULL) {
                textAndKey[1] = parser.getText();
            } else {
                parser.skipChildren();
            }
        }, line -> {
            consumer.accept(new Entry(line, textAndKey[0], textAndKey[1]));
            textAndKey[0] = null;
            textAndKey[1] = null;
        });
    }

    /** Reads one top-level field of a JSON Lines record; the parser sits on its value, which must be read or skipped. */
    @FunctionalInterface
    private interface FieldReader {
        void read(String name, JsonToken value, JsonParser parser) throws IOException;
    }

    /** Called after each record's fields were read, with its 1-based line. */
    @FunctionalInterface
    private interface RecordEnd {
        void accept(long line) throws IOException;
    }

    /**
     * Parses every non-blank line as one JSON object: {@code field} sees its top-level fields in order, then {@code end}
     * the line number. A line that is not one JSON object fails naming the line.
     */
    private static void forEachJsonRecord(final InputStream in, final FieldReader field, final RecordEnd end)
            throws IOException, MalformedDatasetException {
        final JsonLinesRewriter.LineSplitter lines = new JsonLinesRewriter.LineSplitter(in);
        while (lines.next()) {
            if (lines.isBlank()) {
                continue;
            }
            try (JsonParser parser = JsonLinesRewriter.JSON.createParser(lines.buffer(), lines.offset(), lines.length())) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw new MalformedDatasetException(lines.number(), "expected one JSON object per line (JSON Lines)");
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    final String name = parser.currentName();
                    field.read(name, parser.nextToken(), parser);
                }
                if (parser.nextToken() != null) {
                    throw new MalformedDatasetException(lines.number(), "more than one JSON value on the line");
                }
            } catch (final JsonProcessingException e) {
                throw JsonLinesRewriter.invalidJson(lines.number(), e);
            }
            end.accept(lines.number());
        }
    }

    private static void readCsv(final InputStream in, final String textField, final String keyField,
                                final EntryConsumer consumer) throws IOException, MalformedDatasetException {
        final CsvRecords records = CsvRecords.open(in);
        final int textColumn = records.column(textField, "--field");
        final int keyColumn = keyField == null ? -1 : records.column(keyField, "--key-field");
        records.forEach((record, line) -> consumer.accept(new Entry(line, record.get(textColumn),
                keyColumn < 0 ? null : record.get(keyColumn))));
    }
}
