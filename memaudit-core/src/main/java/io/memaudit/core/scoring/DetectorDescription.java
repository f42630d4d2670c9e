package io.memaudit.core.scoring;

/**
 * What a detector is, for adapters that write its value without knowing how it is computed.
 *
 * @param name the detector's name, also the record field its value goes to
 * @param description one sentence for documentation
 * @param firstStepOnly whether its value is known after the trajectory's first step (it then runs in first-step mode too)
 */
public record DetectorDescription(String name, String description, boolean firstStepOnly) {
}
