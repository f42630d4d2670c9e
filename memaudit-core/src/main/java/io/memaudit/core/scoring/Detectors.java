package io.memaudit.core.scoring;

/** Names of the detectors every scoring run offers; each is also the record field its value is written to. */
public final class Detectors {
    /** dmem (Wen et al. 2024): mean over steps and generations of ||eps(x_t, prompt) - eps(x_t, "")||_2. */
    public static final String DMEM = "dmem";
    /** The same distance at the first step only, averaged over generations: the cheap screen. */
    public static final String FIRST_STEP = "dmem_first_step";

    private Detectors() {
    }
}
