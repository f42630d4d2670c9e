package io.memaudit.nifi;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.nifi.controller.AbstractControllerService;
import org.apache.nifi.logging.ComponentLog;
import org.apache.nifi.serialization.AbstractRecordSetWriter;
import org.apache.nifi.serialization.RecordSetWriter;
import org.apache.nifi.serialization.RecordSetWriterFactory;
import org.apache.nifi.serialization.record.Record;
import org.apache.nifi.serialization.record.RecordSchema;

/**
 * A record writer that writes only what it saw: "records,scored,errors" (records with a finite dmem, records with a
 * score_error). For the streaming test, where the test JVM's heap must not hold the children's content either (the
 * nifi-mock session keeps content in byte arrays); the writer is not the point there.
 */
public class CountingRecordSetWriterFactory extends AbstractControllerService implements RecordSetWriterFactory {

    @Override
    public RecordSchema getSchema(final Map<String, String> variables, final RecordSchema readSchema) {
        return readSchema;
    }

    @Override
    public RecordSetWriter createWriter(final ComponentLog logger, final RecordSchema schema, final OutputStream out,
                                        final Map<String, String> variables) {
        return new AbstractRecordSetWriter(out) {
            private long scored;
            private long errors;

            @Override
            protected Map<String, String> writeRecord(final Record record) {
                final Object dmem = record.getValue("dmem");
                if (dmem instanceof Double value && Double.isFinite(value)) {
                    scored++;
                }
                if (record.getValue("score_error") != null) {
                    errors++;
                }
                return Map.of();
            }

            @Override
            protected Map<String, String> onFinishRecordSet() throws IOException {
                getOutputStream().write((getRecordCount() + "," + scored + "," + errors).getBytes(StandardCharsets.US_ASCII));
                return Map.of();
            }

            @Override
            public String getMimeType() {
                return "text/plain";
            }
        };
    }
}
