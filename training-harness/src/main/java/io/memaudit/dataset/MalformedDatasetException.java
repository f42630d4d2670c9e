package io.memaudit.dataset;

/** Input that is not a valid dataset; the message names the line and what is wrong, and never quotes record text. */
public final class MalformedDatasetException extends Exception {
    private final long line;

    public MalformedDatasetException(final long line, final String problem) {
        super("line " + line + ": " + problem);
        this.line = line;
    }

    /** 1-based line number of the problem. */
    public long line() {
        return line;
    }
}
