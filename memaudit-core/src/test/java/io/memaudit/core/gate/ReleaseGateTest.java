package io.memaudit.core.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.memaudit.core.markers.MarkerDialect;
import io.memaudit.core.markers.MarkerFinder;
import io.memaudit.core.provenance.Provenance;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The release gate's policy: what approves, what rejects, and that nothing unscored is ever approved. */
class ReleaseGateTest {
    private static final MarkerFinder MARKERS = MarkerFinder.of(EnumSet.of(MarkerDialect.MIMIC_CXR, MarkerDialect.MIMIC_NOTES), null);

    private static ReleaseGate gate(final double fraction, final UnscoredRecords unscored) {
        return new ReleaseGate(new GatePolicy(0.5, fraction, null, true, 1, unscored), MARKERS, "/dmem");
    }

    private static void addClean(final ReleaseGate.Evaluation evaluation, final int count) {
        for (int i = 0; i < count; i++) {
            evaluation.add(0.1, null, null, null, () -> "Clear lungs.");
        }
    }

    @Test
    void aCleanDatasetIsApproved() {
        final ReleaseGate.Evaluation evaluation = gate(0.01, UnscoredRecords.REJECT).start();
        addClean(evaluation, 10);
        final GateDecision decision = evaluation.decide();
        assertTrue(decision.approved(), decision.reasonLine());
        assertEquals("", decision.reasonLine());
        assertEquals(0.1, decision.counts().maxScore());
    }

    @Test
    void tooManyMemorizedRecordsReject() {
        final ReleaseGate.Evaluation evaluation = gate(0.01, UnscoredRecords.REJECT).start();
        addClean(evaluation, 3);
        evaluation.add(0.9, null, null, null, () -> "Clear lungs.");
        final GateDecision decision = evaluation.decide();
        assertEquals(GateDecision.Outcome.REJECTED, decision.outcome());
        assertTrue(decision.reasonLine().contains("memorized fraction 0.2500 exceeds 0.0100 (1 of 4 scored records)"),
                decision.reasonLine());
    }

    @Test
    void aNanOrInfiniteScoreOrAScoreErrorIsAFailedRecordAndRejects() {
        for (final Double bad : new Double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            final ReleaseGate.Evaluation evaluation = gate(1.0, UnscoredRecords.REJECT).start();
            addClean(evaluation, 5);
            evaluation.add(bad, null, null, null, () -> null);
            final GateDecision decision = evaluation.decide();
            assertEquals(GateDecision.Outcome.REJECTED, decision.outcome(), "score " + bad);
            assertEquals(1, decision.counts().failed());
            assertTrue(decision.reasonLine().contains("1 of 6 records were not scored (1 failed"), decision.reasonLine());
        }
        final ReleaseGate.Evaluation evaluation = gate(1.0, UnscoredRecords.REJECT).start();
        addClean(evaluation, 5);
        evaluation.add(0.1, "scoring failed: EngineException", null, null, () -> null);
        assertEquals(GateDecision.Outcome.REJECTED, evaluation.decide().outcome(), "an error wins over a value");
        assertEquals(5, evaluation.counts().scored());
    }

    @Test
    void aMissingScoreRejectsByDefaultAndIsHeldWhenThePolicySaysSo() {
        final ReleaseGate.Evaluation rejecting = gate(1.0, UnscoredRecords.REJECT).start();
        addClean(rejecting, 5);
        rejecting.add(null, null, null, null, () -> "Clear lungs.");
        assertEquals(GateDecision.Outcome.REJECTED, rejecting.decide().outcome());
        assertEquals(1, rejecting.counts().unscored());

        final ReleaseGate.Evaluation holding = gate(1.0, UnscoredRecords.HOLD).start();
        addClean(holding, 5);
        holding.add(null, null, null, null, () -> "Clear lungs.");
        assertEquals(GateDecision.Outcome.HELD, holding.decide().outcome());
        assertFalse(holding.decide().approved());
    }

    @Test
    void aHoldingPolicyStillRejectsWhenAnotherRuleBreaks() {
        final ReleaseGate.Evaluation evaluation = gate(0.01, UnscoredRecords.HOLD).start();
        addClean(evaluation, 3);
        evaluation.add(Double.NaN, null, null, null, () -> null);
        evaluation.add(0.9, null, null, null, () -> "Clear lungs.");
        final GateDecision decision = evaluation.decide();
        assertEquals(GateDecision.Outcome.REJECTED, decision.outcome());
        assertEquals(2, decision.reasons().size(), decision.reasonLine());
    }

