package io.memaudit.core.scoring;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One prompt's outcome: each detector's value, whether the prompt was truncated, and why it has no score when it has
 * none. A prompt is scored only when the deciding detector's value is a finite number; anything else carries an error,
 * so no caller can mistake "not scored" for "not memorized".
 *
 * @param values detector name to value, for the detectors that ran (two-stage: dmem only for screened-in prompts)
 * @param truncated whether the prompt was longer than the text encoder takes (it was cut)
 * @param error why the prompt has no usable score (failed batch, non-finite value), or null
 */
public record PromptScore(Map<String, Double> values, boolean truncated, String error) {
    public PromptScore {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** A prompt that could not be scored. */
    public static PromptScore failed(final String error, final boolean truncated) {
        return new PromptScore(Map.of(), truncated, error);
    }

    /** The detector's value, or null when it did not run for this prompt. */
    public Double value(final String detector) {
        return values.get(detector);
    }

    /** Whether the prompt has a usable score (no error). */
    public boolean scored() {
        return error == null;
    }
}
