package io.memaudit.dataset;

import io.memaudit.core.io.MalformedDatasetException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Applies a {@link RecordTransform} to every record of a dataset stream, keeping every record and field: the text field
 * is rewritten, the transform's fields are appended.
 */
public interface DatasetRewriter {

    /**
     * Reads all of {@code in} and writes the rewritten records to {@code out}.
     *
     * @throws MalformedDatasetException when the input is not valid; {@code out} then holds a partial result that the
     *                                   caller must discard
     */
    void rewrite(InputStream in, OutputStream out) throws IOException, MalformedDatasetException;
}
