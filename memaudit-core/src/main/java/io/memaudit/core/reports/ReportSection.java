package io.memaudit.core.reports;

/**
 * One section of a radiology report.
 *
 * @param name canonical lower-case name: {@code impression}, {@code findings}, {@code indication}, {@code comparison},
 *             {@code technique}, {@code recommendation}, {@code notification}, {@code addendum}, {@code wet read},
 *             {@code preamble} (text before the first header), or the header itself lower-cased when it is not a known one
 * @param header the header as written (empty for the preamble)
 * @param body the section's text as written, without the header
 */
public record ReportSection(String name, String header, String body) {
}
