package io.memaudit.core.random;

/**
 * Derives the seed of one record's random stream from the global seed, the record key and the text, so that a record is
 * treated the same way (its markers rewritten, its noise drawn) whatever the thread count, batch split or record order.
 *
 * <p>The text enters through {@link String#hashCode()} (specified by the Java language, identical on every JVM, computed
 * with vector instructions and cached by the string) and its length; a full 64-bit pass over the text cost more than the
 * rest of the rewrite. Two different texts with equal length and equal 32-bit hash code would share a stream: for a
 * dataset of a million captions that happens to a handful of pairs, whose replacements then repeat once.
 */
public final class RecordSeeds {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private RecordSeeds() {
    }

    /** @param recordKey an identifier of the record, or null */
    public static long derive(final long seed, final String recordKey, final String text) {
        long state = mix(seed ^ GOLDEN_GAMMA);
        if (recordKey != null) {
            state = mix(state + recordKey.hashCode() * GOLDEN_GAMMA + recordKey.length());
        }
        state = mix(state + ((long) text.hashCode() << 32 | text.length()));
        return state;
    }

    /** MurmurHash3's 64-bit finaliser: every input bit affects every output bit. */
    public static long mix(final long value) {
        long h = value;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