    @Test
    void aDatasetWithoutAnyScoreOrWithoutRecordsIsRejectedSayingWhy() {
        final ReleaseGate.Evaluation noScores = gate(1.0, UnscoredRecords.HOLD).start();
        noScores.add(null, null, null, null, () -> "Clear lungs.");
        noScores.add(Double.NaN, null, null, null, () -> "Clear lungs.");
        final GateDecision decision = noScores.decide();
        assertEquals(GateDecision.Outcome.REJECTED, decision.outcome(), "no score at all is never merely held");
        assertTrue(decision.reasonLine().startsWith("no record has a usable score in /dmem (1 failed"), decision.reasonLine());
        assertTrue(Double.isNaN(decision.counts().maxScore()));
        assertFalse(decision.counts().hasMaximum());

        final GateDecision empty = gate(1.0, UnscoredRecords.REJECT).start().decide();
        assertEquals(GateDecision.Outcome.REJECTED, empty.outcome());
        assertEquals("the dataset has no records", empty.reasonLine());
    }

    @Test
    void theMarkerRuleFollowsTheRankWhereKnownAndThePresenceOtherwise() {
        final ReleaseGate gate = new ReleaseGate(new GatePolicy(0.5, 1.0, null, true, 2, UnscoredRecords.REJECT), MARKERS, "/dmem");
        final ReleaseGate.Evaluation ranked = gate.start();
        ranked.add(0.9, null, 3.0, null, () -> {
            throw new AssertionError("the text is not read when the rank is known");
        });
        assertTrue(ranked.decide().approved(), ranked.decide().reasonLine());
        final ReleaseGate.Evaluation top = gate.start();
        top.add(0.9, null, 2.0, null, () -> "no marker here");
        assertTrue(top.decide().reasonLine().contains("1 of 1 judged by token significance, marker rank <= 2"));
        final ReleaseGate.Evaluation present = gate.start();
        present.add(0.9, null, null, null, () -> "Compared to ___, new opacity.");
        present.add(0.9, null, -1.0, null, () -> "No marker.");
        assertEquals(1, present.counts().memorizedWithMarkers());
        assertEquals(GateDecision.Outcome.REJECTED, present.decide().outcome());
    }

    @Test
    void screenedOutRecordsCountAsDecidedOnlyWhenAScreeningScoreIsGiven() {
        final ReleaseGate.Evaluation evaluation = gate(0.01, UnscoredRecords.REJECT).start();
        addClean(evaluation, 2);
        evaluation.add(null, null, null, 0.2, () -> "Clear lungs.");
        evaluation.add(null, null, null, Double.NaN, () -> "Clear lungs.");
        assertEquals(1, evaluation.counts().screenedOut());
        assertEquals(1, evaluation.counts().unscored());
        assertEquals(GateDecision.Outcome.REJECTED, evaluation.decide().outcome());
    }

    @Test
    void theReportIsValidJsonWithoutNanOrText() throws Exception {
        final ReleaseGate.Evaluation evaluation = gate(0.01, UnscoredRecords.REJECT).start();
        evaluation.add(Double.NaN, null, null, null, () -> "Compared to ___, new opacity.");
        final String text = evaluation.decide().toJsonText("test", "7f0c1f9a-uuid");
        assertFalse(text.matches("(?s).*[:\\[,]\\s*\"?NaN.*"), "no NaN value, bare or quoted: " + text);
        assertFalse(text.contains("opacity"), text);
        final JsonNode json = Provenance.JSON.readTree(text);
        assertEquals("rejected", json.path("decision").asText());
        assertTrue(json.path("max_score").isNull());
        assertEquals(1, json.path("failed").asInt());
        assertEquals("7f0c1f9a-uuid", json.path("dataset").asText());
        assertEquals("reject", json.path("policy").path("unscored_records").asText());
        assertFalse(Provenance.JSON.readTree(evaluation.decide().toJsonText("test", null)).has("dataset"));
    }

    private static ReleaseGate.Evaluation keyed(final Long expected, final String... keys) {
        final ReleaseGate.Evaluation evaluation = gate(0.01, UnscoredRecords.REJECT).start(new Wholeness("/image", expected));
        for (final String key : keys) {
            evaluation.add(0.1, null, null, null, () -> "Clear lungs.");
            evaluation.key(key);
        }
        return evaluation;
    }

