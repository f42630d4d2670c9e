package io.memaudit.diffusion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a model bundle's {@code bundle.json} says: shapes, text length, scheduler, guidance, VAE scaling and provenance.
 *
 * @param latentShape [C, H, W] of the UNet's sample
 * @param textMaxLength tokens per prompt after padding (the tokenizer's and the text encoder's length)
 * @param hiddenSize D of the text encoder's output [B, L, D]
 * @param attentionMask whether the text encoder takes an attention mask (RadEdit's pipeline feeds none)
 * @param scheduler the DDIM schedule
 * @param guidanceScale default classifier-free guidance scale
 * @param vaeScalingFactor latents are scaled by this after the VAE encoder (SDXL VAE: 0.13025)
 * @param unetFlopsPerSample floating-point operations of one UNet evaluation of one sample, 0 when not recorded
 * @param provenance how the bundle was made, as written
 */
public record BundleConfig(List<Integer> latentShape, int textMaxLength, int hiddenSize, boolean attentionMask,
                           SchedulerConfig scheduler, double guidanceScale, double vaeScalingFactor, long unetFlopsPerSample,
                           JsonNode provenance) {
    public static final int FORMAT_VERSION = 1;

    public BundleConfig {
        latentShape = List.copyOf(latentShape);
    }

    /** Elements in one latent: C * H * W. */
    public int latentSize() {
        return latentShape.get(0) * latentShape.get(1) * latentShape.get(2);
    }

    /**
     * Reads and checks {@code bundle.json}.
     *
     * @throws BundleException naming the file, the field and what is wrong
     */
    public static BundleConfig read(final Path file) throws BundleException {
        final JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (final IOException e) {
            throw new BundleException(file + ": cannot read it as JSON (" + e.getMessage() + ")");
        }
        final int version = integer(file, root, "format_version");
        if (version != FORMAT_VERSION) {
            throw new BundleException(file + ": format_version " + version + " is not supported (this memaudit reads "
                    + FORMAT_VERSION + ")");
        }
        final JsonNode shape = field(file, root, "latent_shape");
        if (!shape.isArray() || shape.size() != 3) {
            throw new BundleException(file + ": latent_shape " + shape + " must have 3 dimensions [C, H, W]");
        }
        final List<Integer> latentShape = new ArrayList<>();
        for (final JsonNode dimension : shape) {
            if (!dimension.canConvertToInt() || dimension.asInt() < 1) {
                throw new BundleException(file + ": latent_shape " + shape + " must hold positive integers");
            }
            latentShape.add(dimension.asInt());
        }
        final JsonNode scheduler = field(file, root, "scheduler");
        final String prediction = text(file, scheduler, "prediction_type");
        if (!"epsilon".equals(prediction)) {
            throw new BundleException(file + ": scheduler.prediction_type '" + prediction + "' is not supported: memaudit's "
                    + "dmem is defined on noise (epsilon) predictions");
        }
        final SchedulerConfig schedulerConfig;
        try {
            schedulerConfig = new SchedulerConfig(integer(file, scheduler, "num_train_timesteps"),
                    SchedulerConfig.BetaSchedule.fromName(text(file, scheduler, "beta_schedule")),
                    number(file, scheduler, "beta_start"), number(file, scheduler, "beta_end"),
                    SchedulerConfig.TimestepSpacing.fromName(text(file, scheduler, "timestep_spacing")),
                    scheduler.path("steps_offset").asInt(0), scheduler.path("set_alpha_to_one").asBoolean(true));
        } catch (final IllegalArgumentException e) {
            throw new BundleException(file + ": scheduler: " + e.getMessage());
        }
        final int textLength = integer(file, root, "text_max_length");
        final int hidden = integer(file, root, "hidden_size");
        if (textLength < 2 || hidden < 1) {
            throw new BundleException(file + ": text_max_length " + textLength + " and hidden_size " + hidden
                    + " must be positive (text_max_length at least 2)");
        }
        return new BundleConfig(latentShape, textLength, hidden, root.path("attention_mask").asBoolean(false),
                schedulerConfig, number(file, root, "guidance_scale"), root.path("vae_scaling_factor").asDouble(1.0),
                root.path("unet_flops_per_sample").asLong(0), root.path("provenance"));
    }

    private static JsonNode field(final Path file, final JsonNode node, final String name) throws BundleException {
        final JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new BundleException(file + ": the field '" + name + "' is missing");
        }
        return value;
    }

    private static int integer(final Path file, final JsonNode node, final String name) throws BundleException {
        final JsonNode value = field(file, node, name);
        if (!value.canConvertToInt()) {
            throw new BundleException(file + ": '" + name + "' must be an integer, found " + value);
        }
        return value.asInt();
    }

    private static double number(final Path file, final JsonNode node, final String name) throws BundleException {
        final JsonNode value = field(file, node, name);
        if (!value.isNumber()) {
            throw new BundleException(file + ": '" + name + "' must be a number, found " + value);
        }
        return value.asDouble();
    }

    private static String text(final Path file, final JsonNode node, final String name) throws BundleException {
        final JsonNode value = field(file, node, name);
        if (!value.isTextual()) {
            throw new BundleException(file + ": '" + name + "' must be a string, found " + value);
        }
        return value.asText();
    }
}
