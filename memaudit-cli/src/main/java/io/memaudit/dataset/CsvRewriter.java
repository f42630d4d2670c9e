package io.memaudit.dataset;

import io.memaudit.core.io.CsvRecords;
import io.memaudit.core.io.MalformedDatasetException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * CSV with a header row (RFC 4180 quoting). Every column is kept in order; added columns are appended (or refilled). With
 * more than one thread, records are still parsed in order on the calling thread and rewritten in batches on workers.
 */
final class CsvRewriter implements DatasetRewriter {
    /** Records per batch on the parallel path. */
    private static final int BATCH_RECORDS = 2048;
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
        final Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        final CSVPrinter printer = new CSVPrinter(writer, OUTPUT);
        printer.printRecord(outputHeader);
        final RecordWriter rows = new RecordWriter(outputHeader.size(), textColumn, keyColumn, addedColumns);
        if (options.parallel()) {
            printer.flush();
            rewriteInBatches(records, rows, writer);
        } else {
            records.forEach((record, line) -> rows.print(record.values(), printer));
        }
        printer.flush();
    }

    /**
     * Records are parsed here, in order (so a parse error names the first bad line), and rewritten and printed in batches
     * on worker threads; the batches are written in input order.
     */
    private void rewriteInBatches(final CsvRecords records, final RecordWriter rows, final Writer writer)
            throws IOException, MalformedDatasetException {
        try (OrderedParallelWork<StringBuilder> work = new OrderedParallelWork<>(options.threads(), writer::append)) {
            final List<List<String[]>> batch = new ArrayList<>(List.of(new ArrayList<>(BATCH_RECORDS)));
            records.forEach((record, line) -> {
                batch.get(0).add(record.values());
                if (batch.get(0).size() == BATCH_RECORDS) {
                    submit(work, batch.get(0), rows);
                    batch.set(0, new ArrayList<>(BATCH_RECORDS));
                }
            });
            submit(work, batch.get(0), rows);
            try {
                work.finish();
            } catch (final MalformedDatasetException e) {
                throw new IllegalStateException("a CSV batch cannot be malformed once parsed", e);
            }
        }
    }

    private static void submit(final OrderedParallelWork<StringBuilder> work, final List<String[]> batch,
                               final RecordWriter rows) throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        try {
            work.submit(() -> {
                final StringBuilder text = new StringBuilder(batch.size() * 160);
                final CSVPrinter printer = new CSVPrinter(text, OUTPUT);
                for (final String[] values : batch) {
                    rows.print(values, printer);
                }
                return text;
            });
        } catch (final MalformedDatasetException e) {
            throw new IllegalStateException("a CSV batch cannot be malformed once parsed", e);
        }
    }

    /** Rewrites one record's values and prints the output row; safe to share between threads. */
    private final class RecordWriter {
        private final int width;
        private final int textColumn;
        private final int keyColumn;
        private final int[] addedColumns;

        RecordWriter(final int width, final int textColumn, final int keyColumn, final int[] addedColumns) {
            this.width = width;
            this.textColumn = textColumn;
            this.keyColumn = keyColumn;
            this.addedColumns = addedColumns;
        }

        void print(final String[] record, final CSVPrinter printer) throws IOException {
            final Object[] values = java.util.Arrays.copyOf(record, width, Object[].class);
            final RecordTransform.Result result = options.transform().apply(record[textColumn],
                    keyColumn < 0 ? null : record[keyColumn]);
            values[textColumn] = result.text();
            for (int i = 0; i < addedColumns.length; i++) {
                values[addedColumns[i]] = result.values().get(i);
            }
            printer.printRecord(values);
        }
    }
}
