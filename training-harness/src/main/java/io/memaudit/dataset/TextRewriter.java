package io.memaudit.dataset;

import io.memaudit.core.markers.RewriteResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Plain text: the whole stream is one record (one report per file, as MIMIC-CXR ships them). Bytes outside the markers
 * are written back exactly; the text must be UTF-8.
 */
final class TextRewriter implements DatasetRewriter {
    private final RewriteOptions options;
    private final String key;

    /** @param key the record key for seeding, e.g. the file's path relative to the dataset root; null for none */
    TextRewriter(final RewriteOptions options, final String key) {
        this.options = options;
        this.key = key;
    }

    @Override
    public RewriteStatistics rewrite(final InputStream in, final OutputStream out) throws IOException, MalformedDatasetException {
        final byte[] bytes;
        try {
            bytes = new Utf8CheckingInputStream(in).readAllBytes();
        } catch (final Utf8CheckingInputStream.InvalidUtf8Exception e) {
            throw new MalformedDatasetException(e.line(), "invalid UTF-8");
        }
        final RewriteStatistics statistics = new RewriteStatistics();
        final RewriteResult result = options.rewrite(new String(bytes, StandardCharsets.UTF_8), key, statistics);
        out.write(result.markerCount() == 0 ? bytes : result.text().getBytes(StandardCharsets.UTF_8));
        statistics.countRecord();
        return statistics;
    }
}
