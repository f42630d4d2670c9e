package io.memaudit.dataset;

import io.memaudit.core.io.CsvRecords;
import io.memaudit.core.io.MalformedDatasetException;
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

/** CSV with a header row (RFC 4180 quoting). Every column is kept in order; added columns are appended (or refilled). */
final class CsvRewriter implements DatasetRewriter {
    private static final CSVFormat OUTPUT = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();

    private final RewriteOptions options;

    CsvRewriter(final RewriteOptions options) {
        this.options = options;
    }

    @Override
    public void rewrite(final InputStream in, final OutputStream out) throws IOException, MalformedDatasetException {
        final CsvRecords records = CsvRecords.open(in);
        final List<String> header = records.header();
        final int textColumn = records.column(options.textField(), "--field");
        final int keyColumn = options.keyField() == null ? -1 : records.column(options.keyField(), "--key-field");
        final List<String> outputHeader = new ArrayList<>(header);
        final List<String> added = options.transform().addedFields();
        final int[] addedColumns = new int[added.size()];
        for (int i = 0; i < added.size(); i++) {
            final int existing = outputHeader.indexOf(added.get(i));
            if (existing < 0) {
                outputHeader.add(added.get(i));
            }
            addedColumns[i] = existing < 0 ? outputHeader.size() - 1 : existing;
        }
        final CSVPrinter printer = new CSVPrinter(new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16),
                OUTPUT);
        printer.printRecord(outputHeader);
        final List<Object> values = new ArrayList<>(outputHeader.size());
        records.forEach((record, line) -> {
            values.clear();
            record.forEach(values::add);
            while (values.size() < outputHeader.size()) {
                values.add(null);
            }
            final RecordTransform.Result result = options.transform().apply(record.get(textColumn),
                    keyColumn < 0 ? null : record.get(keyColumn));
            values.set(textColumn, result.text());
            for (int i = 0; i < addedColumns.length; i++) {
                values.set(addedColumns[i], result.values().get(i));
            }
            printer.printRecord(values);
        });
        printer.flush();
    }
}
