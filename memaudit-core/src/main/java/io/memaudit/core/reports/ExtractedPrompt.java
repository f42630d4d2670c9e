package io.memaudit.core.reports;

import java.util.List;

/**
 * The prompt taken from a report.
 *
 * @param section the section it came from ({@code impression}, {@code findings}, ... or {@code last-paragraph})
 * @param text the section's text with wrapped lines joined and whitespace collapsed
 * @param sentences the text split into sentences
 */
public record ExtractedPrompt(String section, String text, List<String> sentences) {
    public ExtractedPrompt {
        sentences = List.copyOf(sentences);
    }
}
