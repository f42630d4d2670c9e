package io.memaudit.nifi;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.nifi.controller.AbstractControllerService;
import org.apache.nifi.logging.ComponentLog;
import org.apache.nifi.schema.access.SchemaNotFoundException;
import org.apache.nifi.serialization.RecordSetWriter;
import org.apache.nifi.serialization.RecordSetWriterFactory;
import org.apache.nifi.serialization.record.RecordSchema;

/** A record writer factory that hands out a real writer's writers but fails to create the N-th one (a writer fault). */
public class FailingRecordSetWriterFactory extends AbstractControllerService implements RecordSetWriterFactory {
    /** The real factory (enabled by the test). */
    public volatile RecordSetWriterFactory delegate;
    /** Which createWriter call fails, 1-based. */
    public volatile int failingWriter = 2;
    private final AtomicInteger created = new AtomicInteger();

    @Override
    public RecordSchema getSchema(final Map<String, String> variables, final RecordSchema readSchema)
            throws SchemaNotFoundException, IOException {
        return delegate.getSchema(variables, readSchema);
    }

    @Override
    public RecordSetWriter createWriter(final ComponentLog logger, final RecordSchema schema, final OutputStream out,
                                        final Map<String, String> variables) throws SchemaNotFoundException, IOException {
        if (created.incrementAndGet() == failingWriter) {
            throw new IOException("disk full (provoked)");
        }
        return delegate.createWriter(logger, schema, out, variables);
    }
}
