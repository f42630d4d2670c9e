package io.memaudit.core.markers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MarkerFinderTest {

    private static List<String> markers(final MarkerFinder finder, final String text) {
        final List<String> found = new ArrayList<>();
        final MarkerFinder.Scan scan = finder.scan(text);
        while (scan.next()) {
            found.add(scan.dialect().displayName() + ":" + text.substring(scan.start(), scan.end()));
        }
        return found;
    }

    private static MarkerFinder finder(final MarkerDialect... dialects) {
        return MarkerFinder.of(EnumSet.copyOf(List.of(dialects)), null);
    }

    @Test
    void mimicCxrTreatsEveryRunOfThreeOrMoreUnderscoresAsOneMarker() {
        final MarkerFinder finder = finder(MarkerDialect.MIMIC_CXR);
        assertEquals(List.of("mimic-cxr:___", "mimic-cxr:______", "mimic-cxr:___"),
                markers(finder, "Dr.___ saw ______ on ___."));
    }

    @Test
    void mimicCxrLeavesShorterUnderscoreRunsAlone() {
        final MarkerFinder finder = finder(MarkerDialect.MIMIC_CXR);
        assertEquals(List.of(), markers(finder, "file_name a_b c__d _ __"));
        assertEquals(List.of("mimic-cxr:___"), markers(finder, "file_name and __ then ___"));
    }

    @Test
    void mimicNotesFindsBracketStarMarkersOnOneLine() {
        final MarkerFinder finder = finder(MarkerDialect.MIMIC_NOTES);
        assertEquals(List.of("mimic-notes:[**Last Name (NamePattern1) **]", "mimic-notes:[**2151-10-3**]"),
                markers(finder, "Seen by Dr. [**Last Name (NamePattern1) **] on [**2151-10-3**]."));
        assertEquals(List.of(), markers(finder, "broken [** across\nlines **] and [** unterminated"));
    }

    @Test
    void openIFindsStandaloneRunsOfCapitalX() {
        final MarkerFinder finder = finder(MarkerDialect.OPEN_I);
        assertEquals(List.of("open-i:XXXX", "open-i:XXXXX", "open-i:XXXX"),
                markers(finder, "Comparison XXXX, XXXXX. XXXX-year-old"));
        assertEquals(List.of(), markers(finder, "AXXXX XXXXB XXX xxxx"));
    }

    @Test
    void tagsFindsCapitalisedBracketAndAngleTags() {
        final MarkerFinder finder = finder(MarkerDialect.TAGS);
        assertEquals(List.of("tags:[REDACTED]", "tags:<PERSON>", "tags:<DATE_TIME>"),
                markers(finder, "Per [REDACTED], <PERSON> called on <DATE_TIME>."));
        assertEquals(List.of(), markers(finder, "a < b and c > d, [see above], <p>, [A], x<y>z"));
    }

    @Test
    void customPatternFindsEveryNonEmptyMatch() {
        final MarkerFinder finder = MarkerFinder.of(Set.of(), Pattern.compile("\\{\\{[a-z]+\\}\\}"));
        assertEquals(List.of("custom:{{name}}", "custom:{{date}}"), markers(finder, "{{name}} on {{date}} {{}}"));
        assertEquals(Set.of(MarkerDialect.CUSTOM), finder.dialects());
    }

    @Test
    void combinedDialectsReturnMarkersInTextOrderWithoutOverlaps() {
        final MarkerFinder finder = MarkerFinder.of(EnumSet.allOf(MarkerDialect.class), Pattern.compile("REDACTED"));
        assertEquals(List.of("open-i:XXXX", "mimic-cxr:___", "tags:[REDACTED]", "mimic-notes:[**Name**]", "tags:<AGE>"),
                markers(finder, "XXXX then ___ then [REDACTED] then [**Name**] <AGE>"));
    }

    @Test
    void markersAtTheVeryStartAndEndAreFound() {
        final MarkerFinder finder = finder(MarkerDialect.MIMIC_CXR, MarkerDialect.TAGS);
        assertEquals(List.of("mimic-cxr:___", "tags:<PERSON>"), markers(finder, "___<PERSON>"));
        assertEquals(2, finder.count("___<PERSON>"));
        assertEquals(0, finder.count(""));
    }

    @Test
    void customPatternThatMatchesNothingVisibleIsRejected() {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> MarkerFinder.of(Set.of(), Pattern.compile("x*")));
        assertTrue(error.getMessage().contains("matches the empty string"), error.getMessage());
    }

    @Test
    void customDialectWithoutPatternIsRejected() {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> MarkerFinder.of(Set.of(MarkerDialect.CUSTOM), null));
        assertTrue(error.getMessage().contains("custom marker pattern"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MarkerFinder.of(Set.of(), null));
    }

    @Test
    void dialectNamesParseAndUnknownNamesAreExplained() {
        assertEquals(MarkerDialect.MIMIC_NOTES, MarkerDialect.fromName(" MIMIC_notes "));
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> MarkerDialect.fromName("mimic"));
        assertTrue(error.getMessage().contains("mimic-cxr, mimic-notes"), error.getMessage());
    }
}
