package io.memaudit.core.provenance;

import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memaudit.core.io.DatasetFiles;
import java.nio.file.Path;
import java.time.Instant;

/**
 * How an artifact was made (a scored or rewritten dataset, a model bundle, a report): one JSON object with the tool and
 * version that made it, when, on which Java, plus the artifact's own settings, seeds and inputs. Every provenance file
 * memaudit writes starts from {@link #of} and goes through {@link #write}, so they all read alike and are valid JSON
 * (Jackson writes non-finite numbers as strings, never a bare NaN).
 */
public final class Provenance {
    /** The project's JSON mapper: indented output, non-finite numbers quoted. */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .defaultPrettyPrinter(new DefaultPrettyPrinter().withSeparators(
                    Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)))
            .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();

    private Provenance() {
    }

    /** A provenance record for an artifact made by {@code tool} (e.g. "memaudit score 0.1.0") now. */
    public static ObjectNode of(final String tool) {
        final ObjectNode node = JSON.createObjectNode();
        node.put("tool", tool);
        node.put("created", Instant.now().toString());
        node.put("java", System.getProperty("java.version"));
        return node;
    }

    /** Writes a provenance record (or any JSON tree) to {@code file}, atomically. */
    public static void write(final Path file, final ObjectNode record) throws Exception {
        DatasetFiles.writeAtomically(file, out -> {
            JSON.writeValue(out, record);
            return null;
        });
    }
}
