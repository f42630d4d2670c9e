package io.memaudit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AxisScaleTest {

    @Test
    void ticksAreRoundNumbersCoveringTheData() {
        final AxisScale scale = AxisScale.covering(0.03, 0.93, 6);
        assertEquals(List.of("0.0", "0.2", "0.4", "0.6", "0.8", "1.0"), scale.ticks().stream().map(scale::format).toList());
    }

    @Test
    void largeRangesGetIntegerTicks() {
        final AxisScale scale = AxisScale.covering(-130, 1_740, 6);
        assertEquals(-500, scale.lower());
        assertEquals(2000, scale.upper());
        assertEquals(500, scale.step());
        assertEquals("-500", scale.format(-500));
    }

    @Test
    void constantAndEmptyDataStillGiveAnAxis() {
        final AxisScale constant = AxisScale.covering(5, 5, 6);
        assertEquals(true, constant.lower() < 5 && constant.upper() > 5);
        final AxisScale empty = AxisScale.covering(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 6);
        assertEquals(0, empty.lower());
        assertEquals(1, empty.upper());
    }

    @Test
    void valuesAreShownWithThreeSignificantDigits() {
        assertEquals("0.0123", AxisScale.formatValue(0.012345));
        assertEquals("1230", AxisScale.formatValue(1234.5));
        assertEquals("42", AxisScale.formatValue(42));
        assertEquals("n/a", AxisScale.formatValue(Double.NaN));
    }
}
