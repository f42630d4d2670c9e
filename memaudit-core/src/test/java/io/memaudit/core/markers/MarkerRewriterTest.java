package io.memaudit.core.markers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class MarkerRewriterTest {

    private static MarkerRewriter rewriter(final MarkerStrategy strategy) {
        return MarkerRewriter.builder().strategy(strategy).seed(42L).build();
    }

    /** The text with every replacement put back as the original marker, i.e. the input if nothing else changed. */
    private static String restore(final String input, final RewriteResult result) {
        final StringBuilder restored = new StringBuilder();
        int outputPosition = 0;
        int inputPosition = 0;
        for (final MarkerSpan span : result.markers()) {
            final int unchanged = span.start() - inputPosition;
            restored.append(result.text(), outputPosition, outputPosition + unchanged);
            restored.append(input, span.start(), span.end());
            outputPosition += unchanged + span.replacement().length();
            inputPosition = span.end();
        }
        restored.append(result.text(), outputPosition, result.text().length());
        return restored.toString();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = MarkerStrategy.class, names = {"RANDOM_TAG", "TYPED_SURROGATE", "FIXED"})
    void everythingOutsideTheMarkersIsPreservedExactly(final MarkerStrategy strategy) {
        final String input = "Ünïcode café — Dr.___ saw the ___-year-old (___) on ___,___;\r\n"
                + "\"___\" 'quoted' file_name a_b ___.\r\nEnd ___";
        final RewriteResult result = rewriter(strategy).rewrite(input);
        assertEquals(8, result.markerCount());
        assertEquals(input, restore(input, result));
        assertTrue(result.text().contains("file_name a_b"));
        assertTrue(result.text().contains("\r\n"));
        assertTrue(!result.text().contains("___"), result.text());
    }

    @Test
    void textWithoutMarkersIsReturnedAsTheSameInstance() {
        final String input = "No acute cardiopulmonary process. file_name __ a_b";
        final RewriteResult result = rewriter(MarkerStrategy.RANDOM_TAG).rewrite(input);
        assertSame(input, result.text());
        assertEquals(0, result.markerCount());
    }

    @Test
    void randomTagsAreDrawnFromTheAlphabetWithTheConfiguredLength() {
        final MarkerRewriter rewriter = MarkerRewriter.builder().tagAlphabet("ab").tagLength(9).seed(3L).build();
        final RewriteResult result = rewriter.rewrite("x ___ y ___ z");
        for (final MarkerSpan span : result.markers()) {
            assertTrue(span.replacement().matches("[ab]{9}"), span.replacement());
        }
        assertNotEquals(result.markers().get(0).replacement(), result.markers().get(1).replacement());
    }

    @Test
    void randomTagsAreDiverseOverALargeDataset() {
        final MarkerRewriter rewriter = rewriter(MarkerStrategy.RANDOM_TAG);
        final Map<String, Integer> frequency = new HashMap<>();
        int markers = 0;
        for (int record = 0; record < 20_000; record++) {
            final RewriteResult result = rewriter.rewrite("Comparison: ___. Dr. ___ notified.", "record-" + record);
            for (final MarkerSpan span : result.markers()) {
                frequency.merge(span.replacement(), 1, Integer::sum);
                markers++;
            }
        }
        final int mostFrequent = Collections.max(frequency.values());
        assertEquals(40_000, markers);
        assertTrue(mostFrequent <= 3, "most frequent tag appeared " + mostFrequent + " times in " + markers);
    }

    @Test
    void typedSurrogatesLookLikeWhatTheyReplace() {
        final MarkerRewriter rewriter = rewriter(MarkerStrategy.TYPED_SURROGATE);
        final RewriteResult result = rewriter.rewrite(
                "___-year-old. Discussed with Dr. ___ at ___ a.m. on ___. MRN ___. From ___ Hospital.");
        final List<String> replacements = result.markers().stream().map(MarkerSpan::replacement).toList();
        assertEquals(List.of(MarkerKind.AGE, MarkerKind.NAME, MarkerKind.TIME, MarkerKind.DATE, MarkerKind.IDENTIFIER,
                MarkerKind.PLACE), result.markers().stream().map(MarkerSpan::kind).toList());
        assertTrue(replacements.get(0).matches("\\d{2}"), replacements.get(0));
        assertTrue(replacements.get(1).matches("[A-Z][a-z]+"), replacements.get(1));
        assertTrue(replacements.get(2).matches("\\d{1,2}:\\d{2}"), replacements.get(2));
        assertTrue(replacements.get(3).matches("\\d{1,2}/\\d{1,2}/20\\d{2}"), replacements.get(3));
        assertTrue(replacements.get(4).matches("\\d{7}"), replacements.get(4));
        assertTrue(replacements.get(5).matches("[A-Z][a-z]+( [A-Z][a-z]+)?"), replacements.get(5));
    }

    @Test
    void typedSurrogateFallsBackToARandomTagWhenTheKindIsUnknown() {
        final RewriteResult result = rewriter(MarkerStrategy.TYPED_SURROGATE).rewrite("There is ___ noted.");
        assertEquals(MarkerKind.UNKNOWN, result.markers().get(0).kind());
        assertTrue(result.markers().get(0).replacement().matches("[A-Z0-9]{6}"));
    }

    @Test
    void fixedReplacesEveryMarkerWithTheGivenString() {
        final MarkerRewriter rewriter = MarkerRewriter.builder().strategy(MarkerStrategy.FIXED).fixedReplacement("[PHI]").build();
        assertEquals("Dr.[PHI] on [PHI], ([PHI])", rewriter.rewrite("Dr.___ on ___, (___)").text());
    }

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "Comparison to ___.|Comparison to.",
            "COMPARISON: ___.|COMPARISON.",
            "Dr. ___ was notified.|Dr. was notified.",
            "Dr.___ was notified.|Dr. was notified.",
            "The ___-year-old man.|The year-old man.",
            "Seen on the film (___) today.|Seen on the film today.",
            "Study ___,___ and ___ reviewed.|Study, and reviewed.",
            "___, ___ and ___ were notified.|and were notified.",
            "Quote \"___\" here.|Quote here.",
            "___ at start|at start",
            "at end ___|at end",
            "a  ___  b|a  b",
            "`   ___`|``",
    })
    void removeDeletesTheMarkerAndTidiesWhatItLeaves(final String input, final String expected) {
        assertEquals(expected, rewriter(MarkerStrategy.REMOVE).rewrite(input).text());
    }

    @Test
    void removeKeepsLineBreaksAndTheRestOfTheLine() {
        assertEquals("COMPARISON:\r\nIMPRESSION: stable.\r\n",
                rewriter(MarkerStrategy.REMOVE).rewrite("COMPARISON: ___\r\nIMPRESSION: stable.\r\n").text());
    }

    @Test
    void sameSeedSameRecordGivesTheSameOutputWhateverTheOrderAndThreadCount() throws Exception {
        final MarkerRewriter rewriter = rewriter(MarkerStrategy.TYPED_SURROGATE);
        final List<String> texts = IntStream.range(0, 2_000)
                .mapToObj(i -> "Report " + i + ": compared to ___, discussed with Dr. ___ at ___.").toList();
        final List<String> sequential = texts.stream().map(text -> rewriter.rewrite(text, null).text()).toList();

        final List<Integer> shuffledOrder = new ArrayList<>(IntStream.range(0, texts.size()).boxed().toList());
        Collections.shuffle(shuffledOrder, new java.util.Random(7));
        final String[] parallel = new String[texts.size()];
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            final List<Future<?>> futures = new ArrayList<>();
            for (final int index : shuffledOrder) {
                futures.add(pool.submit(() -> parallel[index] = rewriter.rewrite(texts.get(index), null).text()));
            }
            for (final Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(sequential, List.of(parallel));
        assertEquals(sequential, texts.parallelStream().map(text -> rewriter.rewrite(text).text()).toList());
    }

    @Test
    void differentSeedsAndRecordKeysGiveDifferentOutputs() {
        final String text = "Comparison: ___. Dr. ___ notified.";
        final MarkerRewriter first = MarkerRewriter.builder().seed(1L).build();
        final MarkerRewriter second = MarkerRewriter.builder().seed(2L).build();
        assertEquals(first.rewrite(text, "a").text(), first.rewrite(text, "a").text());
        assertNotEquals(first.rewrite(text, "a").text(), second.rewrite(text, "a").text());
        assertNotEquals(first.rewrite(text, "a").text(), first.rewrite(text, "b").text());
    }

    @Test
    void withoutASeedEveryCallDrawsFreshRandomness() {
        final MarkerRewriter rewriter = MarkerRewriter.builder().build();
        final String text = "Dr. ___ on ___ at ___ in ___.";
        assertNotEquals(rewriter.rewrite(text).text(), rewriter.rewrite(text).text());
    }

    @Test
    void seededOutputIsStableAcrossReleases() {
        // Guards reproducibility promised to users: changing the derivation silently would change published datasets.
        assertEquals("Comparison: 6HPOON. Dr. OC2KFQ notified.",
                MarkerRewriter.builder().seed(1234L).build().rewrite("Comparison: ___. Dr. ___ notified.", "key").text());
    }

    @Test
    void customPatternAndBuiltInDialectsWorkTogether() {
        final MarkerRewriter rewriter = MarkerRewriter.builder()
                .dialects(EnumSet.of(MarkerDialect.OPEN_I, MarkerDialect.TAGS))
                .customPattern(Pattern.compile("\\?\\?\\?"))
                .strategy(MarkerStrategy.FIXED).fixedReplacement("#")
                .build();
        assertEquals("# and # and # but ___", rewriter.rewrite("XXXX and <PERSON> and ??? but ___").text());
    }

    @Test
    void badOptionsAreRejectedWithTheValueNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MarkerRewriter.builder().tagLength(0))
                .getMessage().contains("0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MarkerRewriter.builder().tagAlphabet("AB_"))
                .getMessage().contains("'_'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MarkerRewriter.builder().tagAlphabet("aaa"))
                .getMessage().contains("two distinct"));
    }

    @Test
    void aMultiMegabyteRecordIsRewrittenCompletely() {
        final String chunk = "Compared to ___, no change. ";
        final String input = chunk.repeat(200_000);
        final RewriteResult result = rewriter(MarkerStrategy.RANDOM_TAG).rewrite(input);
        assertEquals(200_000, result.markerCount());
        assertEquals(input.length() + 200_000 * 3, result.text().length());
    }

    @Test
    void lookAlikeMarkersAreReplacedAndEveryCharacterOutsideThemIsKept() {
        final MarkerRewriter rewriter = MarkerRewriter.builder()
                .dialects(EnumSet.of(MarkerDialect.MIMIC_CXR, MarkerDialect.MIMIC_NOTES))
                .strategy(MarkerStrategy.FIXED).fixedReplacement("<X>").build();
        final String text = "\u200BDr. \uFF3F\uFF3F\uFF3F saw _\u200D_\u2060_\uFEFF on [\u00A0**Date**\u00A0]\u00A0\u200B.";
        final RewriteResult result = rewriter.rewrite(text);
        assertEquals("\u200BDr. <X> saw <X>\uFEFF on <X>\u00A0\u200B.", result.text());
        assertEquals(3, result.markerCount());
    }
}
