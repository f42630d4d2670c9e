package io.memaudit.synthetic;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Seeded MIMIC-CXR impressions as JSON Lines records: one to three short sentences a record (about 100–200 bytes of JSON a
 * record with its ids) and about 1.2 {@code ___} markers a record, the prompts that RadEdit-style training actually uses.
 * Every sentence comes from templates written for this project. The same seed and size always give the same bytes; the
 * short-record benchmarks (memaudit-benchmarks' {@code ShortRecords}, the NiFi {@code RecordFloorBenchmark}) read them.
 */
public final class SyntheticImpressions {
    /** Seed of the benchmark files (the CLI, JMH and NiFi benchmarks all use it). */
    public static final long BENCHMARK_SEED = 20261202L;

    /** Sentences with a slot for a marker ({@code %s}): the slot holds {@code ___} or, when no marker falls there, a word. */
    private static final String[][] WITH_SLOT = {
            {"Interval improvement in right lower lobe opacity since %s.", "the prior study"},
            {"Small left pleural effusion, unchanged from %s.", "the prior exam"},
            {"Findings were discussed with Dr. %s by telephone.", "Smith"},
            {"Endotracheal tube ends %s cm above the carina.", "4"},
            {"Compared to %s, new mild pulmonary edema.", "yesterday"},
            {"Right PICC tip in the %s.", "distal SVC"},
            {"Stable appearance of the chest since %s.", "the last radiograph"},
            {"No pneumothorax after %s removal.", "chest tube"},
            {"Persistent retrocardiac opacity, %s atelectasis.", "likely"},
            {"Nasogastric tube terminates in the %s.", "stomach"},
    };
    private static final String[] PLAIN = {
            "No acute cardiopulmonary process.",
            "Mild cardiomegaly without pulmonary edema.",
            "Patchy left basilar opacity, likely atelectasis; infection not excluded.",
            "Low lung volumes with bibasilar atelectasis.",
            "No focal consolidation.",
            "Moderate hiatal hernia.",
            "Lines and tubes as described.",
            "Hyperinflated lungs consistent with COPD.",
    };
    /** Chance that a sentence's slot holds a marker; 2 sentences a record on average, 76% of them slotted: about 1.2 markers a record. */
    private static final double MARKER_IN_SLOT = 0.79;
    private static final double SLOTTED_SENTENCE = 0.76;

    private SyntheticImpressions() {
    }

    /** The {@code index}-th record's JSON line (without its line feed), drawing from {@code random}. */
    private static String record(final SplittableRandom random, final long index) {
        final int sentences = 1 + random.nextInt(3);
        final StringBuilder text = new StringBuilder(160);
        for (int i = 0; i < sentences; i++) {
            if (i > 0) {
                text.append(' ');
            }
            if (random.nextDouble() < SLOTTED_SENTENCE) {
                final String[] sentence = WITH_SLOT[random.nextInt(WITH_SLOT.length)];
                text.append(String.format(Locale.ROOT, sentence[0], random.nextDouble() < MARKER_IN_SLOT ? "___" : sentence[1]));
            } else {
                text.append(PLAIN[random.nextInt(PLAIN.length)]);
            }
        }
        return "{\"subject_id\":" + (10_000_000 + index) + ",\"study_id\":\"s" + (50_000_000 + index) + "\",\"prompt\":\""
                + text + "\"}";
    }

    /** The first records up to {@code minimumBytes} (UTF-8, line feeds included), in memory, for in-memory benchmarks. */
    public static List<String> lines(final long minimumBytes, final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final List<String> lines = new ArrayList<>();
        long bytes = 0;
        for (long index = 0; bytes < minimumBytes; index++) {
            final String line = record(random, index);
            lines.add(line);
            bytes += line.length() + 1;
        }
        return lines;
    }

    /** Writes at least {@code minimumBytes} of records to {@code file}; returns the record count. */
    public static long write(final Path file, final long minimumBytes, final long seed) throws IOException {
        final SplittableRandom random = new SplittableRandom(seed);
        long bytes = 0;
        long index = 0;
        try (Writer writer = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16)) {
            for (; bytes < minimumBytes; index++) {
                final String line = record(random, index);
                writer.write(line);
                writer.write('\n');
                bytes += line.length() + 1;
            }
        }
        return index;
    }
}
