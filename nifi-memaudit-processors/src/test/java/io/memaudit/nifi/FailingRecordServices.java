package io.memaudit.nifi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.nifi.controller.AbstractControllerService;
import org.apache.nifi.logging.ComponentLog;
import org.apache.nifi.schema.access.SchemaNotFoundException;
import org.apache.nifi.serialization.MalformedRecordException;
import org.apache.nifi.serialization.RecordReader;
import org.apache.nifi.serialization.RecordReaderFactory;
import org.apache.nifi.serialization.RecordSetWriter;
import org.apache.nifi.serialization.RecordSetWriterFactory;
import org.apache.nifi.serialization.WriteResult;
import org.apache.nifi.serialization.record.MapRecord;
import org.apache.nifi.serialization.record.Record;
import org.apache.nifi.serialization.record.RecordField;
import org.apache.nifi.serialization.record.RecordSchema;
import org.apache.nifi.serialization.record.RecordSet;

/**
 * Test-only record services that wrap a real NiFi reader or writer (JsonTreeReader, JsonRecordSetWriter) and fail at one
 * chosen point, to provoke the faults a real service can raise: a schema registry that is down, a parser that throws
 * mid-stream, a disk that fills on the second record, a service disabled while a task runs (NiFi's proxy then throws
 * ControllerServiceDisabledException, an IllegalStateException). Messages quote patient-like text on purpose, so tests can
 * check that the processors never repeat them.
 */
final class FailingRecordServices {

    /** A message like the ones parsers write: it quotes the text being read. */
    static final String QUOTING_MESSAGE = "Unexpected character in 'Dr. QUETZAL saw the patient'";

    private FailingRecordServices() {
    }

    /** Where a reader fails. */
    enum ReaderFault {
        /** createRecordReader throws SchemaNotFoundException (schema registry unreachable). */
        CREATE,
        /** nextRecord throws MalformedRecordException on the given record (1-based). */
        MALFORMED_AT,
        /** nextRecord throws IOException on the given record. */
        IO_AT,
        /** nextRecord throws IllegalStateException as NiFi's proxy of a disabled service does. */
        DISABLED,
        /** nextRecord throws an unchecked exception of its own on the given record (a reader bug). */
        UNCHECKED_AT,
        /** nextRecord throws on the given record only from the second reader on (the second read of the content). */
        SECOND_READ_AT,
        /** From the second reader on, the reader returns every record twice (a reader that does not read alike twice). */
        SECOND_READ_DOUBLES,
        /** Every record refuses to be changed (setValue throws UnsupportedOperationException). */
        READ_ONLY_RECORDS
    }

    /** Where a writer fails. */
    enum WriterFault {
        /** getSchema throws SchemaNotFoundException. */
        SCHEMA,
        /** createWriter throws IOException. */
        CREATE,
        /** write throws IOException on the given record (1-based). */
        WRITE_AT,
        /** finishRecordSet throws IOException. */
        FINISH,
        /** close throws IOException. */
        CLOSE
    }

    /** A RecordReaderFactory that delegates to a real one and fails as told. */
    static final class FailingReader extends AbstractControllerService implements RecordReaderFactory {
        private final RecordReaderFactory delegate;
        private final ReaderFault fault;
        private final int at;
        private final AtomicInteger readers = new AtomicInteger();

        FailingReader(final RecordReaderFactory delegate, final ReaderFault fault, final int at) {
            this.delegate = delegate;
            this.fault = fault;
            this.at = at;
        }

