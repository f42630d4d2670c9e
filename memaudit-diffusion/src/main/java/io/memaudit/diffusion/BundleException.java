package io.memaudit.diffusion;

/** A model bundle that cannot be used; the message names the file and the problem. */
public final class BundleException extends Exception {
    public BundleException(final String message) {
        super(message);
    }

    public BundleException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
