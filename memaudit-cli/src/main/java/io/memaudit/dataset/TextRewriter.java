package io.memaudit.dataset;

import io.memaudit.core.io.MalformedDatasetException;
import io.memaudit.core.io.Utf8CheckingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Plain text: the whole stream is one record (one report per file, as MIMIC-CXR ships them). An unchanged text is written
 * back byte for byte; the text must be UTF-8. Added fields have no place in plain text and are dropped.
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
    public void rewrite(final InputStream in, final OutputStream out) throws IOException, MalformedDatasetException {
        final byte[] bytes;
        try {
            bytes = new Utf8CheckingInputStream(in).readAllBytes();
        } catch (final Utf8CheckingInputStream.InvalidUtf8Exception e) {
            throw new MalformedDatasetException(e.line(), "invalid UTF-8");
        }
        final String text = new String(bytes, StandardCharsets.UTF_8);
        final String rewritten = options.transform().apply(text, key).text();
        out.write(rewritten.equals(text) ? bytes : rewritten.getBytes(StandardCharsets.UTF_8));
    }
}
