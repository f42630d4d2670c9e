/**
 * Reports for {@code memaudit compare} and {@code memaudit demo}: {@link io.memaudit.report.ReportDocument} (one model,
 * written as {@code report.md} and {@code report.html}), {@link io.memaudit.report.Charts} (headless, reproducible PNG
 * plots) and {@link io.memaudit.core.stats.Roc} (AUC and TPR at a fixed FPR).
 *
 * <pre>{@code
 * Path out = Path.of("memaudit-out/compare");
 * Charts.distributions(out.resolve("plots/dmem.png"), "dmem per arm", "dmem", List.of("original", "random-tag"),
 *         List.of(originalDmem, randomTagDmem));
 * new ReportDocument("memaudit compare")
 *         .heading("Memorization")
 *         .table(List.of("arm", "AUC"), List.of(List.of("original", "0.91"), List.of("random-tag", "0.55")))
 *         .image("plots/dmem.png", "dmem per arm")
 *         .code("./memaudit compare --seed 20250207")
 *         .writeMarkdown(out.resolve("report.md"));
 * }</pre>
 */
package io.memaudit.report;
