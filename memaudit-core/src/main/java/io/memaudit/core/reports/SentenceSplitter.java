package io.memaudit.core.reports;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import opennlp.tools.sentdetect.SentenceDetectorME;
import opennlp.tools.sentdetect.SentenceModel;

/**
 * English sentence detection with Apache OpenNLP's model from Maven ({@code opennlp-models-sentdetect-en}), loaded once
 * from the class path (no network). Thread-safe: the model is shared, each call gets its own detector.
 */
public final class SentenceSplitter {
    /** The model file inside opennlp-models-sentdetect-en 1.3.0 (named, not found via its model.properties, which every
     * OpenNLP model jar puts at the same path). */
    private static final String MODEL_RESOURCE = "opennlp-en-ud-ewt-sentence-1.3-2.5.4.bin";
    private static final SentenceModel MODEL = loadModel();

    private SentenceSplitter() {
    }

    /** The sentences of {@code text}, trimmed, in order. */
    public static List<String> split(final String text) {
        return List.of(new SentenceDetectorME(MODEL).sentDetect(text)).stream().map(String::strip)
                .filter(sentence -> !sentence.isEmpty()).toList();
    }

    private static SentenceModel loadModel() {
        try (InputStream model = SentenceSplitter.class.getClassLoader().getResourceAsStream(MODEL_RESOURCE)) {
            if (model == null) {
                throw new IllegalStateException("OpenNLP sentence model " + MODEL_RESOURCE + " is not on the class path: "
                        + "memaudit needs org.apache.opennlp:opennlp-models-sentdetect-en:1.3.0");
            }
            return new SentenceModel(model);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot load the OpenNLP sentence model " + MODEL_RESOURCE, e);
        }
    }
}
