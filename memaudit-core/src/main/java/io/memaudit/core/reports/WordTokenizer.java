package io.memaudit.core.reports;

import opennlp.tools.tokenize.TokenizerME;
import opennlp.tools.tokenize.TokenizerModel;
import opennlp.tools.util.Span;

/**
 * English word tokenization with Apache OpenNLP's model from Maven ({@code opennlp-models-tokenizer-en}), loaded once from
 * the class path (no network). Thread-safe: the model is shared, each call gets its own {@link TokenizerME} (which is not).
 */
public final class WordTokenizer {
    /** The model file inside opennlp-models-tokenizer-en 1.3.0. */
    private static final String MODEL_RESOURCE = "opennlp-en-ud-ewt-tokens-1.3-2.5.4.bin";
    private static final TokenizerModel MODEL = OpenNlpModels.load(MODEL_RESOURCE, "opennlp-models-tokenizer-en",
            TokenizerModel::new);

    private WordTokenizer() {
    }

    /** The tokens of {@code text} as character spans, in order ("Dr." and "," are tokens of their own). */
    public static Span[] spans(final String text) {
        return new TokenizerME(MODEL).tokenizePos(text);
    }
}
