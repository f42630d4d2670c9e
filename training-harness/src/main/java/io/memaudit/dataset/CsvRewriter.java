package io.memaudit.dataset;

import io.memaudit.core.markers.RewriteResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** CSV with a header row (RFC 4180 quoting). Every column is kept in order; the count column is added (or refilled). */
final class CsvRewriter implements DatasetRewriter {
    private static final CSVFormat OUTPUT = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();

    private final RewriteOptions options;

    CsvRewriter(final RewriteOptions options) {
        this.options = options;
    }

    @Override
    public RewriteStatistics rewrite(final InputStream in, final OutputStream out) throws IOException, MalformedDatasetException {
        final RewriteStatistics statistics = new RewriteStatistics();
        final CsvRecords records = CsvRecords.open(in);
        final List<String> header = records.header();
        final int textColumn = records.column(options.textField(), "--field");
        final int keyColumn = options.keyField() == null ? -1 : records.column(options.keyField(), "--key-field");
        final int existingCountColumn = header.indexOf(options.countField());
        final List<String> outputHeader = new ArrayList<>(header);
        if (existingCountColumn < 0) {
            outputHeader.add(options.countField());
        }
        final CSVPrinter printer = new CSVPrinter(new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16),
                OUTPUT);
        printer.printRecord(outputHeader);
        final List<String> values = new ArrayList<>(outputHeader.size());
        records.forEach((record, line) -> {
            values.clear();
            record.forEach(values::add);
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
        });
        printer.flush();
        return statistics;
    }
}
