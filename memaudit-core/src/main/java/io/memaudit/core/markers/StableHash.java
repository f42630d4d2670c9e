package io.memaudit.core.markers;

/**
 * A 64-bit hash of text that is the same on every JVM and platform (unlike identity or randomized hashes), used to derive
 * per-record random streams from a seed. Not cryptographic.
 */
public final class StableHash {
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    private StableHash() {
    }

    /** Hashes the UTF-16 code units of {@code text}, seeded with {@code seed}. */
    public static long of(final long seed, final CharSequence text) {
        final int length = text.length();
        long hash = seed ^ 0x9E3779B97F4A7C15L;
        int i = 0;
        for (; i + 4 <= length; i += 4) {
            long block = text.charAt(i) | (long) text.charAt(i + 1) << 16 | (long) text.charAt(i + 2) << 32
                    | (long) text.charAt(i + 3) << 48;
            block *= C1;
            block = Long.rotateLeft(block, 31);
            block *= C2;
            hash ^= block;
            hash = Long.rotateLeft(hash, 27) * 5 + 0x52dce729;
        }
        long tail = 0;
        for (int shift = 0; i < length; i++, shift += 16) {
            tail |= (long) text.charAt(i) << shift;
        }
        hash ^= Long.rotateLeft(tail * C1, 31) * C2;
        hash ^= length;
        return mix(hash);
    }

    /** Combines two 64-bit values into a well-mixed one. */
    public static long combine(final long first, final long second) {
        return mix(first * 31 + mix(second));
    }

    /** MurmurHash3's 64-bit finaliser. */
    static long mix(final long value) {
        long h = value;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
