package io.memaudit.core.gate;

/**
 * What the release gate counted in a dataset.
 *
 * @param records records read
 * @param scored records with a finite score and no score error
 * @param screenedOut records without a score but with a finite screening score and no error (two-stage screening: they
 *                    were decided not memorized by the first step); only counted when the gate was given a screening field
 * @param unscored records whose score is missing, null or not a number, without a score error
 * @param failed records that carry a score error or whose score is NaN or infinite
 * @param memorized scored records at or above the threshold
 * @param memorizedWithMarkers memorized records driven by a de-identification marker
 * @param attributed memorized records that carried a marker rank
 * @param maxScore the highest score of a scored record; NaN when none was scored
 */
public record GateCounts(long records, long scored, long screenedOut, long unscored, long failed, long memorized,
                         long memorizedWithMarkers, long attributed, double maxScore) {

    /** Records with a decision: scored or screened out. */
    public long decided() {
        return scored + screenedOut;
    }

    /** Records without a usable score: unscored or failed. */
    public long notScored() {
        return unscored + failed;
    }

    /** Memorized records among decided ones; 0 when none was decided. */
    public double memorizedFraction() {
        return decided() == 0 ? 0 : memorized / (double) decided();
    }

    /** Whether some record was scored, so that {@link #maxScore} is a number. */
    public boolean hasMaximum() {
        return scored > 0 && Double.isFinite(maxScore);
    }
}
