package io.memaudit.core.scoring;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a model runs, as users write it: {@code auto} (a GPU when a CUDA libtorch is found, else the CPU), {@code cpu},
 * {@code gpu} (the first GPU) or {@code gpu:N}. The one parser for the CLI's --device and NiFi's Device property.
 *
 * @param kind auto, cpu or gpu
 * @param index the GPU's number (0 for gpu), -1 otherwise
 */
public record DeviceSpec(Kind kind, int index) {
    /** The accepted forms, as a regular expression (NiFi's validator uses it). */
    public static final String PATTERN = "auto|cpu|gpu(:\\d+)?";
    private static final Pattern FORM = Pattern.compile("(auto|cpu|gpu)(?::(\\d+))?");

    /** Device kinds. */
    public enum Kind { AUTO, CPU, GPU }

    /**
     * Parses a device.
     *
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static DeviceSpec parse(final String value) {
        final Matcher matcher = FORM.matcher(value == null ? "" : value.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches() || (matcher.group(2) != null && !matcher.group(1).equals("gpu"))) {
            throw new IllegalArgumentException("device '" + value + "' is not one of auto, cpu, gpu, gpu:N");
        }
        final Kind kind = Kind.valueOf(matcher.group(1).toUpperCase(Locale.ROOT));
        final int index = kind != Kind.GPU ? -1 : matcher.group(2) == null ? 0 : Integer.parseInt(matcher.group(2));
        return new DeviceSpec(kind, index);
    }

    @Override
    public String toString() {
        return kind == Kind.GPU ? "gpu:" + index : kind.name().toLowerCase(Locale.ROOT);
    }
}
