package io.memaudit.core.markers;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Realistic, randomly drawn stand-ins for each {@link MarkerKind} ("hiding in plain sight"). Every value is invented: the
 * names are common surnames and given names, the places fictional towns, the dates, times, ages and numbers random.
 */
final class Surrogates {
    private static final List<String> SURNAMES = List.of("Smith", "Johnson", "Lee", "Patel", "Garcia", "Nguyen", "Kim",
            "Brown", "Miller", "Davis", "Wilson", "Moore", "Taylor", "Anderson", "Thomas", "Jackson", "White", "Harris",
            "Martin", "Thompson", "Martinez", "Robinson", "Clark", "Lewis", "Walker", "Young", "Allen", "King", "Wright",
            "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips",
            "Chen", "Singh", "Cohen", "Murphy", "Rossi", "Novak", "Okafor", "Haddad", "Schmidt", "Silva");
    private static final List<String> GIVEN_NAMES = List.of("Alex", "Maria", "James", "Priya", "Wei", "Fatima", "John",
            "Sarah", "David", "Aisha", "Michael", "Elena", "Robert", "Mei", "Daniel", "Laura", "Omar", "Grace", "Samuel",
            "Ana", "Thomas", "Nadia", "Peter", "Yuki", "Carlos", "Hannah", "Ivan", "Leila", "Paul", "Rosa");
    private static final List<String> PLACES = List.of("Riverside", "Lakeview", "Fairmont", "Brookfield", "Cedar Grove",
            "Maple Hill", "Westbrook", "Oakridge", "Pine Valley", "Stonebridge", "Harbor City", "Elmwood", "Silver Lake",
            "Northgate", "Ashford", "Glenview", "Bayside", "Kingsley", "Willow Creek", "Redfield");

    private Surrogates() {
    }

    /**
     * A surrogate for a marker of {@code kind} at [start, end) of {@code text}, or {@code null} for {@link MarkerKind#UNKNOWN}
     * (the caller then falls back to a random tag).
     */
    static String draw(final MarkerKind kind, final SplittableRandom random, final String text, final int start, final int end) {
        return switch (kind) {
            case NAME -> MarkerContext.followsTitle(text, start)
                    ? pick(SURNAMES, random)
                    : pick(GIVEN_NAMES, random) + " " + pick(SURNAMES, random);
            case DATE -> (1 + random.nextInt(12)) + "/" + (1 + random.nextInt(28)) + "/" + (2008 + random.nextInt(16));
            case TIME -> MarkerContext.followedByMeridiem(text, end)
                    ? (1 + random.nextInt(12)) + ":" + twoDigits(random.nextInt(60))
                    : twoDigits(random.nextInt(24)) + ":" + twoDigits(random.nextInt(60));
            case AGE -> Integer.toString(18 + random.nextInt(78));
            case PLACE -> MarkerContext.followedByPlaceWord(text, end)
                    ? pick(PLACES, random)
                    : pick(PLACES, random) + " General Hospital";
            case IDENTIFIER -> Integer.toString(1_000_000 + random.nextInt(9_000_000));
            case UNKNOWN -> null;
        };
    }

    private static String pick(final List<String> values, final SplittableRandom random) {
        return values.get(random.nextInt(values.size()));
    }

    private static String twoDigits(final int value) {
        return value < 10 ? "0" + value : Integer.toString(value);
    }
}
