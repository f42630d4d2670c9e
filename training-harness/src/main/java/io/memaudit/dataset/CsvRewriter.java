package io.memaudit.dataset;

import io.memaudit.core.markers.RewriteResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/** CSV with a header row (RFC 4180 quoting). Every column is kept in order; the count column is added (or refilled). */
final class CsvRewriter implements DatasetRewriter {
    static final CSVFormat INPUT = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
    private static final CSVFormat OUTPUT = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();

    private final RewriteOptions options;

    CsvRewriter(final RewriteOptions options) {
        this.options = options;
    }

    @Override
    public RewriteStatistics rewrite(final InputStream in, final OutputStream out) throws IOException, MalformedDatasetException {
        final RewriteStatistics statistics = new RewriteStatistics();
        final Reader reader = new InputStreamReader(new Utf8CheckingInputStream(in), StandardCharsets.UTF_8);
        final CSVParser parser;
        try {
            parser = CSVParser.builder().setReader(reader).setFormat(INPUT).get();
        } catch (final Utf8CheckingInputStream.InvalidUtf8Exception e) {
            throw new MalformedDatasetException(e.line(), "invalid UTF-8");
        } catch (final IOException | IllegalArgumentException e) {
            throw new MalformedDatasetException(1, "cannot read the CSV header: " + JsonLinesRewriter.withoutQuotedText(e.getMessage()));
        }
        final List<String> header = parser.getHeaderNames();
        final int textColumn = header.indexOf(options.textField());
        if (textColumn < 0) {
            throw new MalformedDatasetException(1, "the header has no column '" + options.textField() + "' (columns: "
                    + String.join(", ", header) + "); name the text column with --field");
        }
        final int keyColumn = options.keyField() == null ? -1 : header.indexOf(options.keyField());
        if (options.keyField() != null && keyColumn < 0) {
            throw new MalformedDatasetException(1, "the header has no column '" + options.keyField() + "' for --key-field");
        }
        final int existingCountColumn = header.indexOf(options.countField());
        final List<String> outputHeader = new ArrayList<>(header);
        if (existingCountColumn < 0) {
            outputHeader.add(options.countField());
        }
        final Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        final CSVPrinter printer = new CSVPrinter(writer, OUTPUT);
        printer.printRecord(outputHeader);
        final Iterator<CSVRecord> records = parser.iterator();
        final List<String> values = new ArrayList<>(outputHeader.size());
        while (true) {
            final CSVRecord record;
            try {
                if (!records.hasNext()) {
                    break;
                }
                record = records.next();
            } catch (final UncheckedIOException e) {
                if (e.getCause() instanceof Utf8CheckingInputStream.InvalidUtf8Exception invalid) {
                    throw new MalformedDatasetException(invalid.line(), "invalid UTF-8");
                }
                throw new MalformedDatasetException(parser.getCurrentLineNumber() + 1,
                        JsonLinesRewriter.withoutQuotedText(e.getCause().getMessage()));
            }
            if (record.size() != header.size()) {
                throw new MalformedDatasetException(parser.getCurrentLineNumber(), "the record has " + record.size()
                        + " fields but the header has " + header.size());
            }
            values.clear();
            for (int i = 0; i < record.size(); i++) {
                values.add(record.get(i));
            }
            final RewriteResult result = options.rewrite(record.get(textColumn),
                    keyColumn < 0 ? null : record.get(keyColumn), statistics);
            values.set(textColumn, result.text());
            final String count = Integer.toString(result.markerCount());
            if (existingCountColumn < 0) {
                values.add(count);
            } else {
                values.set(existingCountColumn, count);
            }
            printer.printRecord(values);
            statistics.countRecord();
        }
        printer.flush();
        return statistics;
    }
}