    @Test
    void aWholeDatasetIsApprovedAndItsReportSaysWhatWasChecked() throws Exception {
        final GateDecision decision = keyed(3L, "p1/a.jpg", "p1/b.jpg", "p2/a.jpg").decide();
        assertTrue(decision.approved(), decision.reasonLine());
        final JsonNode whole = Provenance.JSON.readTree(decision.toJsonText("test", null)).path("wholeness");
        assertEquals(3, whole.path("expected_records").asInt());
        assertEquals("/image", whole.path("key_field").asText());
        assertEquals(0, whole.path("repeated_keys").asInt());
        assertTrue(Provenance.JSON.readTree(gate(0.01, UnscoredRecords.REJECT).start().decide().toJsonText("t", null))
                .path("wholeness").path("key_field").isNull(), "unchecked says so");
    }

    @Test
    void aRepeatedChunkInPlaceOfAMissingOneIsRejectedAsNotWholeThoughTheCountMatches() {
        // chunks of two records: chunk 1 arrived twice, chunk 2 never; the count is the dataset's
        final GateDecision decision = keyed(6L, "a", "b", "c", "d", "c", "d").decide();
        assertEquals(GateDecision.Outcome.REJECTED, decision.outcome());
        assertEquals("the dataset is not whole: 2 records repeat the /image of an earlier record (a repeated chunk, or a "
                + "dataset reassembled from the wrong records)", decision.reasonLine());
        assertEquals(2, decision.wholeness().repeatedKeys());
    }

    @Test
    void aDatasetWithMoreOrFewerRecordsThanExpectedOrARecordWithoutKeyIsRejected() {
        assertEquals("the dataset is not whole: 2 records read, 3 expected; a dataset is gated whole or not at all",
                keyed(3L, "a", "b").decide().reasonLine());
        assertEquals(GateDecision.Outcome.REJECTED, keyed(1L, "a", "b").decide().outcome());
        final GateDecision keyless = keyed(null, "a", "", null).decide();
        assertEquals(GateDecision.Outcome.REJECTED, keyless.outcome());
        assertEquals("2 records have no /image, so the gate cannot tell that the dataset is whole", keyless.reasonLine());
        assertTrue(keyed(null, "a", "b").decide().approved(), "keys only: no count expected");
        assertThrows(IllegalArgumentException.class, () -> new Wholeness("/image", -1L));
    }

    @Test
    void keysAreCheckedInConstantSpaceARecordAndSimilarKeysDoNotCollide() {
        final ReleaseGate.Evaluation evaluation = gate(0.01, UnscoredRecords.REJECT).start(new Wholeness("/image", 200_000L));
        for (int i = 0; i < 200_000; i++) {
            evaluation.add(0.1, null, null, null, () -> "Clear lungs.");
            evaluation.key("files/p1" + (i % 10) + "/p" + i + "/s" + (50_000_000 + i) + "/view1.jpg");
        }
        assertTrue(evaluation.decide().approved(), "200,000 distinct image paths, none counted as repeated");
    }

    @Test
    void scoresAreReadFromNumbersAndFromNumericText() {
        assertEquals(0.5, ReleaseGate.number(0.5f));
        assertEquals(0.25, ReleaseGate.number(" 0.25 "));
        assertTrue(Double.isNaN(ReleaseGate.number("NaN")));
        assertEquals(Double.POSITIVE_INFINITY, ReleaseGate.number("Infinity"));
        assertNull(ReleaseGate.number(""));
        assertNull(ReleaseGate.number("high"));
        assertNull(ReleaseGate.number(null));
        assertNull(ReleaseGate.number(true));
    }

    @Test
    void policiesOutsideTheirRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new GatePolicy(Double.NaN, 0.1, null, true, 1, UnscoredRecords.REJECT));
        assertThrows(IllegalArgumentException.class, () -> new GatePolicy(0.5, 1.5, null, true, 1, UnscoredRecords.REJECT));
        assertThrows(IllegalArgumentException.class, () -> new GatePolicy(0.5, 0.1, Double.NaN, true, 1, UnscoredRecords.REJECT));
        assertThrows(IllegalArgumentException.class, () -> new GatePolicy(0.5, 0.1, null, true, 0, UnscoredRecords.REJECT));
        assertEquals(UnscoredRecords.HOLD, UnscoredRecords.of("Hold"));
    }
}
