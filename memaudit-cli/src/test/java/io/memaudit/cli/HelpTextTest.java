package io.memaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every help text is a format string to picocli: a bare {@code %} (as in "95 % intervals") makes it print a warning
 * instead of the text. Formats every description, header and footer of every command and option as picocli does.
 */
class HelpTextTest {

    @Test
    void everyHelpTextFormatsWithoutAWarning() {
        final List<String> broken = new ArrayList<>();
        check(MemauditCommand.commandLine(), broken);
        assertEquals(List.of(), broken);
    }

    private static void check(final CommandLine commandLine, final List<String> broken) {
        final CommandSpec spec = commandLine.getCommandSpec();
        final List<String> texts = new ArrayList<>();
        texts.addAll(List.of(spec.usageMessage().description()));
        texts.addAll(List.of(spec.usageMessage().header()));
        texts.addAll(List.of(spec.usageMessage().footer()));
        for (final OptionSpec option : spec.options()) {
            texts.addAll(List.of(option.description()));
        }
        for (final String text : texts) {
            try {
                String.format(Locale.ROOT, text);
            } catch (final IllegalFormatException e) {
                broken.add(spec.qualifiedName() + ": " + text.substring(0, Math.min(60, text.length())));
            }
        }
        commandLine.getSubcommands().values().stream().distinct().forEach(sub -> check(sub, broken));
    }
}
