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

    @Test
    void underscoreLookAlikesAndInvisibleCharactersInsideARunAreOneMimicCxrMarker() {
        final MarkerFinder finder = finder(MarkerDialect.MIMIC_CXR);
        assertEquals(List.of("mimic-cxr:\uFF3F\uFF3F\uFF3F"), markers(finder, "Dr. \uFF3F\uFF3F\uFF3F saw it"));
        for (final char invisible : new char[] {'\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD'}) {
            final String marker = "_" + invisible + "_" + invisible + "_";
            assertEquals(List.of("mimic-cxr:" + marker), markers(finder, "Seen on " + marker + ", stable."),
                    "U+" + Integer.toHexString(invisible));
        }
        assertEquals(List.of("mimic-cxr:_\uFF3F\u2017\uFE4D"), markers(finder, "a _\uFF3F\u2017\uFE4D b"));
    }

    @Test
    void invisibleCharactersAroundShortRunsDoNotMakeAMarker() {
        final MarkerFinder finder = finder(MarkerDialect.MIMIC_CXR);
        assertEquals(List.of(), markers(finder, "a_\u200B_b \u200B__\u200B \uFF3F\uFF3F"));
        assertEquals(List.of("mimic-cxr:___"), markers(finder, "\u200B___\u200B"));
    }

    @Test
    void noteMarkersWithNoBreakSpacesAndLookAlikeAsterisksAreFound() {
        final MarkerFinder finder = finder(MarkerDialect.MIMIC_NOTES);
        assertEquals(List.of("mimic-notes:[\u00A0**Name**\u00A0]"), markers(finder, "Dr. [\u00A0**Name**\u00A0] came"));
        assertEquals(List.of("mimic-notes:[**\u00A0Name\u00A0**]"), markers(finder, "Dr. [**\u00A0Name\u00A0**] came"));
        assertEquals(List.of("mimic-notes:[*\u200B*2151-10-3*\u200B*]"), markers(finder, "on [*\u200B*2151-10-3*\u200B*]."));
        assertEquals(List.of("mimic-notes:\uFF3B\uFF0A\uFF0AName\uFF0A\uFF0A\uFF3D"),
                markers(finder, "Dr. \uFF3B\uFF0A\uFF0AName\uFF0A\uFF0A\uFF3D came"));
        assertEquals(List.of(), markers(finder, "[*\u00A0*x**] [* *y* *] [**\u00A0\nz**]"));
    }

    @Test
    void openILookAlikeCapitalXRunsAreFound() {
        final MarkerFinder finder = finder(MarkerDialect.OPEN_I);
        assertEquals(List.of("open-i:\uFF38\uFF38\uFF38\uFF38", "open-i:X\u0425X\u03A7", "open-i:XX\u200BXX"),
                markers(finder, "Comparison \uFF38\uFF38\uFF38\uFF38, X\u0425X\u03A7 and XX\u200BXX."));
        assertEquals(List.of(), markers(finder, "A\u200BXXXX"));
    }

    @Test
    void aCustomPatternWithCatastrophicBacktrackingFailsTheTextInsteadOfHanging() {
        // the JDK memoizes (a+)+$ since Java 9; one more nesting level is still exponential (2 s at 20 characters)
        final MarkerFinder finder = MarkerFinder.of(Set.of(), Pattern.compile("((a+)+)+b"));
        final String text = "a".repeat(64) + "!";
        final MarkerScanLimitException failure = assertThrows(MarkerScanLimitException.class, () -> finder.count(text));
        assertTrue(failure.getMessage().contains("65 characters"), failure.getMessage());
        assertTrue(failure.getMessage().contains("(a+)+"), failure.getMessage());
        assertEquals(1, finder.count("a".repeat(64) + "b"), "the same pattern still works where it does not backtrack");
    }

    @Test
    void theClassicCatastrophicPatternOnALongTextFailsTheTextInsteadOfRunningForMinutes() {
        // memoized, (a+)+$ is still quadratic under find(): 2 * 10^8 reads here, over the budget of 6 * 10^6
        final MarkerFinder finder = MarkerFinder.of(Set.of(), Pattern.compile("(a+)+$"));
        final String text = "a".repeat(20_000) + "b";
        assertThrows(MarkerScanLimitException.class, () -> finder.count(text));
        assertEquals(1, finder.count("b " + "a".repeat(200)), "a short text stays well inside the budget");
    }

    @Test
    void aCustomPatternThatRecursesTooDeeplyFailsTheTextInsteadOfKillingTheThread() {
        final MarkerFinder finder = MarkerFinder.of(Set.of(), Pattern.compile("(a|b)*c"));
        final String text = "ab".repeat(500_000) + "c";
        final MarkerScanLimitException failure = assertThrows(MarkerScanLimitException.class, () -> finder.count(text));
        assertTrue(failure.getMessage().contains("recursed too deeply"), failure.getMessage());
    }

    @Test
    void theScanLimitMessageNeverQuotesTheText() {
        final MarkerFinder finder = MarkerFinder.of(Set.of(), Pattern.compile("(([\\w ]+)+)+[0-9]"));
        final String text = "Patient John Smith seen on Tuesday with a right sided effusion and more words here!";
        final MarkerScanLimitException failure = assertThrows(MarkerScanLimitException.class, () -> finder.count(text));
        for (final String word : List.of("Patient", "John", "Smith", "Tuesday", "effusion")) {
            assertTrue(!failure.getMessage().contains(word), word);
        }
    }
}
