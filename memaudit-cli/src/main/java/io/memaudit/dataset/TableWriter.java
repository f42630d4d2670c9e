package io.memaudit.dataset;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes rows with fixed columns as JSON Lines or CSV (the formats the harness and NiFi read). Values are strings,
 * numbers, booleans or null. Close it to flush; the underlying stream stays open.
 */
public final class TableWriter implements AutoCloseable {
    private final List<String> columns;
    private final JsonGenerator json;
    private final CSVPrinter csv;

    public TableWriter(final DatasetFormat format, final List<String> columns, final OutputStream out) throws IOException {
        this.columns = List.copyOf(columns);
        if (format == DatasetFormat.CSV) {
            json = null;
            csv = new CSVPrinter(new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8)),
                    CSVFormat.RFC4180.builder().setRecordSeparator('\n').get());
            csv.printRecord(this.columns);
        } else if (format == DatasetFormat.JSON_LINES) {
            csv = null;
            json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8);
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.setRootValueSeparator(null);
        } else {
            throw new IllegalArgumentException("Tables are written as .jsonl or .csv, not " + format);
        }
    }

    /** Writes one row; {@code values} are in column order. */
    public void write(final List<?> values) throws IOException {
        if (values.size() != columns.size()) {
            throw new IllegalArgumentException("Row has " + values.size() + " values for " + columns.size() + " columns");
        }
        if (csv != null) {
            csv.printRecord(values);
            return;
        }
        json.writeStartObject();
        for (int i = 0; i < columns.size(); i++) {
            json.writeFieldName(columns.get(i));
            JsonLinesRewriter.writeScalar(json, values.get(i));
        }
        json.writeEndObject();
        json.writeRaw('\n');
    }

    @Override
    public void close() throws IOException {
        if (csv != null) {
            csv.flush();
        } else {
            json.close();
        }
    }
}