        @Override
        public RecordReader createRecordReader(final Map<String, String> variables, final InputStream in, final long inputLength,
                                               final ComponentLog logger)
                throws MalformedRecordException, IOException, SchemaNotFoundException {
            if (fault == ReaderFault.CREATE) {
                throw new SchemaNotFoundException(QUOTING_MESSAGE);
            }
            final RecordReader reader = delegate.createRecordReader(variables, in, inputLength, logger);
            final int number = readers.incrementAndGet();
            return new RecordReader() {
                private int records;
                private Record repeat;

                @Override
                public Record nextRecord(final boolean coerceTypes, final boolean dropUnknownFields)
                        throws IOException, MalformedRecordException {
                    if (repeat != null) {
                        final Record again = repeat;
                        repeat = null;
                        return again;
                    }
                    records++;
                    final boolean here = records == at;
                    switch (fault) {
                        case MALFORMED_AT -> {
                            if (here) {
                                throw new MalformedRecordException(QUOTING_MESSAGE);
                            }
                        }
                        case IO_AT -> {
                            if (here) {
                                throw new IOException(QUOTING_MESSAGE);
                            }
                        }
                        case DISABLED -> {
                            if (here) {
                                throw new IllegalStateException("Cannot invoke method on a disabled controller service");
                            }
                        }
                        case UNCHECKED_AT -> {
                            if (here) {
                                throw new UnsupportedOperationException(QUOTING_MESSAGE);
                            }
                        }
                        case SECOND_READ_AT -> {
                            if (here && number >= 2) {
                                throw new MalformedRecordException(QUOTING_MESSAGE);
                            }
                        }
                        default -> { }
                    }
                    final Record record = reader.nextRecord(coerceTypes, dropUnknownFields);
                    if (record != null && fault == ReaderFault.SECOND_READ_DOUBLES && number >= 2) {
                        repeat = record;
                    }
                    if (record != null && fault == ReaderFault.READ_ONLY_RECORDS) {
                        return new ReadOnlyRecord(record);
                    }
                    return record;
                }

                @Override
                public RecordSchema getSchema() throws MalformedRecordException {
                    return reader.getSchema();
                }

                @Override
                public void close() throws IOException {
                    reader.close();
                }
            };
        }
    }

    /** A RecordSetWriterFactory that delegates to a real one and fails as told. */
    static final class FailingWriter extends AbstractControllerService implements RecordSetWriterFactory {
        private final RecordSetWriterFactory delegate;
        private final WriterFault fault;
        private final int at;

        FailingWriter(final RecordSetWriterFactory delegate, final WriterFault fault, final int at) {
            this.delegate = delegate;
            this.fault = fault;
            this.at = at;
        }

        @Override
        public RecordSchema getSchema(final Map<String, String> variables, final RecordSchema readSchema)
                throws SchemaNotFoundException, IOException {
            if (fault == WriterFault.SCHEMA) {
                throw new SchemaNotFoundException(QUOTING_MESSAGE);
            }
            return delegate.getSchema(variables, readSchema);
        }

        @Override
        public RecordSetWriter createWriter(final ComponentLog logger, final RecordSchema schema, final OutputStream out,
                                            final Map<String, String> variables) throws SchemaNotFoundException, IOException {
            if (fault == WriterFault.CREATE) {
                throw new IOException(QUOTING_MESSAGE);
            }
            final RecordSetWriter writer = delegate.createWriter(logger, schema, out, variables);
            return new RecordSetWriter() {
                private int records;

                @Override
                public WriteResult write(final RecordSet recordSet) throws IOException {
                    Record record;
                    while ((record = recordSet.next()) != null) {
                        write(record);
                    }
                    return WriteResult.of(records, Map.of());
                }

                @Override
                public void beginRecordSet() throws IOException {
                    writer.beginRecordSet();
                }

                @Override
                public WriteResult finishRecordSet() throws IOException {
                    if (fault == WriterFault.FINISH) {
                        throw new IOException(QUOTING_MESSAGE);
                    }
                    return writer.finishRecordSet();
                }

                @Override
                public WriteResult write(final Record record) throws IOException {
                    records++;
                    if (fault == WriterFault.WRITE_AT && records == at) {
                        throw new IOException(QUOTING_MESSAGE);
                    }
                    return writer.write(record);
                }

                @Override
                public String getMimeType() {
                    return writer.getMimeType();
                }

                @Override
                public void flush() throws IOException {
                    writer.flush();
                }

                @Override
                public void close() throws IOException {
                    writer.close();
                    if (fault == WriterFault.CLOSE) {
                        throw new IOException(QUOTING_MESSAGE);
                    }
                }
            };
        }
    }

    /** A record that refuses every change, as a record backed by a read-only source would. */
    static final class ReadOnlyRecord extends MapRecord {
        ReadOnlyRecord(final Record record) {
            super(record.getSchema(), record.toMap());
        }

        @Override
        public void setValue(final RecordField field, final Object value) {
            throw new UnsupportedOperationException(QUOTING_MESSAGE);
        }

        @Override
        public void setValue(final String fieldName, final Object value) {
            throw new UnsupportedOperationException(QUOTING_MESSAGE);
        }
    }
}
