package io.memaudit.training;

import io.memaudit.core.NamedChoice;
import io.memaudit.core.markers.MarkerDialect;
import io.memaudit.core.markers.MarkerRewriter;
import io.memaudit.core.markers.MarkerStrategy;
import io.memaudit.core.recaption.Recaptioner;
import io.memaudit.core.recaption.RuleBasedRecaptioner;
import java.util.EnumSet;
import java.util.List;
import java.util.function.BiFunction;

/**
 * One arm of the fine-tune comparison: how the training captions are rewritten before fine-tuning, and whether Wen et
 * al.'s training-time filter is on. Every arm fine-tunes the same base for the same steps with the same seed.
 */
public enum CaptionArm implements NamedChoice {
    ORIGINAL("captions as they are (the control: continued training alone)"),
    RANDOM_TAG("each ___ replaced by its own random symbol string, different for every training row"),
    TYPED_SURROGATE("each ___ replaced by a realistic random surrogate of its inferred kind, per row"),
    REMOVE("markers deleted, punctuation tidied"),
    RECAPTION("marker-bearing clauses dropped or rephrased (rule-based, OpenNLP sentences and tokens)"),
    FILTERED("captions as they are; samples whose ||eps_c - eps_u|| exceeds the 90th percentile are left out "
            + "of the loss (Wen et al.'s training-time mitigation)");

    /** Quantile of the per-sample magnitude above which the filtered arm drops samples. */
    public static final double FILTER_QUANTILE = 0.9;

    private final String description;

    CaptionArm(final String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** Whether this arm filters samples during training. */
    public boolean filters() {
        return this == FILTERED;
    }

    /**
     * The rewrite of a training row: (row index, caption) to caption. Randomizing arms key their randomness on the row,
     * so repeated rows get different markers (as the randomizer keyed by record id does in a real dataset).
     */
    public BiFunction<Integer, String, String> rewrite(final long seed) {
        return switch (this) {
            case ORIGINAL, FILTERED -> (row, caption) -> caption;
            case RANDOM_TAG, TYPED_SURROGATE, REMOVE -> {
                final MarkerRewriter rewriter = MarkerRewriter.builder().dialects(EnumSet.of(MarkerDialect.MIMIC_CXR))
                        .strategy(switch (this) {
                            case RANDOM_TAG -> MarkerStrategy.RANDOM_TAG;
                            case TYPED_SURROGATE -> MarkerStrategy.TYPED_SURROGATE;
                            default -> MarkerStrategy.REMOVE;
                        }).seed(seed).build();
                yield (row, caption) -> rewriter.rewrite(caption, "row-" + row).text();
            }
            case RECAPTION -> {
                final Recaptioner recaptioner = new RuleBasedRecaptioner();
                yield (row, caption) -> recaptioner.recaption(caption);
            }
        };
    }

    /** Parses a name (any case, underscores for hyphens); an unknown name throws, naming the choices. */
    public static CaptionArm fromName(final String name) {
        return NamedChoice.parse(CaptionArm.class, name, "arm");
    }

    /** Every name, comma-separated, for help texts and messages. */
    public static String names() {
        return NamedChoice.names(CaptionArm.class);
    }

    /** Every arm, in the order reports show them. */
    public static List<CaptionArm> all() {
        return List.of(values());
    }
}
