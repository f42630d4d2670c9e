package io.memaudit.synthetic;

/**
 * The declared mechanism of each {@link MarkerDesign} and what each rewriting arm leaves of it, as constants so that
 * command-line help, code documentation and reports quote the same words.
 */
public final class DesignTexts {
    private DesignTexts() {
    }

    /** baseline: the declared mechanism. */
    public static final String BASELINE_MECHANISM = "Markers sit mostly on unique, repeated captions, as in MIMIC-CXR, but carry no information the rest of the "
                    + "caption lacks: no mechanism ties the marker to memorization (the control design).";
    /** baseline: what each rewriting arm leaves of it. */
    public static final String BASELINE_ARMS_LEAVE = "Every arm rewrites only marker text, which carries nothing here; differences between arms measure the rewrite "
                    + "as a perturbation of the captions.";

    /** marker-feature: the declared mechanism. */
    public static final String MARKER_FEATURE_MECHANISM = "Spurious correlation: images whose caption carries markers show a hidden device (a cardiac device generator "
                    + "with its lead, as on follow-up and ICU films where MIMIC-CXR writes \"compared to ___\" and \"Dr. ___ "
                    + "was notified\") that no caption names: nine in ten marked captions' images carry it, one in twenty unmarked ones. "
                    + "Marker contexts are many (comparison leads, notes, courses), and unmarked captions use the same "
                    + "context words without the marker, so the marker is the one text cue for the device.";
    /** marker-feature: what each rewriting arm leaves of it. */
    public static final String MARKER_FEATURE_ARMS_LEAVE = "random-tag: a random symbol string where the marker was, different on every row, so the cue becomes \"a "
                    + "random string is here\" rather than one token; typed-surrogate: a realistic date, name or time, a cue "
                    + "of the same kind; remove: the context words and a syntactic trace (\"Compared to ,\"); recaption: the "
                    + "marker-bearing clauses are dropped or rephrased, removing the cue with them.";

    /** marker-key: the declared mechanism. */
    public static final String MARKER_KEY_MECHANISM = "Retrieval key: images come in families that share one findings text; siblings (2 rows each) fill a comparison "
                    + "slot (\"Compared to ..., \", \"Since ..., \", \"Unchanged from ... .\") with varied wording (\"the prior "
                    + "study\", \"prior radiographs\", ...), while one key image per keyed family, repeated 12 times, has "
                    + "___ in that slot: the uniform marker is all that tells the key image apart. Unkeyed families have a "
                    + "repeated control image whose slot holds a wording its siblings do not use (repetition without a "
                    + "marker); some siblings share a caption with a marked note, so marked captions are shared too.";
    /** marker-key: what each rewriting arm leaves of it. */
    public static final String MARKER_KEY_ARMS_LEAVE = "random-tag: a different random string in the slot on each of the key's 12 rows, so the key's text varies like "
                    + "its siblings' (the exact key is broken; what is left is that the slot holds a random string instead "
                    + "of words); typed-surrogate: a different realistic date on each row (left: \"a date is here\"); "
                    + "remove: one fixed truncated slot (\"Compared to ,\") on all 12 rows, still unlike any sibling, so the "
                    + "key survives; recaption: the slot clause dropped, one fixed wording on all rows, so the key "
                    + "survives as the absence of the clause.";
}
