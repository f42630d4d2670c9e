package io.memaudit.core.gate;

import io.memaudit.core.markers.MarkerFinder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The release gate's policy, shared by NiFi's EvaluateReleaseGate and {@code memaudit gate}: it reads a scored dataset
 * record by record and decides whether it may be released.
 *
 * <p>A dataset is rejected when the share of memorized records exceeds the policy's maximum, when a score exceeds the
 * maximum score, or (marker rule) when a memorized record is driven by a de-identification marker: its marker ranks
 * within the marker rank limit by token significance ({@code marker_rank}, 1 = the top word), or, for records without a
 * rank, it still carries a marker.
 *
 * <p>Fails closed: a record whose score is missing, null, not a number, NaN or infinite, or that carries a score error,
 * was not scored, and a dataset with such records is never approved (rejected, or held when the policy says so and nothing
 * else rejects it). A dataset without any scored record is rejected and the reason says so.
 *
 * <p>Judges whole datasets only ({@link Wholeness}): a dataset with fewer or more records than expected, a record key
 * that two records share, or a record without a key is rejected as not whole. A reassembly that counts chunks can be
 * handed a repeated chunk in place of a missing one; the count alone does not show it, the keys do.
 */
public final class ReleaseGate {
    private final GatePolicy policy;
    private final MarkerFinder markers;
    private final String scoreField;

