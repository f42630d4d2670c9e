package io.memaudit.diffusion;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NumPy {@code .npy} array of little-endian float32 in C order, e.g. initial noise {@code [G, C, H, W]} shared with a
 * Python reference (NumPy's format, versions 1 to 3).
 *
 * @param shape the array's shape
 * @param values its values in C order
 */
public record NpyFile(long[] shape, float[] values) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    /**
     * @throws IOException naming the file and what is wrong with it (not .npy, not float32, Fortran order, truncated)
     */
    public static NpyFile read(final Path file) throws IOException {
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        final byte[] magic = new byte[MAGIC.length];
        if (bytes.remaining() < 10 || !Arrays.equals(readInto(bytes, magic), MAGIC)) {
            throw new IOException(file + ": not a NumPy .npy file (bad magic bytes)");
        }
        final int major = bytes.get() & 0xFF;
        bytes.get();
        final int headerLength = major == 1 ? bytes.getShort() & 0xFFFF : bytes.getInt();
        final byte[] header = new byte[headerLength];
        bytes.get(header);
        final String description = new String(header, StandardCharsets.ISO_8859_1);
        final Matcher descr = DESCR.matcher(description);
        if (!descr.find() || !descr.group(1).equals("<f4")) {
            throw new IOException(file + ": dtype must be little-endian float32 ('<f4'), header says " + description.strip());
        }
        final Matcher fortran = FORTRAN.matcher(description);
        if (fortran.find() && fortran.group(1).equals("True")) {
            throw new IOException(file + ": Fortran-ordered arrays are not supported; save with np.ascontiguousarray");
        }
        final Matcher shapeMatch = SHAPE.matcher(description);
        if (!shapeMatch.find()) {
            throw new IOException(file + ": no shape in the header " + description.strip());
        }
        final long[] shape = Arrays.stream(shapeMatch.group(1).split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        final long count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (bytes.remaining() != count * Float.BYTES) {
            throw new IOException(file + ": shape " + Arrays.toString(shape) + " needs " + count * Float.BYTES
                    + " bytes of data, found " + bytes.remaining());
        }
        final float[] values = new float[(int) count];
        bytes.asFloatBuffer().get(values);
        return new NpyFile(shape, values);
    }

    private static byte[] readInto(final ByteBuffer bytes, final byte[] target) {
        bytes.get(target);
        return target;
    }
}
