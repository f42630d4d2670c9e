package io.memaudit.bench;

import io.memaudit.synthetic.SyntheticReports;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** At least {@code minimumBytes} of synthetic MIMIC-CXR-style report text (UTF-8), the same for every benchmark. */
final class ReportCorpus {
    static final long DEFAULT_BYTES = 50L << 20;
    private static final long SEED = 20250207L;

    final List<String> reports = new ArrayList<>();
    final long bytes;

    ReportCorpus(final long minimumBytes) {
        long total = 0;
        long seed = SEED;
        while (total < minimumBytes) {
            for (final SyntheticReports.Report report : SyntheticReports.generate(10_000, 0.19, seed++)) {
                reports.add(report.text());
                total += report.text().getBytes(StandardCharsets.UTF_8).length;
            }
        }
        this.bytes = total;
    }
}
