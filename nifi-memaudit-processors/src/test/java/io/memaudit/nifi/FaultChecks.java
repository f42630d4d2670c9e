package io.memaudit.nifi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.processor.Processor;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.ProcessSessionFactory;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.io.InputStreamCallback;
import org.apache.nifi.processor.io.OutputStreamCallback;
import org.apache.nifi.processor.io.StreamCallback;
import org.apache.nifi.util.LogMessage;
import org.apache.nifi.util.MockComponentLog;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;

/**
 * What every fault test checks: the FlowFile left on exactly one relationship and nothing is queued again (no rollback
 * loop), and no log line above DEBUG, no exception text in a log line and no attribute carries patient text or the file
 * name. Also provokes content repository faults, which the mock framework cannot: a session whose content streams throw.
 */
final class FaultChecks {

    /** A file name as hospitals write them, with an accession number and an MRN. */
    static final String FILENAME = "ACC20250207-MRN7654321.jsonl";
    /** Words that stand for patient text in test prompts; none of them may leave the content. */
    static final List<String> PATIENT_WORDS = List.of("QUETZAL", "Quetzal", "ACC20250207", "MRN7654321", "saw the patient");

    private FaultChecks() {
    }

    /** Asserts that exactly one FlowFile came out, on {@code expected}, that the queue is empty, and returns it. */
    static MockFlowFile assertOneOut(final TestRunner runner, final Relationship expected) {
        int total = 0;
        for (final Relationship relationship : runner.getProcessor().getRelationships()) {
            total += runner.getFlowFilesForRelationship(relationship).size();
        }
        assertEquals(1, runner.getFlowFilesForRelationship(expected).size(), "one FlowFile on " + expected.getName());
        assertEquals(1, total, "exactly one FlowFile on any relationship");
        runner.assertQueueEmpty();
        return runner.getFlowFilesForRelationship(expected).get(0);
    }

    /**
     * Asserts that the FlowFile went to {@code failure} with its original content, that the reason says {@code reasonPart},
     * that a log line names it by uuid, and that nothing leaked.
     */
    static MockFlowFile assertFailedCleanly(final TestRunner runner, final Relationship failure, final String errorAttribute,
                                           final byte[] original, final String reasonPart) {
        final MockFlowFile failed = assertOneOut(runner, failure);
        assertArrayEquals(original, failed.toByteArray(), "the original content goes to failure");
        assertTrue(failed.isPenalized(), "failures are penalized, so a failure loop does not spin");
        final String reason = failed.getAttribute(errorAttribute);
        assertTrue(reason != null && reason.contains(reasonPart), "reason '" + reason + "' should say '" + reasonPart + "'");
        final String uuid = failed.getAttribute("uuid");
        assertTrue(logLines(runner.getLogger(), false).stream().anyMatch(line -> line.contains(uuid)),
                "a log line names the FlowFile by its uuid: " + logLines(runner.getLogger(), false));
        assertNothingLeaked(runner);
        // nothing is queued again: a second trigger finds nothing to do
        runner.run();
        assertOneOut(runner, failure);
        return failed;
    }

    /** Asserts that no log line above DEBUG and no attribute of any output FlowFile holds patient words or the file name. */
    static void assertNothingLeaked(final TestRunner runner) {
        for (final String line : logLines(runner.getLogger(), false)) {
            assertFalse(line.contains(FILENAME), "file name in log line: " + line);
            for (final String word : PATIENT_WORDS) {
                assertFalse(line.contains(word), "patient text '" + word + "' in log line: " + line);
            }
        }
        for (final Relationship relationship : runner.getProcessor().getRelationships()) {
            for (final MockFlowFile flowFile : runner.getFlowFilesForRelationship(relationship)) {
                for (final Map.Entry<String, String> attribute : flowFile.getAttributes().entrySet()) {
                    if (attribute.getKey().equals("filename") || attribute.getKey().equals("report.prompt")
                            || attribute.getKey().equals("report.sentences")) {
                        continue;
                    }
                    for (final String word : PATIENT_WORDS) {
                        assertFalse(attribute.getValue().contains(word), "patient text in attribute " + attribute);
                    }
                }
            }
        }
    }

