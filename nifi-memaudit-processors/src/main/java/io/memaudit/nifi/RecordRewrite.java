package io.memaudit.nifi;

import io.memaudit.core.markers.MarkerScanLimitException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.nifi.flowfile.attributes.CoreAttributes;
import org.apache.nifi.logging.ComponentLog;
import org.apache.nifi.serialization.RecordReader;
import org.apache.nifi.serialization.RecordReaderFactory;
import org.apache.nifi.serialization.RecordSetWriter;
import org.apache.nifi.serialization.RecordSetWriterFactory;
import org.apache.nifi.serialization.WriteResult;
import org.apache.nifi.serialization.record.Record;
import org.apache.nifi.serialization.record.RecordSchema;

/**
 * Reads every record of a stream, changes each one, and writes them all, the way NiFi's record processors do: the writer's
 * schema comes from the first changed record (so added fields are written), or from the reader when there is none.
 *
 * <p>Whatever goes wrong comes out as one {@link Failures.SafeFailure} that names the stage and the record number (never
 * record text) and keeps the original exception as its cause for DEBUG logging.
 */
final class RecordRewrite {

    private RecordRewrite() {
    }

    /**
     * @param change changes a record in place or returns a replacement; fields it adds must be incorporated
     * @return the writer's attributes (record count, MIME type)
     * @throws Failures.SafeFailure naming the stage that failed, wrapping whatever the reader, writer or change threw
     */
    static Map<String, String> rewriteAll(final RecordReaderFactory readerFactory, final RecordSetWriterFactory writerFactory,
                                          final Map<String, String> attributes, final InputStream in, final OutputStream out,
                                          final ComponentLog logger, final UnaryOperator<Record> change) {
        final Stage stage = new Stage();
        try {
            stage.set("opening the Record Reader", Stage.READER);
            try (RecordReader reader = readerFactory.createRecordReader(attributes, in, -1, logger)) {
                stage.reading(1);
                Record record = reader.nextRecord();
                final Record first = record == null ? null : stage.change(change, record, 1);
                stage.set("looking up the Record Writer's schema", Stage.WRITER);
                final RecordSchema schema = writerFactory.getSchema(attributes, first == null ? reader.getSchema() : first.getSchema());
                stage.set("opening the Record Writer", Stage.WRITER);
                final Map<String, String> writerAttributes;
                try (RecordSetWriter writer = writerFactory.createWriter(logger, schema, out, attributes)) {
                    writer.beginRecordSet();
                    if (first != null) {
                        stage.writing(1);
                        writer.write(first);
                        for (long index = 2; ; index++) {
                            stage.reading(index);
                            record = reader.nextRecord();
                            if (record == null) {
                                break;
                            }
                            final Record changed = stage.change(change, record, index);
                            stage.writing(index);
                            writer.write(changed);
                        }
                    }
                    stage.set("finishing the record set", Stage.WRITER);
                    final WriteResult result = writer.finishRecordSet();
                    writerAttributes = new HashMap<>(result.getAttributes());
                    writerAttributes.put(CoreAttributes.MIME_TYPE.key(), writer.getMimeType());
                    stage.set("closing the Record Writer", Stage.WRITER);
                }
                stage.set("closing the Record Reader", Stage.READER);
                return writerAttributes;
            }
        } catch (final Failures.SafeFailure e) {
            throw e;
        } catch (final Exception | StackOverflowError e) {
            throw new Failures.SafeFailure("Failed " + stage.doing + " (" + Failures.types(e) + "). " + stage.advice
                    + " The full message, which can quote record text, is logged at DEBUG.", e);
        }
    }

    /** What the rewrite is doing, for the failure message. */
    private static final class Stage {
        static final String READER = "Check that the content matches the configured Record Reader.";
        static final String WRITER = "Check the Record Writer and the schema it writes with.";
        static final String CHANGE = "This is a fault in memaudit: please report it with the DEBUG log.";

        private String doing;
        private String advice;

        void set(final String doing, final String advice) {
            this.doing = doing;
            this.advice = advice;
        }

        void reading(final long index) {
            set("reading record " + index, READER);
        }

        void writing(final long index) {
            set("writing record " + index, WRITER);
        }

        Record change(final UnaryOperator<Record> change, final Record record, final long index) {
            set("changing record " + index, CHANGE);
            try {
                return change.apply(record);
            } catch (final MarkerScanLimitException e) {
                throw new Failures.SafeFailure("Record " + index + ": " + e.getMessage(), e);
            }
        }
    }
}
