package io.memaudit.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.memaudit.core.io.DatasetFiles;
import io.memaudit.core.lint.PromptLint;
import io.memaudit.core.markers.MarkerFinder;
import io.memaudit.core.markers.MarkerKind;
import io.memaudit.core.markers.MarkerRewriter;
import io.memaudit.core.markers.MarkerSpan;
import io.memaudit.core.markers.MarkerStrategy;
import io.memaudit.core.markers.RewriteResult;
import io.memaudit.core.reports.ExtractedPrompt;
import io.memaudit.core.reports.PromptExtractor;
import io.memaudit.dataset.DatasetFormat;
import io.memaudit.dataset.MarkerTransform;
import io.memaudit.dataset.RewriteOptions;
import io.memaudit.dataset.RewriteStatistics;
import io.memaudit.synthetic.SyntheticReportTree;
import io.memaudit.synthetic.SyntheticReports;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo-data", mixinStandardHelpOptions = true,
        description = {"The data side of memaudit on synthetic MIMIC-CXR-style reports (no real patient text): marker strategies, reports to prompts, the risk lint.",
                "Writes the sample and one rewritten copy per strategy to --out and prints a before/after summary: how many "
                        + "distinct marker forms there are and how dominant the most frequent one is."})
final class DataDemoCommand implements Callable<Integer> {
    private static final String TEXT_FIELD = "prompt";
    private static final String KEY_FIELD = "study_id";

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "memaudit-out/demo-data",
            description = "Output directory. Default: ${DEFAULT-VALUE}.")
    Path outputDirectory;

    @Option(names = "--records", paramLabel = "N", defaultValue = "5000", description = "Synthetic reports. Default: ${DEFAULT-VALUE}.")
    int records;

    @Option(names = "--marker-share", paramLabel = "P", defaultValue = "0.19",
            description = "Share of impressions carrying ___ markers (the seed paper's MIMIC subset: about 0.19). Default: ${DEFAULT-VALUE}.")
    double markerShare;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "20250207", description = "Seed for data and rewriting. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final Path sample = outputDirectory.resolve("reports.jsonl");
        final List<SyntheticReports.Report> reports = OptionChecks.option(spec, "--marker-share",
                () -> SyntheticReports.generate(records, markerShare, seed));
        writeSample(sample, reports);
        out.printf(Locale.ROOT, "memaudit demo: %,d synthetic MIMIC-CXR-style impressions (seed %d, %.0f%% drawn with ___ markers)%n",
                reports.size(), seed, markerShare * 100);
        out.printf(Locale.ROOT, "sample: %s%n%n", sample);
        out.printf(Locale.ROOT, "%-16s %8s %14s  %-32s%n", "captions", "markers", "distinct forms", "most frequent form (share)");

        final List<String> examples = new ArrayList<>();
        boolean original = true;
        for (final MarkerStrategy strategy : MarkerStrategy.values()) {
            final MarkerRewriter rewriter = MarkerRewriter.builder().strategy(strategy).seed(seed).build();
            final Map<String, Integer> forms = new HashMap<>();
            final List<RewriteResult> firstWithMarkers = new ArrayList<>();
            final MarkerTransform transform = new MarkerTransform(rewriter, MarkerTransform.DEFAULT_COUNT_FIELD,
                    result -> collect(result, forms, firstWithMarkers));
            final RewriteOptions options = new RewriteOptions(TEXT_FIELD, KEY_FIELD, transform);
            final Path rewritten = outputDirectory.resolve(strategy.displayName() + ".jsonl");
            DatasetFiles.writeAtomically(rewritten, stream -> {
                try (InputStream in = Files.newInputStream(sample)) {
                    DatasetFormat.JSON_LINES.rewriter(options).rewrite(in, stream);
                }
                return null;
            });
            final RewriteStatistics statistics = transform.statistics();
            if (original) {
                printRow(out, "original", statistics.markers(), originalForms(reports, rewriter));
                original = false;
            }
            printRow(out, strategy.displayName(), statistics.markers(), forms);
            if (strategy == MarkerStrategy.TYPED_SURROGATE) {
                out.println("  kinds inferred from context: " + kinds(statistics.kinds()));
            }
            if (strategy == MarkerStrategy.RANDOM_TAG || strategy == MarkerStrategy.TYPED_SURROGATE) {
                for (final RewriteResult result : firstWithMarkers.subList(0, Math.min(2, firstWithMarkers.size()))) {
                    examples.add(String.format(Locale.ROOT, "  %-16s %s", strategy.displayName(), result.text()));
                }
            }
        }
        out.println();
        out.println("Examples (synthetic text):");
        examples.forEach(out::println);
        out.println();
        out.println("A uniform marker is one token shared by every marked caption: a retrieval key a diffusion model can "
                + "memorize. random-tag makes every replacement rare; typed-surrogate reads naturally; remove deletes; fixed is "
                + "the control arm. Rewritten datasets: " + outputDirectory);
        out.println();
        ingestAndLint(out);
        out.flush();
        return 0;
    }

    /** From a MIMIC-CXR style reports tree to prompts (sections), then the model-free risk lint of those prompts. */
    private void ingestAndLint(final PrintWriter out) throws Exception {
        final Path tree = outputDirectory.resolve("mimic-cxr-style");
        final List<SyntheticReports.Report> reports = SyntheticReports.generateVaried(Math.min(records, 2_000), markerShare, seed);
        deleteRecursively(tree);
        SyntheticReportTree.write(tree, reports, seed);
        final PromptExtractor extractor = new PromptExtractor();
        final PromptLint lint = new PromptLint(MarkerRewriter.builder().build().finder());
        final Map<String, Integer> sections = new TreeMap<>();
        for (final SyntheticReports.Report report : reports) {
            final ExtractedPrompt prompt = extractor.extract(Files.readString(SyntheticReportTree.reportPath(tree, report)));
            sections.merge(prompt.section(), 1, Integer::sum);
            lint.add(prompt.text());
        }
        out.printf(Locale.ROOT, "Reports to prompts: %,d synthetic reports in MIMIC-CXR's layout under %s (header spellings vary, "
                + "some lack an impression or any header); prompts taken from %s.%n", reports.size(), tree, sections);
        out.println("Try: ./memaudit sections --in " + tree.resolve("files") + " --out prompts.jsonl --metadata "
                + tree.resolve(SyntheticReportTree.METADATA_FILE));
        out.println();
        out.println("Model-free risk lint of those prompts (./memaudit lint):");
        out.print(lint.finish().toTable());
    }

    private static void deleteRecursively(final Path root) throws java.io.IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (final Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** How often each marker form (e.g. ___) occurs in the sample before rewriting. */
    private static Map<String, Integer> originalForms(final List<SyntheticReports.Report> reports, final MarkerRewriter rewriter) {
        final Map<String, Integer> forms = new HashMap<>();
        for (final SyntheticReports.Report report : reports) {
            final MarkerFinder.Scan scan = rewriter.finder().scan(report.impression());
            while (scan.next()) {
                forms.merge(report.impression().substring(scan.start(), scan.end()), 1, Integer::sum);
            }
        }
        return forms;
    }

    private static void collect(final RewriteResult result, final Map<String, Integer> forms,
                                final List<RewriteResult> examples) {
        if (result.markerCount() == 0) {
            return;
        }
        if (examples.size() < 2 && !examples.stream().map(RewriteResult::text).toList().contains(result.text())) {
            examples.add(result);
        }
        for (final MarkerSpan span : result.markers()) {
            if (!span.replacement().isEmpty()) {
                forms.merge(span.replacement(), 1, Integer::sum);
            }
        }
    }

    private static void printRow(final PrintWriter out, final String label, final long markers, final Map<String, Integer> forms) {
        final String mostFrequent;
        if (forms.isEmpty()) {
            mostFrequent = "(none left)";
        } else {
            final Map.Entry<String, Integer> top = Collections.max(forms.entrySet(), Map.Entry.comparingByValue());
            mostFrequent = String.format(Locale.ROOT, "\"%s\" (%.2f%%)", top.getKey(), 100.0 * top.getValue() / markers);
        }
        out.printf(Locale.ROOT, "%-16s %,8d %,14d  %-32s%n", label, markers, forms.size(), mostFrequent);
    }

    private static String kinds(final Map<MarkerKind, Long> kinds) {
        return String.join(", ", kinds.entrySet().stream()
                .sorted(Map.Entry.<MarkerKind, Long>comparingByValue().reversed())
                .map(entry -> entry.getKey().displayName() + " " + entry.getValue()).toList());
    }

    private static void writeSample(final Path sample, final List<SyntheticReports.Report> reports) throws Exception {
        DatasetFiles.writeAtomically(sample, stream -> {
            try (JsonGenerator json = new JsonFactory().createGenerator(stream, JsonEncoding.UTF8)) {
                json.setRootValueSeparator(null);
                for (final SyntheticReports.Report report : reports) {
                    json.writeStartObject();
                    json.writeStringField("subject_id", report.subjectId());
                    json.writeStringField(KEY_FIELD, report.studyId());
                    json.writeStringField(TEXT_FIELD, report.impression());
                    json.writeStringField("report", report.text());
                    json.writeEndObject();
                    json.writeRaw('\n');
                }
            }
            return null;
        });
    }
}
