package io.memaudit.core.reports;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Loads Apache OpenNLP models from the class path (the {@code opennlp-models-*-en} jars from Maven), never from the network.
 * Each model file is named explicitly rather than found via its {@code model.properties}, which every OpenNLP model jar puts
 * at the same path.
 */
final class OpenNlpModels {
    /** Version of the {@code org.apache.opennlp:opennlp-models-*} artifacts the resource names below belong to. */
    static final String MODELS_VERSION = "1.3.0";

    private OpenNlpModels() {
    }

    /** Reads a model from a stream: a model class's {@code InputStream} constructor. */
    @FunctionalInterface
    interface ModelReader<M> {
        M read(InputStream in) throws IOException;
    }

    /**
     * @param resource the model file inside the jar, e.g. {@code opennlp-en-ud-ewt-sentence-1.3-2.5.4.bin}
     * @param artifactId the Maven artifact that ships it, named in the error when it is missing
     * @throws IllegalStateException when the model is not on the class path
     */
    static <M> M load(final String resource, final String artifactId, final ModelReader<M> reader) {
        try (InputStream model = OpenNlpModels.class.getClassLoader().getResourceAsStream(resource)) {
            if (model == null) {
                throw new IllegalStateException("OpenNLP model " + resource + " is not on the class path: memaudit needs "
                        + "org.apache.opennlp:" + artifactId + ":" + MODELS_VERSION);
            }
            return reader.read(model);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot load the OpenNLP model " + resource + " from " + artifactId, e);
        }
    }
}
