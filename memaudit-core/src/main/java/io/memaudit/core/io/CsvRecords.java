package io.memaudit.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The records of a CSV dataset with a header row (RFC 4180 quoting, UTF-8 checked), with every problem turned into a
 * {@link MalformedDatasetException} that names its line: invalid UTF-8, an unterminated quote, a record whose field count
 * differs from the header's.
 */
public final class CsvRecords {
    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();

    private final CSVParser parser;

    private CsvRecords(final CSVParser parser) {
        this.parser = parser;
    }

    public static CsvRecords open(final InputStream in) throws MalformedDatasetException {
        try {
            return new CsvRecords(CSVParser.builder()
                    .setReader(new InputStreamReader(new Utf8CheckingInputStream(in), StandardCharsets.UTF_8))
                    .setFormat(FORMAT).get());
        } catch (final Utf8CheckingInputStream.InvalidUtf8Exception e) {
            throw new MalformedDatasetException(e.line(), "invalid UTF-8");
        } catch (final IOException | IllegalArgumentException e) {
            throw new MalformedDatasetException(1, "cannot read the CSV header: " + MalformedDatasetException.withoutQuotedText(e.getMessage()));
        }
    }

    public List<String> header() {
        return parser.getHeaderNames();
    }

    /** The index of {@code column}; {@code option} is the command-line option that names it, for the error message. */
    public int column(final String column, final String option) throws MalformedDatasetException {
        final int index = header().indexOf(column);
        if (index < 0) {
            // the header is not echoed: in a file without one, the first row is report text
            throw new MalformedDatasetException(1, "the header (" + header().size() + " columns) has no column '" + column
                    + "'; check that the file starts with a header row and name the column with " + option);
        }
        return index;
    }

    /** Receives each record with its line. */
    @FunctionalInterface
    public interface RecordConsumer {
        void accept(CSVRecord record, long line) throws IOException;
    }

    public void forEach(final RecordConsumer consumer) throws IOException, MalformedDatasetException {
        final Iterator<CSVRecord> records = parser.iterator();
        while (true) {
            final CSVRecord record;
            try {
                if (!records.hasNext()) {
                    return;
                }
                record = records.next();
            } catch (final UncheckedIOException e) {
                if (e.getCause() instanceof Utf8CheckingInputStream.InvalidUtf8Exception invalid) {
                    throw new MalformedDatasetException(invalid.line(), "invalid UTF-8");
                }
                throw new MalformedDatasetException(parser.getCurrentLineNumber() + 1,
                        MalformedDatasetException.withoutQuotedText(e.getCause().getMessage()));
            }
            if (record.size() != header().size()) {
                throw new MalformedDatasetException(parser.getCurrentLineNumber(), "the record has " + record.size()
                        + " fields but the header has " + header().size());
            }
            consumer.accept(record, parser.getCurrentLineNumber());
        }
    }
}
