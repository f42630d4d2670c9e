package io.memaudit.synthetic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One finding drawn into a synthetic chest radiograph and named in its caption: what it is, where (the patient's side or
 * lobe; the patient's right is on the image's left, as on a radiograph) and how severe.
 *
 * <p>Text form, as in the {@code findings} column of {@code captions.csv}: {@code kind:site:grade}, e.g.
 * {@code effusion:right:moderate}, {@code opacity:left-lower:small}, {@code tube:midline:none}.
 */
public record Finding(Kind kind, Site site, Grade grade) {

    /** What the finding is. */
    public enum Kind {
        EFFUSION, CARDIOMEGALY, OPACITY, PNEUMOTHORAX, TUBE;

        /** The sites this kind can have. */
        List<Site> sites() {
            return switch (this) {
                case EFFUSION -> List.of(Site.RIGHT, Site.LEFT, Site.BILATERAL);
                case CARDIOMEGALY -> List.of(Site.MIDLINE);
                case OPACITY -> List.of(Site.RIGHT_UPPER, Site.RIGHT_LOWER, Site.LEFT_UPPER, Site.LEFT_LOWER);
                case PNEUMOTHORAX -> List.of(Site.RIGHT, Site.LEFT);
                // midline: endotracheal tube; right or left: internal jugular central venous catheter
                case TUBE -> List.of(Site.MIDLINE, Site.RIGHT, Site.LEFT);
            };
        }

        /** The grades this kind can have (a tube has none). */
        List<Grade> grades() {
            return this == TUBE ? List.of(Grade.NONE) : List.of(Grade.SMALL, Grade.MODERATE, Grade.LARGE);
        }
    }

    /** Where the finding is, from the patient's point of view. */
    public enum Site {
        RIGHT, LEFT, BILATERAL, MIDLINE, RIGHT_UPPER, RIGHT_LOWER, LEFT_UPPER, LEFT_LOWER;

        /** True when the finding involves the patient's right side. */
        boolean right() {
            return this == RIGHT || this == BILATERAL || this == RIGHT_UPPER || this == RIGHT_LOWER;
        }

        /** True when the finding involves the patient's left side. */
        boolean left() {
            return this == LEFT || this == BILATERAL || this == LEFT_UPPER || this == LEFT_LOWER;
        }

        boolean upper() {
            return this == RIGHT_UPPER || this == LEFT_UPPER;
        }
    }

    /** How severe: small, moderate, large (cardiomegaly: mild, moderate, severe); none for tubes. */
    public enum Grade {
        NONE, SMALL, MODERATE, LARGE;

        /** 1, 2 or 3 (0 for none). */
        int level() {
            return ordinal();
        }
    }

    public Finding {
        if (kind == null || site == null || grade == null) {
            throw new IllegalArgumentException("A finding needs a kind, a site and a grade: " + kind + ", " + site + ", " + grade);
        }
        if (!kind.sites().contains(site)) {
            throw new IllegalArgumentException("A finding of kind " + name(kind) + " cannot be at site " + name(site)
                    + "; sites: " + kind.sites().stream().map(Finding::name).toList());
        }
        if (!kind.grades().contains(grade)) {
            throw new IllegalArgumentException("A finding of kind " + name(kind) + " cannot have grade " + name(grade)
                    + "; grades: " + kind.grades().stream().map(Finding::name).toList());
        }
    }

    /** {@code kind:site:grade} in lower case, e.g. {@code opacity:left-lower:small}. */
    @Override
    public String toString() {
        return name(kind) + ":" + name(site) + ":" + name(grade);
    }

    /** Parses {@link #toString()}'s form. */
    public static Finding parse(final String text) {
        final String[] parts = text.trim().split(":");
        if (parts.length != 3) {
            throw new IllegalArgumentException("Finding '" + text + "' must be kind:site:grade, e.g. effusion:right:moderate");
        }
        return new Finding(value(Kind.class, parts[0], text), value(Site.class, parts[1], text), value(Grade.class, parts[2], text));
    }

    /** Findings joined with {@code ;} (the empty string for a normal study). */
    public static String format(final List<Finding> findings) {
        return String.join(";", findings.stream().map(Finding::toString).toList());
    }

    /** Parses {@link #format(List)}'s form. */
    public static List<Finding> parseAll(final String text) {
        final List<Finding> findings = new ArrayList<>();
        for (final String part : text.split(";")) {
            if (!part.isBlank()) {
                findings.add(parse(part));
            }
        }
        return List.copyOf(findings);
    }

    private static String name(final Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static <E extends Enum<E>> E value(final Class<E> type, final String name, final String text) {
        return Arrays.stream(type.getEnumConstants()).filter(constant -> name(constant).equals(name.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Finding '" + text + "': unknown " + type.getSimpleName()
                        .toLowerCase(Locale.ROOT) + " '" + name + "'"));
    }
}
