package io.memaudit.core.reports;

import java.util.List;
import opennlp.tools.sentdetect.SentenceDetectorME;
import opennlp.tools.sentdetect.SentenceModel;

/**
 * English sentence detection with Apache OpenNLP's model from Maven ({@code opennlp-models-sentdetect-en}), loaded once
 * from the class path (no network). Thread-safe: the model is shared, each call gets its own detector.
 */
public final class SentenceSplitter {
    /** The model file inside opennlp-models-sentdetect-en 1.3.0. */
    private static final String MODEL_RESOURCE = "opennlp-en-ud-ewt-sentence-1.3-2.5.4.bin";
    private static final SentenceModel MODEL = OpenNlpModels.load(MODEL_RESOURCE, "opennlp-models-sentdetect-en",
            SentenceModel::new);

    private SentenceSplitter() {
    }

    /** The sentences of {@code text}, trimmed, in order. */
    public static List<String> split(final String text) {
        return List.of(new SentenceDetectorME(MODEL).sentDetect(text)).stream().map(String::strip)
                .filter(sentence -> !sentence.isEmpty()).toList();
    }
}
