package io.memaudit.diffusion;

import java.util.Locale;

/**
 * A DDIM noise schedule in diffusers' terms (as found in a model's {@code scheduler_config.json}).
 *
 * @param trainTimesteps diffusers' {@code num_train_timesteps}
 * @param betaSchedule {@code linear} or {@code scaled_linear}
 * @param betaStart first beta
 * @param betaEnd last beta
 * @param spacing {@code timestep_spacing}: {@code leading} or {@code trailing}
 * @param stepsOffset {@code steps_offset} added to leading timesteps (1 for Stable Diffusion v1)
 * @param setAlphaToOne {@code set_alpha_to_one}: the alpha product after the last step is 1 (else alphas_cumprod[0])
 */
public record SchedulerConfig(int trainTimesteps, BetaSchedule betaSchedule, double betaStart, double betaEnd,
                              TimestepSpacing spacing, int stepsOffset, boolean setAlphaToOne) {

    /** RadEdit's scheduler: linear 1e-4..0.02 over 1000 steps, trailing spacing. */
    public static final SchedulerConfig RADEDIT = new SchedulerConfig(1000, BetaSchedule.LINEAR, 1e-4, 0.02,
            TimestepSpacing.TRAILING, 0, true);

    public SchedulerConfig {
        if (trainTimesteps < 2) {
            throw new IllegalArgumentException("num_train_timesteps " + trainTimesteps + " must be at least 2");
        }
        if (!(betaStart > 0 && betaEnd > betaStart && betaEnd < 1)) {
            throw new IllegalArgumentException("betas must satisfy 0 < beta_start < beta_end < 1, got " + betaStart
                    + ".." + betaEnd);
        }
        if (stepsOffset < 0) {
            throw new IllegalArgumentException("steps_offset " + stepsOffset + " must not be negative");
        }
    }

    /** How betas grow from {@code betaStart} to {@code betaEnd}. */
    public enum BetaSchedule {
        /** Evenly spaced betas. */
        LINEAR,
        /** Evenly spaced square roots of the betas (Stable Diffusion). */
        SCALED_LINEAR;

        public static BetaSchedule fromName(final String name) {
            return switch (name) {
                case "linear" -> LINEAR;
                case "scaled_linear" -> SCALED_LINEAR;
                default -> throw new IllegalArgumentException("beta_schedule '" + name + "' is not supported: use linear or scaled_linear");
            };
        }

        public String displayName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Which training timesteps the sampling steps visit. */
    public enum TimestepSpacing {
        /** 0, r, 2r, ... (+ offset), visited from the largest: Stable Diffusion v1. */
        LEADING,
        /** T-1, T-1-r, ...: always starts at the last training timestep (RadEdit). */
        TRAILING;

        public static TimestepSpacing fromName(final String name) {
            return switch (name) {
                case "leading" -> LEADING;
                case "trailing" -> TRAILING;
                default -> throw new IllegalArgumentException("timestep_spacing '" + name + "' is not supported: use leading or trailing");
            };
        }

        public String displayName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
