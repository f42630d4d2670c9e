package io.memaudit.core.markers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MarkerContextTest {
    private static final MarkerRewriter REWRITER = MarkerRewriter.builder()
            .dialects(EnumSet.of(MarkerDialect.MIMIC_CXR, MarkerDialect.MIMIC_NOTES, MarkerDialect.TAGS))
            .strategy(MarkerStrategy.TYPED_SURROGATE)
            .seed(1L)
            .build();

    private static List<MarkerKind> kinds(final String text) {
        return REWRITER.rewrite(text).markers().stream().map(MarkerSpan::kind).toList();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Findings discussed with Dr. ___ by telephone.|NAME",
            "Dr.___ was paged.|NAME",
            "Read by ___.|NAME",
            "Findings were communicated to ___ at 10am.|NAME",
            "Comparison is made to the study from ___.|DATE",
            "COMPARISON: ___|DATE",
            "Unchanged since ___.|DATE",
            "Compared to ___, the effusion is larger.|DATE",
            "Seen on ___.|DATE",
            "Called at ___ a.m.|TIME",
            "Reported at ___ on the day of the study.|TIME",
            "___-year-old man with cough.|AGE",
            "___ year old woman.|AGE",
            "Patient is ___ yo.|AGE",
            "Transferred from ___ for evaluation.|PLACE",
            "Outside films from ___ Hospital.|PLACE",
            "MRN ___.|IDENTIFIER",
            "Accession # ___|IDENTIFIER",
            "There is ___ noted.|UNKNOWN",
            "[**Last Name (NamePattern1) **] reviewed it.|NAME",
            "on [**2151-10-3**]|DATE",
            "at [**Hospital1 18**]|PLACE",
            "[**Age over 90 **] year old|AGE",
            "call [**Telephone/Fax (1) 123**]|IDENTIFIER",
            "<PERSON> signed on <DATE_TIME>|NAME",
            "per [REDACTED] on|NAME",
    })
    void firstMarkerKindIsInferredFromTheMarkerAndItsContext(final String text, final MarkerKind expected) {
        assertEquals(expected, kinds(text).get(0));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Dr. ___ ___ was notified.|NAME,NAME",
            "Discussed with ___ at ___ on ___.|NAME,TIME,DATE",
            "<PERSON> signed on <DATE_TIME> at <LOCATION>|NAME,DATE,PLACE",
            "Similar to ___ and ___.|DATE,DATE",
            "Radiographs from ___, ___ and ___.|DATE,DATE,DATE",
            "Seen on ___. ___ reviewed it.|DATE,UNKNOWN",
    })
    void everyMarkerGetsItsOwnKind(final String text, final String expected) {
        assertEquals(List.of(expected.split(",")), kinds(text).stream().map(Enum::name).toList());
    }
}
