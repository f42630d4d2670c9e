package io.memaudit.core.reports;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import opennlp.tools.sentdetect.SentenceDetectorME;
import opennlp.tools.sentdetect.SentenceModel;

/**
 * English sentence detection with Apache OpenNLP's model from Maven ({@code opennlp-models-sentdetect-en}), loaded once
 * from the class path (no network). Thread-safe: the model is shared, each call gets its own detector.
 */
public final class SentenceSplitter {
    private static final SentenceModel MODEL = loadModel();

    private SentenceSplitter() {
    }

    /** The sentences of {@code text}, trimmed, in order. */
    public static List<String> split(final String text) {
        return List.of(new SentenceDetectorME(MODEL).sentDetect(text)).stream().map(String::strip)
                .filter(sentence -> !sentence.isEmpty()).toList();
    }

    private static SentenceModel loadModel() {
        final ClassLoader loader = SentenceSplitter.class.getClassLoader();
        try (InputStream description = loader.getResourceAsStream("model.properties")) {
            if (description == null) {
                throw new IllegalStateException("model.properties of opennlp-models-sentdetect-en is not on the class path");
            }
            final Properties properties = new Properties();
            properties.load(description);
            final String name = properties.getProperty("model.name");
            try (InputStream model = loader.getResourceAsStream(name)) {
                if (model == null) {
                    throw new IllegalStateException("OpenNLP sentence model " + name + " is not on the class path");
                }
                return new SentenceModel(model);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot load the OpenNLP sentence model", e);
        }
    }
}
