package io.memaudit.core.io;

/** Input that is not a valid dataset; the message names the line and what is wrong, and never quotes record text. */
public final class MalformedDatasetException extends Exception {
    private final String source;
    private final long line;
    private final String problem;

    public MalformedDatasetException(final long line, final String problem) {
        this(null, line, problem);
    }

    /** @param source the file the problem is in, when it is not the file the user named (a file inside a directory) */
    public MalformedDatasetException(final String source, final long line, final String problem) {
        super((source == null ? "" : source + ": ") + "line " + line + ": " + problem);
        this.source = source;
        this.line = line;
        this.problem = problem;
    }

    /** The same problem, located in {@code file}. */
    public MalformedDatasetException in(final String file) {
        return new MalformedDatasetException(file, line, problem);
    }

    /** The same problem, {@code lines} lines further down: for a part of a file checked on its own. */
    public MalformedDatasetException afterLines(final long lines) {
        return new MalformedDatasetException(source, line + lines, problem);
    }

    /** The file inside a directory where the problem is, or null when it is the input file itself. */
    public String source() {
        return source;
    }

    /** 1-based line number of the problem. */
    public long line() {
        return line;
    }

    /** Parser messages quote the offending token, which can be report text: keep the message, drop the quote. */
    public static String withoutQuotedText(final String message) {
        return message == null ? "unknown problem" : message.replaceAll("'[^']{2,}'", "'…'").replaceAll("\\s+", " ");
    }
}
