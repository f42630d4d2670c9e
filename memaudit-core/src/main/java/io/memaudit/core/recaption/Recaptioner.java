package io.memaudit.core.recaption;

/**
 * Rewrites a caption so that it no longer carries de-identification markers, keeping what it says about the image: the
 * "recaption" mitigation. {@link RuleBasedRecaptioner} does it with rules; an external captioning model can implement the
 * same interface.
 *
 * <p>Implementations return a caption without markers unchanged (the same string), and return an empty caption only when
 * the input said nothing but markers.
 */
public interface Recaptioner {

    /** A short name for reports and provenance, e.g. {@code rule-based}. */
    String name();

    /** The caption rewritten without markers; a caption without markers comes back unchanged. */
    String recaption(String caption);
}
