package io.memaudit.cli;

import io.memaudit.core.io.DatasetFiles;
import io.memaudit.core.io.MalformedDatasetException;
import io.memaudit.core.mimic.MimicCxrLayout;
import io.memaudit.core.mimic.MimicCxrMetadata;
import io.memaudit.core.reports.ExtractedPrompt;
import io.memaudit.core.reports.PromptExtractor;
import io.memaudit.core.reports.UnusableReportException;
import io.memaudit.dataset.DatasetFormat;
import io.memaudit.dataset.TableWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sections", mixinStandardHelpOptions = true,
        description = {"Turn free-text radiology reports into a prompt dataset: parse each report's sections (MIMIC-CXR "
                + "conventions), take the prompt by preference (default impression, then findings, then the last paragraph), "
                + "normalise it, and write one record per report, or per image with --metadata.",
                "Subject and study ids come from MIMIC-CXR paths (files/pNN/pNNNNNNNN/sNNNNNNNN.txt). Reports without usable "
                        + "text are listed on stderr with the reason and left out."},
        footer = {"", "Example:", "  memaudit sections --in mimic-cxr-reports/files --out prompts.jsonl "
                + "--metadata mimic-cxr-2.0.0-metadata.csv"})
final class SectionsCommand implements Callable<Integer> {
    private static final int LISTED_REJECTS = 10;

    @Spec
    CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "PATH", description = "A report (.txt) or a directory searched for .txt reports.")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Prompt dataset to write (.jsonl or .csv).")
    Path output;

    @Option(names = "--prefer", paramLabel = "SECTIONS", defaultValue = "impression,findings,last-paragraph",
            description = "Sections to take the prompt from, in order of preference. Default: ${DEFAULT-VALUE}.")
    String preference;

    @Option(names = "--metadata", paramLabel = "CSV",
            description = "MIMIC-CXR-JPG style metadata (dicom_id, subject_id, study_id): write one record per image, with "
                    + "its path files/pNN/pNNNNNNNN/sNNNNNNNN/DICOM.jpg.")
    Path metadata;

    @Override
    public Integer call() throws Exception {
        final DatasetFormat format = OptionChecks.option(spec, "--out", () -> DatasetFormat.of(output));
        OptionChecks.require(spec, format != DatasetFormat.TEXT, "--out", "must be .jsonl or .csv");
        final PromptExtractor extractor = OptionChecks.option(spec, "--prefer", () -> PromptExtractor.fromPreference(preference));
        final List<Path> reports = reports();
        final MimicCxrMetadata images = metadata == null ? null : readMetadata(metadata);
        final List<String> columns = new ArrayList<>(List.of("subject_id", "study_id", "report", "section", "prompt", "sentences"));
        if (images != null) {
            columns.addAll(List.of("dicom_id", "image"));
        }
        final List<String> rejects = new ArrayList<>();
        final AtomicLong written = new AtomicLong();
        final AtomicLong withoutImages = new AtomicLong();
        DatasetFiles.writeAtomically(output, out -> {
            try (TableWriter table = new TableWriter(format, columns, out)) {
                for (final Path report : reports) {
                    final String relative = Files.isDirectory(input) ? input.relativize(report).toString().replace('\\', '/')
                            : report.getFileName().toString();
                    final ExtractedPrompt prompt;
                    try {
                        prompt = extractor.extract(readReport(report));
                    } catch (final UnusableReportException e) {
                        rejects.add(relative + ": " + e.getMessage());
                        continue;
                    }
                    final Optional<MimicCxrLayout.StudyIds> ids = MimicCxrLayout.idsOfReport(relative);
                    final String subject = ids.map(MimicCxrLayout.StudyIds::subjectId).orElse(null);
                    final String study = ids.map(MimicCxrLayout.StudyIds::studyId).orElse(null);
                    final List<Object> row = new ArrayList<>(java.util.Arrays.asList(subject, study, relative,
                            prompt.section(), prompt.text(), prompt.sentences().size()));
                    if (images == null) {
                        table.write(row);
                        written.incrementAndGet();
                        continue;
                    }
                    final List<MimicCxrMetadata.Image> studyImages = study == null ? List.of() : images.imagesOf(study);
                    if (studyImages.isEmpty()) {
                        withoutImages.incrementAndGet();
                    }
                    for (final MimicCxrMetadata.Image image : studyImages) {
                        final List<Object> imageRow = new ArrayList<>(row);
                        imageRow.add(image.dicomId());
                        imageRow.add(image.path());
                        table.write(imageRow);
                        written.incrementAndGet();
                    }
                }
            }
            return null;
        });
        final PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "Read %,d reports from %s; wrote %,d records to %s (sections preferred: %s)%n", reports.size(),
                input, written.get(), output, extractor);
        if (images != null) {
            out.printf(Locale.ROOT, "  %,d reports had no image in %s and were left out%n", withoutImages.get(), metadata);
        }
        if (!rejects.isEmpty()) {
            final PrintWriter err = spec.commandLine().getErr();
            err.printf(Locale.ROOT, "%,d reports had no usable text and were left out:%n", rejects.size());
            rejects.stream().limit(LISTED_REJECTS).forEach(reject -> err.println("  " + reject));
            if (rejects.size() > LISTED_REJECTS) {
                err.printf(Locale.ROOT, "  ... and %,d more%n", rejects.size() - LISTED_REJECTS);
            }
        }
        out.flush();
        return 0;
    }

    private List<Path> reports() throws IOException {
        if (Files.isRegularFile(input)) {
            return List.of(input);
        }
        if (!Files.isDirectory(input)) {
            throw new ParameterException(spec.commandLine(), "--in: not a readable file or directory");
        }
        try (Stream<Path> paths = Files.walk(input)) {
            return paths.filter(Files::isRegularFile).filter(path -> path.toString().endsWith(".txt")).sorted().toList();
        }
    }

    /** A report's text; bytes that are not UTF-8 make it unusable rather than silently replaced. */
    private static String readReport(final Path report) throws IOException, UnusableReportException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(report))).toString();
        } catch (final CharacterCodingException e) {
            throw new UnusableReportException("not UTF-8 text");
        }
    }

    private static MimicCxrMetadata readMetadata(final Path metadata) throws IOException, MalformedDatasetException {
        try (Reader reader = Files.newBufferedReader(metadata, StandardCharsets.UTF_8)) {
            return MimicCxrMetadata.read(reader);
        } catch (final IllegalArgumentException e) {
            throw new MalformedDatasetException(metadata.toString(), 1, e.getMessage());
        }
    }
}
