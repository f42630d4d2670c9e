package io.memaudit.nifi;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.nifi.flowfile.attributes.CoreAttributes;
import org.apache.nifi.logging.ComponentLog;
import org.apache.nifi.processor.exception.ProcessException;
import org.apache.nifi.serialization.RecordReader;
import org.apache.nifi.serialization.RecordReaderFactory;
import org.apache.nifi.serialization.RecordSetWriter;
import org.apache.nifi.serialization.RecordSetWriterFactory;
import org.apache.nifi.serialization.WriteResult;
import org.apache.nifi.serialization.record.Record;

/**
 * Reads every record of a stream, changes each one, and writes them all, the way NiFi's record processors do: the writer's
 * schema comes from the first changed record (so added fields are written), or from the reader when there is none.
 */
final class RecordRewrite {

    private RecordRewrite() {
    }

    /**
     * @param change changes a record in place or returns a replacement; fields it adds must be incorporated
     * @return the writer's attributes (record count, MIME type)
     * @throws ProcessException wrapping whatever the reader or writer threw
     */
    static Map<String, String> rewriteAll(final RecordReaderFactory readerFactory, final RecordSetWriterFactory writerFactory,
                                          final Map<String, String> attributes, final InputStream in, final OutputStream out,
                                          final ComponentLog logger, final UnaryOperator<Record> change) {
        try (RecordReader reader = readerFactory.createRecordReader(attributes, in, -1, logger)) {
            Record record = reader.nextRecord();
            final Record first = record == null ? null : change.apply(record);
            try (RecordSetWriter writer = writerFactory.createWriter(logger,
                    writerFactory.getSchema(attributes, first == null ? reader.getSchema() : first.getSchema()), out, attributes)) {
                writer.beginRecordSet();
                if (first != null) {
                    writer.write(first);
                    while ((record = reader.nextRecord()) != null) {
                        writer.write(change.apply(record));
                    }
                }
                final WriteResult result = writer.finishRecordSet();
                final Map<String, String> writerAttributes = new HashMap<>(result.getAttributes());
                writerAttributes.put(CoreAttributes.MIME_TYPE.key(), writer.getMimeType());
                return writerAttributes;
            }
        } catch (final ProcessException e) {
            throw e;
        } catch (final Exception e) {
            throw new ProcessException(e);
        }
    }
}