    /**
     * Every log line with its arguments' and exceptions' text: above DEBUG only, or (with {@code withDebug}) DEBUG too.
     */
    static List<String> logLines(final MockComponentLog log, final boolean withDebug) {
        final List<LogMessage> messages = new ArrayList<>();
        messages.addAll(log.getInfoMessages());
        messages.addAll(log.getWarnMessages());
        messages.addAll(log.getErrorMessages());
        if (withDebug) {
            messages.addAll(log.getDebugMessages());
        }
        final List<String> lines = new ArrayList<>();
        for (final LogMessage message : messages) {
            final StringBuilder line = new StringBuilder(String.valueOf(message.getMsg()));
            for (Throwable cause = message.getThrowable(); cause != null; cause = cause.getCause()) {
                line.append(" | ").append(cause);
            }
            if (message.getArgs() != null) {
                for (final Object argument : message.getArgs()) {
                    for (Throwable cause = argument instanceof Throwable t ? t : null; cause != null; cause = cause.getCause()) {
                        line.append(" | ").append(cause);
                    }
                }
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /** Where the content repository fails. */
    enum ContentFault {
        /** Reading the content throws IOException after the first 8 bytes. */
        READ,
        /** Writing content throws IOException on the first write of the trigger. */
        FIRST_WRITE,
        /** Writing content throws IOException on the second write of the trigger. */
        SECOND_WRITE,
        /** Reading the content throws an unchecked exception (a framework or core bug). */
        READ_UNCHECKED
    }

    /**
     * Triggers the processor once (after its @OnScheduled ran) with a session whose content streams fail as told; the
     * session otherwise is the runner's, so transfers, penalties and logs are checked as usual.
     */
    static void triggerWithContentFault(final TestRunner runner, final ContentFault fault, final byte[] content) {
        runner.run(1, false, true);
        runner.enqueue(content, Map.of("filename", FILENAME));
        final AtomicInteger writes = new AtomicInteger();
        final ProcessSessionFactory factory = () -> faulty(runner.getProcessSessionFactory().createSession(), fault, writes);
        final Processor processor = runner.getProcessor();
        processor.onTrigger(runner.getProcessContext(), factory);
        runner.run(1, true, false);
    }

    private static ProcessSession faulty(final ProcessSession session, final ContentFault fault, final AtomicInteger writes) {
        return (ProcessSession) Proxy.newProxyInstance(FaultChecks.class.getClassLoader(), new Class<?>[] {ProcessSession.class},
                (proxy, method, arguments) -> {
                    final Object[] changed = arguments == null ? null : arguments.clone();
                    if (changed != null && changed.length == 2 && changed[0] instanceof FlowFile) {
                        if (method.getName().equals("read") && changed[1] instanceof InputStreamCallback callback) {
                            changed[1] = (InputStreamCallback) in -> callback.process(failingInput(in, fault));
                        } else if (method.getName().equals("write") && changed[1] instanceof StreamCallback callback) {
                            final boolean fail = failsThisWrite(fault, writes);
                            changed[1] = (StreamCallback) (in, out) -> callback.process(failingInput(in, fault),
                                    fail ? failingOutput(out) : out);
                        } else if (method.getName().equals("write") && changed[1] instanceof OutputStreamCallback callback) {
                            final boolean fail = failsThisWrite(fault, writes);
                            changed[1] = (OutputStreamCallback) out -> callback.process(fail ? failingOutput(out) : out);
                        }
                    }
                    try {
                        return method.invoke(session, changed);
                    } catch (final InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static boolean failsThisWrite(final ContentFault fault, final AtomicInteger writes) {
        final int write = writes.incrementAndGet();
        return (fault == ContentFault.FIRST_WRITE && write == 1) || (fault == ContentFault.SECOND_WRITE && write == 2);
    }

    private static InputStream failingInput(final InputStream in, final ContentFault fault) {
        if (fault != ContentFault.READ && fault != ContentFault.READ_UNCHECKED) {
            return in;
        }
        return new FilterInputStream(in) {
            private int read;

            @Override
            public int read() throws IOException {
                check(1);
                return super.read();
            }

            @Override
            public int read(final byte[] buffer, final int offset, final int length) throws IOException {
                check(length);
                return super.read(buffer, offset, length);
            }

            private void check(final int length) throws IOException {
                read += length;
                if (read > 8) {
                    if (fault == ContentFault.READ_UNCHECKED) {
                        throw new IllegalStateException(FailingRecordServices.QUOTING_MESSAGE);
                    }
                    throw new IOException("Content repository read failed: " + FailingRecordServices.QUOTING_MESSAGE);
                }
            }
        };
    }

    private static OutputStream failingOutput(final OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(final int b) throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public void write(final byte[] buffer, final int offset, final int length) throws IOException {
                throw new IOException("No space left on device");
            }
        };
    }
}
