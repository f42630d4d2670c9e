package io.memaudit.core.io;

import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Reading and writing dataset files safely: output appears complete under its name, or not at all. */
public final class DatasetFiles {

    private DatasetFiles() {
    }

    /** Writes {@code target} through {@code body}; on success it is moved into place atomically, on failure it is removed. */
    public static <T> T writeAtomically(final Path target, final OutputBody<T> body) throws Exception {
        final Path absolute = target.toAbsolutePath();
        final Path directory = absolute.getParent();
        Files.createDirectories(directory);
        final Path partial = Files.createTempFile(directory, "." + absolute.getFileName() + ".", ".partial");
        shareable(partial, "rw-r--r--");
        final T result;
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
                result = body.write(out);
            }
            Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (final Exception | Error e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        return result;
    }

    /**
     * Fills a new directory {@code target} through {@code body}, which writes into a hidden staging directory next to it;
     * on success the staging directory is moved into place, on failure it is deleted. {@code target} must not exist or be
     * an empty directory, so a finished run is never mixed with an old one.
     */
    public static <T> T writeDirectoryAtomically(final Path target, final DirectoryBody<T> body) throws Exception {
        final Path absolute = target.toAbsolutePath();
        if (Files.exists(absolute) && !isEmptyDirectory(absolute)) {
            throw new IllegalArgumentException(target + " exists and is not an empty directory: choose a new output directory");
        }
        Files.createDirectories(absolute.getParent());
        final Path staging = Files.createTempDirectory(absolute.getParent(), "." + absolute.getFileName() + ".partial-");
        shareable(staging, "rwxr-xr-x");
        final T result;
        try {
            result = body.write(staging);
            Files.deleteIfExists(absolute);
            Files.move(staging, absolute, StandardCopyOption.ATOMIC_MOVE);
        } catch (final Exception | Error e) {
            deleteRecursively(staging);
            throw e;
        }
        return result;
    }

    /**
     * Temporary files and directories are created private (0600 / 0700); outputs are ordinary files, readable like any
     * other the user writes.
     */
    private static void shareable(final Path path, final String permissions) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString(permissions));
        }
    }

    private static boolean isEmptyDirectory(final Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return false;
        }
        try (var entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void deleteRecursively(final Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (final Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Something that fills one directory. */
    @FunctionalInterface
    public interface DirectoryBody<T> {
        T write(Path directory) throws Exception;
    }

    /** Something that writes one output stream. */
    @FunctionalInterface
    public interface OutputBody<T> {
        T write(OutputStream out) throws Exception;
    }

    /** An input stream that counts the bytes read, for progress reporting from another thread. */
    public static final class CountingInputStream extends FilterInputStream {
        private volatile long count;

        public CountingInputStream(final InputStream in) {
            super(in);
        }

        public long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            final int value = super.read();
            if (value >= 0) {
                count++;
            }
            return value;
        }

        @Override
        public int read(final byte[] buffer, final int offset, final int length) throws IOException {
            final int read = super.read(buffer, offset, length);
            if (read > 0) {
                count += read;
            }
            return read;
        }
    }
}