    /**
     * @param policy the rules
     * @param markers finds markers for the presence rule (records without a marker rank)
     * @param scoreField the score field's name as the user configured it, for reasons and the report
     */
    public ReleaseGate(final GatePolicy policy, final MarkerFinder markers, final String scoreField) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.markers = Objects.requireNonNull(markers, "markers");
        this.scoreField = Objects.requireNonNull(scoreField, "scoreField");
    }

    public GatePolicy policy() {
        return policy;
    }

    /** A new, empty evaluation of one dataset, without the wholeness checks (not thread-safe; one per dataset). */
    public Evaluation start() {
        return start(Wholeness.UNCHECKED);
    }

    /** A new, empty evaluation of one dataset that checks it is whole (not thread-safe; one per dataset). */
    public Evaluation start(final Wholeness wholeness) {
        return new Evaluation(Objects.requireNonNull(wholeness, "wholeness"));
    }

    /**
     * A score value as a record holds it: a number, or text (CSV cells; Jackson writes non-finite numbers as "NaN" or
     * "Infinity") parsed as a number; null when it is missing, empty or not a number.
     */
    public static Double number(final Object value) {
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        if (value instanceof CharSequence text && !text.toString().isBlank()) {
            try {
                return Double.parseDouble(text.toString().trim());
            } catch (final NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** A 64-bit FNV-1a hash of the key's UTF-8 bytes, mixed (SplitMix64's finaliser) so that similar keys spread. */
    static long hash(final String key) {
        long hash = 0xcbf29ce484222325L;
        for (final byte b : key.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        hash = (hash ^ (hash >>> 30)) * 0xbf58476d1ce4e5b9L;
        hash = (hash ^ (hash >>> 27)) * 0x94d049bb133111ebL;
        return hash ^ (hash >>> 31);
    }

    /** The records of one dataset, counted as they come. */
    public final class Evaluation {
        private long records;
        private long scored;
        private long screenedOut;
        private long unscored;
        private long failed;
        private long memorized;
        private long memorizedWithMarkers;
        private long attributed;
        private double maxScore = Double.NEGATIVE_INFINITY;
        private final Wholeness wholeness;
        /** 64-bit hashes of the record keys: 8 bytes a record, whatever the key's length. */
        private long[] keyHashes = new long[0];
        private int keys;
        private long keyless;

        private Evaluation(final Wholeness wholeness) {
            this.wholeness = wholeness;
        }

        /**
         * Records one record's key (with {@link Wholeness#checksKeys()}; ignored otherwise). Keys are kept as 64-bit
         * hashes, so two different keys can, with a chance of about n²/2⁶⁵ for n records, count as repeated: the dataset
         * is then rejected, never approved.
         *
         * @param key the record's key as text; null or empty when the record has none
         */
        public void key(final String key) {
            if (!wholeness.checksKeys()) {
                return;
            }
            if (key == null || key.isEmpty()) {
                keyless++;
                return;
            }
            if (keys == keyHashes.length) {
                keyHashes = Arrays.copyOf(keyHashes, Math.max(1024, keys * 2));
            }
            keyHashes[keys++] = hash(key);
        }

        /** Keys seen before in this dataset (a key seen three times counts twice). */
        private long repeatedKeys() {
            final long[] sorted = Arrays.copyOf(keyHashes, keys);
            Arrays.sort(sorted);
            long repeated = 0;
            for (int i = 1; i < sorted.length; i++) {
                if (sorted[i] == sorted[i - 1]) {
                    repeated++;
                }
            }
            return repeated;
        }

        /**
         * Counts one record.
         *
         * @param score the record's score (see {@link #number}); null when missing or not a number
         * @param scoreError the record's score error, or null/empty when it has none
         * @param markerRank the record's marker rank, or null when it has none
         * @param screeningScore the record's screening (first-step) score when the gate accepts two-stage screening, else null
         * @param text the record's text, asked for only when a memorized record has no marker rank
         */
        public void add(final Double score, final String scoreError, final Double markerRank, final Double screeningScore,
                        final Supplier<String> text) {
            records++;
            if (scoreError != null && !scoreError.isEmpty() || score != null && !Double.isFinite(score)) {
                failed++;
                return;
            }
            if (score == null) {
                if (screeningScore != null && Double.isFinite(screeningScore)) {
                    screenedOut++;
                } else {
                    unscored++;
                }
                return;
            }
            scored++;
            maxScore = Math.max(maxScore, score);
            if (score < policy.memorizationThreshold()) {
                return;
            }
            memorized++;
            if (markerRank != null && markerRank >= 0) {
                attributed++;
                if (markerRank >= 1 && markerRank <= policy.markerRankLimit()) {
                    memorizedWithMarkers++;
                }
            } else {
                final String value = text.get();
                if (value != null && markers.count(value) > 0) {
                    memorizedWithMarkers++;
                }
            }
        }

        /** What was counted so far. */
        public GateCounts counts() {
            return new GateCounts(records, scored, screenedOut, unscored, failed, memorized, memorizedWithMarkers, attributed,
                    scored == 0 ? Double.NaN : maxScore);
        }

        /** The decision on the records counted. */
        public GateDecision decide() {
            final GateCounts counts = counts();
            final List<String> rejections = new ArrayList<>();
            final long repeatedKeys = repeatedKeys();
            if (wholeness.expectedRecords() != null && counts.records() != wholeness.expectedRecords()) {
                rejections.add("the dataset is not whole: " + counts.records() + " records read, "
                        + wholeness.expectedRecords() + " expected; a dataset is gated whole or not at all");
            }
            if (repeatedKeys > 0) {
                rejections.add("the dataset is not whole: " + repeatedKeys + " records repeat the " + wholeness.keyField()
                        + " of an earlier record (a repeated chunk, or a dataset reassembled from the wrong records)");
            }
            if (keyless > 0) {
                rejections.add(keyless + " records have no " + wholeness.keyField()
                        + ", so the gate cannot tell that the dataset is whole");
            }
            if (counts.records() == 0) {
                rejections.add("the dataset has no records");
            } else if (counts.decided() == 0) {
                rejections.add("no record has a usable score in " + scoreField + " (" + describeNotScored(counts)
                        + "); check the Score Field and that the dataset was scored");
            }
            if (counts.memorizedFraction() > policy.maximumMemorizedFraction()) {
                rejections.add(String.format(Locale.ROOT, "memorized fraction %.4f exceeds %.4f (%d of %d scored records)",
                        counts.memorizedFraction(), policy.maximumMemorizedFraction(), counts.memorized(), counts.decided()));
            }
            if (policy.maximumScore() != null && counts.hasMaximum() && counts.maxScore() > policy.maximumScore()) {
                rejections.add(String.format(Locale.ROOT, "highest score %.6f exceeds %s", counts.maxScore(),
                        policy.maximumScore()));
            }
            if (policy.markerRule() && counts.memorizedWithMarkers() > 0) {
                rejections.add(counts.memorizedWithMarkers() + " memorized records are driven by de-identification markers ("
                        + counts.attributed() + " of " + counts.memorized() + " judged by token significance, marker rank <= "
                        + policy.markerRankLimit() + "; the others by the marker's presence)");
            }
            final boolean someNotScored = counts.notScored() > 0 && counts.decided() > 0;
            final List<String> reasons = new ArrayList<>(rejections);
            if (someNotScored) {
                reasons.add(counts.notScored() + " of " + counts.records() + " records were not scored ("
                        + describeNotScored(counts) + "); a record without a usable score is never taken as not memorized");
            }
            final GateDecision.Outcome outcome;
            if (!rejections.isEmpty()) {
                outcome = GateDecision.Outcome.REJECTED;
            } else if (someNotScored) {
                outcome = policy.unscoredRecords() == UnscoredRecords.HOLD ? GateDecision.Outcome.HELD
                        : GateDecision.Outcome.REJECTED;
            } else {
                outcome = GateDecision.Outcome.APPROVED;
            }
            return new GateDecision(outcome, reasons, counts, policy, scoreField,
                    new GateDecision.WholenessCheck(wholeness, repeatedKeys, keyless));
        }

        private String describeNotScored(final GateCounts counts) {
            return counts.failed() + " failed: a score_error or a NaN/infinite score; " + counts.unscored()
                    + " without a number in " + scoreField;
        }
    }
}
