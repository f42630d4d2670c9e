package io.memaudit.nifi;

import io.memaudit.core.markers.MarkerScanLimitException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.flowfile.attributes.CoreAttributes;
import org.apache.nifi.processor.exception.ProcessException;

/**
 * How memaudit processors talk about what went wrong without giving away patient data: FlowFiles are named by their uuid
 * (a FlowFile's own toString includes its {@code filename}, and hospital file names carry accession numbers and MRNs), and
 * failures by the types of their exceptions (reader and parser messages can quote record text) unless memaudit wrote the
 * message itself ({@link SafeFailure}, {@link MarkerScanLimitException}).
 */
final class Failures {

    private Failures() {
    }

    /** The FlowFile's uuid: what every log line, message and bulletin names it by. */
    static String uuid(final FlowFile flowFile) {
        return flowFile.getAttribute(CoreAttributes.UUID.key());
    }

    /**
     * A description of {@code failure} that never quotes content: the message of the first memaudit-written exception in
     * the chain, or else the exception types; the full chain is for DEBUG only.
     */
    static String describe(final Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SafeFailure || cause instanceof MarkerScanLimitException) {
                return cause.getMessage();
            }
        }
        return "Could not read or write the records (" + types(failure)
                + "). Check that the content matches the configured Record Reader; the full reader message, which can quote "
                + "record text, is logged at DEBUG.";
    }

    /** The simple names of the exceptions in the chain, outermost first, leaving out ProcessException wrappers. */
    static String types(final Throwable failure) {
        final Set<String> types = new LinkedHashSet<>();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (!(cause instanceof ProcessException) || cause.getCause() == null) {
                types.add(cause.getClass().getSimpleName());
            }
        }
        return types.stream().collect(Collectors.joining(" <- "));
    }

    /** A failure whose message memaudit wrote: it names records, fields, stages and limits, never record text. */
    static final class SafeFailure extends ProcessException {
        private static final long serialVersionUID = 1L;

        SafeFailure(final String message, final Throwable cause) {
            super(message, cause);
        }
    }
}
