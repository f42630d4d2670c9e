package io.memaudit.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Expected values come from tools/ddim_reference.py, written from diffusers' DDIMScheduler definition. */
class DdimSchedulerTest {
    private static final double RELATIVE = 1e-12;
    private static final SchedulerConfig STABLE_DIFFUSION = new SchedulerConfig(1000, SchedulerConfig.BetaSchedule.SCALED_LINEAR,
            0.00085, 0.012, SchedulerConfig.TimestepSpacing.LEADING, 1, false);

    private static void assertRelative(final double expected, final double actual) {
        assertEquals(expected, actual, Math.abs(expected) * RELATIVE);
    }

    @Test
    void radEditUsesTrailingTimestepsFrom999Down() {
        final int[] timesteps = new DdimScheduler(SchedulerConfig.RADEDIT).timesteps(50);
        assertArrayEquals(IntStream.range(0, 50).map(i -> 999 - 20 * i).toArray(), timesteps);
    }

    @Test
    void stableDiffusionUsesLeadingTimestepsWithOffset() {
        final int[] timesteps = new DdimScheduler(STABLE_DIFFUSION).timesteps(50);
        assertArrayEquals(IntStream.range(0, 50).map(i -> 981 - 20 * i).toArray(), timesteps);
    }

    @Test
    void alphaProductsMatchTheReference() {
        final DdimScheduler radEdit = new DdimScheduler(SchedulerConfig.RADEDIT);
        assertRelative(0.9999, radEdit.alphaCumprod(0));
        assertRelative(0.9997800920720721, radEdit.alphaCumprod(1));
        assertRelative(0.9942309516861578, radEdit.alphaCumprod(19));
        assertRelative(0.07858724288177821, radEdit.alphaCumprod(499));
        assertRelative(5.787793184017931e-05, radEdit.alphaCumprod(981));
        assertRelative(4.0358297653756754e-05, radEdit.alphaCumprod(999));
        assertEquals(1.0, radEdit.alphaCumprod(-1));
        final DdimScheduler stable = new DdimScheduler(STABLE_DIFFUSION);
        assertRelative(0.99915, stable.alphaCumprod(0));
        assertRelative(0.9982960278384514, stable.alphaCumprod(1));
        assertRelative(0.27766965045646763, stable.alphaCumprod(499));
        assertRelative(0.004660098513077234, stable.alphaCumprod(999));
        assertEquals(0.99915, stable.alphaCumprod(-1), 1e-15);
    }

    @Test
    void stepCoefficientsMatchTheReference() {
        final DdimScheduler radEdit = new DdimScheduler(SchedulerConfig.RADEDIT);
        assertStep(radEdit.step(999, 50), 979, 1.2215204039754861, -0.22152586449013834);
        assertStep(radEdit.step(979, 50), 959, 1.2165666090657343, -0.21657454240183094);
        assertStep(radEdit.step(19, 50), -1, 1.0028970651823639, -0.07617429587071081);
        final DdimScheduler stable = new DdimScheduler(STABLE_DIFFUSION);
        assertStep(stable.step(981, 50), 961, 1.1228517009624683, -0.12325200628536348);
        assertStep(stable.step(961, 50), 941, 1.1189641060499844, -0.11945176005004454);
        assertStep(stable.step(1, 50), -19, 1.000427623464135, -0.012142090164663218);
    }

    private static void assertStep(final DdimScheduler.Step step, final int previous, final double sampleScale,
                                   final double noiseScale) {
        assertEquals(previous, step.previousTimestep());
        assertRelative(sampleScale, step.sampleScale());
        assertRelative(noiseScale, step.noiseScale());
    }

    @Test
    void aNoiselessTrajectoryEndsAtTheCleanSample() {
        // With eps equal to the true noise, every DDIM step recovers x0 exactly: a check of the update's algebra.
        final DdimScheduler scheduler = new DdimScheduler(SchedulerConfig.RADEDIT);
        final double x0 = 0.7;
        final double noise = -1.3;
        final int[] timesteps = scheduler.timesteps(10);
        double x = Math.sqrt(scheduler.alphaCumprod(timesteps[0])) * x0 + Math.sqrt(1 - scheduler.alphaCumprod(timesteps[0])) * noise;
        for (final int t : timesteps) {
            final DdimScheduler.Step step = scheduler.step(t, 10);
            x = step.sampleScale() * x + step.noiseScale() * noise;
        }
        assertEquals(x0, x, 1e-12);
    }

    @Test
    void badSettingsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> new DdimScheduler(SchedulerConfig.RADEDIT).timesteps(0));
        assertEquals("beta_schedule 'cosine' is not supported: use linear or scaled_linear",
                assertThrows(IllegalArgumentException.class, () -> SchedulerConfig.BetaSchedule.fromName("cosine")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SchedulerConfig(1000, SchedulerConfig.BetaSchedule.LINEAR,
                0.02, 0.01, SchedulerConfig.TimestepSpacing.LEADING, 0, true));
    }
}
