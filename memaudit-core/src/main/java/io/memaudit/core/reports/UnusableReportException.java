package io.memaudit.core.reports;

/** A report from which no prompt can be taken; the message says why (never quoting the report). */
public final class UnusableReportException extends Exception {
    public UnusableReportException(final String reason) {
        super(reason);
    }
}
