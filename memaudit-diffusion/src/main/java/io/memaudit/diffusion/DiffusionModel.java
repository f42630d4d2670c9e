package io.memaudit.diffusion;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memaudit.core.scoring.DeviceSpec;
import io.memaudit.core.scoring.TokenizedPrompt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model bundle loaded for inference: tokenizer, text encoder and UNet (TorchScript, DJL's PyTorch engine), plus its
 * {@link BundleConfig}. Loading checks every file against the SHA-256 bundle.json lists ({@link BundleIntegrity}: a
 * TorchScript file is a program, and loading an untrusted unet.pt runs it) and probes each module with one sample (a
 * non-finite output refuses the bundle), so a bundle that loads is a bundle that runs. Owns native memory: close it.
 *
 * <p>Arrays returned by {@link #encodeText} and {@link #predictNoise} belong to the manager of their inputs (or the one
 * passed in): scope them with a sub-manager per batch.
 */
public final class DiffusionModel implements AutoCloseable {
    static {
        // The NAR and the CLI must never reach the network: libtorch comes from the pytorch-native-cpu jar on the class path.
        System.setProperty("ai.djl.offline", "true");
    }

    private final Path directory;
    private final BundleConfig config;
    private final HuggingFaceTokenizer tokenizer;
    private final Model textEncoder;
    private final Model unet;
    private final Model vaeDecoder;
    private final NDManager manager;
    private Map<String, String> verifiedFiles = Map.of();
    private String probeResult = "";
    private long probeNanos;
    private final UnetPrecision precision;

    private DiffusionModel(final Path directory, final BundleConfig config, final HuggingFaceTokenizer tokenizer,
                           final Model textEncoder, final Model unet, final Model vaeDecoder, final NDManager manager,
                           final UnetPrecision precision) {
        this.directory = directory;
        this.config = config;
        this.tokenizer = tokenizer;
        this.textEncoder = textEncoder;
        this.unet = unet;
        this.vaeDecoder = vaeDecoder;
        this.manager = manager;
        this.precision = precision;
    }

    /**
     * Loads and probes a bundle directory on {@code device} (null: DJL's default, the GPU when a CUDA libtorch is found).
     *
     * @throws BundleException naming the file and the problem: missing file, unreadable TorchScript, shape mismatch,
     *                         tokenizer length different from the bundle's
     */
    public static DiffusionModel load(final Path directory, final DeviceSpec device) throws BundleException {
        return load(directory, toDevice(device));
    }

    /** DJL's device for a parsed device (null for auto: DJL's default). */
    public static Device toDevice(final DeviceSpec device) {
        return switch (device.kind()) {
            case AUTO -> null;
            case CPU -> Device.cpu();
            case GPU -> Device.gpu(device.index());
        };
    }

    /** Loads and probes a bundle directory on a DJL device (null: DJL's default). */
    public static DiffusionModel load(final Path directory, final Device device) throws BundleException {
        return load(directory, device, UnetPrecision.FLOAT32);
    }

    /**
     * Loads and probes a bundle directory on a DJL device (null: DJL's default) with the UNet in {@code precision}
     * (anything but float32 needs the bundle's {@code unet.<precision>.pt}).
     */
    public static DiffusionModel load(final Path directory, final Device device, final UnetPrecision precision)
            throws BundleException {
        if (!Files.isDirectory(directory)) {
            throw new BundleException(directory + ": model bundle directory not found");
        }
        for (final String file : List.of("bundle.json", "tokenizer.json", "text_encoder.pt", "unet.pt")) {
            if (!Files.isRegularFile(directory.resolve(file))) {
                throw new BundleException(directory.resolve(file) + ": missing; a bundle needs bundle.json, tokenizer.json, "
                        + "text_encoder.pt and unet.pt (see README, Model bundles)");
            }
        }
        if (!Files.isRegularFile(directory.resolve(precision.moduleName() + ".pt"))) {
            throw new BundleException(directory.resolve(precision.moduleName() + ".pt") + ": missing; a " + precision.value()
                    + " UNet is its own file, made from unet.pt by tools/convert_unet_precision.py (see docs/gpu.md)");
        }
        final BundleConfig config = BundleConfig.read(directory.resolve("bundle.json"));
        final Map<String, String> verified = BundleIntegrity.verify(directory);
        checkTokenizerLength(directory.resolve("tokenizer.json"), config.textMaxLength());
        final HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(directory.resolve("tokenizer.json"), Map.of(
                    "padding", "max_length", "maxLength", String.valueOf(config.textMaxLength()), "truncation", "true"));
        } catch (final IOException | RuntimeException e) {
            throw new BundleException(directory.resolve("tokenizer.json") + ": cannot load the tokenizer (" + e.getMessage() + ")", e);
        }
        final List<AutoCloseable> opened = new ArrayList<>(List.of(tokenizer));
        try {
            TorchRuntime.engine();
        } catch (final BundleException e) {
            closeAll(opened);
            throw e;
        }
        try {
            final Model textEncoder = loadModule(directory, "text_encoder", device);
            opened.add(textEncoder);
            final Model unet = loadModule(directory, precision.moduleName(), device);
            opened.add(unet);
            final Model vaeDecoder = Files.isRegularFile(directory.resolve("vae_decoder.pt"))
                    ? loadModule(directory, "vae_decoder", device) : null;
            if (vaeDecoder != null) {
                opened.add(vaeDecoder);
            }
            final NDManager manager = NDManager.newBaseManager(device);
            opened.add(manager);
            final DiffusionModel model = new DiffusionModel(directory, config, tokenizer, textEncoder, unet, vaeDecoder, manager,
                    precision);
            model.verifiedFiles = Map.copyOf(verified);
            model.probe();
            return model;
        } catch (final BundleException | RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    /** A tokenizer.json that fixes its own length (truncation or fixed padding) must agree with text_max_length. */
    private static void checkTokenizerLength(final Path file, final int textMaxLength) throws BundleException {
        final JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (final IOException e) {
            throw new BundleException(file + ": cannot read it as JSON (" + e.getMessage() + ")", e);
        }
        final JsonNode truncation = root.path("truncation").path("max_length");
        final JsonNode padding = root.path("padding").path("strategy").path("Fixed");
        for (final JsonNode length : List.of(truncation, padding)) {
            if (length.canConvertToInt() && length.asInt() != textMaxLength) {
                throw new BundleException(file + ": max length " + length.asInt() + " differs from bundle.json's "
                        + "text_max_length " + textMaxLength + "; make them equal (BioViL-T in RadEdit: 128)");
            }
        }
    }

    private static Model loadModule(final Path directory, final String name, final Device device) throws BundleException {
        final Model model = Model.newInstance(name, device, "PyTorch");
        try {
            model.load(directory, name);
            return model;
        } catch (final IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new BundleException(directory.resolve(name + ".pt") + ": cannot load it as TorchScript (" + e.getMessage() + ")", e);
        }
    }

    /** Runs one sample through each module and checks the shapes against bundle.json and that the outputs are finite. */
    private void probe() throws BundleException {
        final long started = System.nanoTime();
        try (NDManager probe = manager.newSubManager()) {
            final long[] ids = tokenizer.encode("probe").getIds();
            if (ids.length != config.textMaxLength()) {
                throw new BundleException(directory.resolve("tokenizer.json") + ": pads to " + ids.length
                        + " tokens but bundle.json says text_max_length " + config.textMaxLength());
            }
            final NDArray hidden = encodeText(probe, List.of("probe"));
            final Shape expectedHidden = new Shape(1, config.textMaxLength(), config.hiddenSize());
            if (!hidden.getShape().equals(expectedHidden)) {
                throw new BundleException(directory.resolve("text_encoder.pt") + ": returns " + hidden.getShape()
                        + " for one prompt, bundle.json implies " + expectedHidden);
            }
            final Shape latent = latentShape(1);
            final NDArray eps = predictNoise(probe.zeros(latent), probe.create(new long[] {0L}), hidden);
            if (!eps.getShape().equals(latent)) {
                throw new BundleException(directory.resolve("unet.pt") + ": returns " + eps.getShape() + " for a latent of "
                        + latent + "; bundle.json's latent_shape must match the UNet");
            }
            if (!finite(hidden)) {
                throw new BundleException(directory.resolve("text_encoder.pt") + ": returns NaN or infinite values for the probe "
                        + "prompt; a module that does not compute finite numbers cannot score");
            }
            if (!finite(eps)) {
                throw new BundleException(directory.resolve("unet.pt") + ": returns NaN or infinite values for the probe "
                        + "sample; a module that does not compute finite numbers cannot score");
            }
            probeNanos = System.nanoTime() - started;
            probeResult = String.format(java.util.Locale.ROOT, "text encoder %s, UNet %s, finite (UNet output L2 norm %.6g)",
                    hidden.getShape(), eps.getShape(), eps.norm().getFloat());
        } catch (final RuntimeException e) {
            throw new BundleException(directory + ": the one-sample probe failed (" + e.getMessage()
                    + "); check that the modules match bundle.json", e);
        }
    }

    private static boolean finite(final NDArray array) {
        return !array.isNaN().any().getBoolean() && !array.isInfinite().any().getBoolean();
    }

    public BundleConfig config() {
        return config;
    }

    /** The files checked against bundle.json's SHA-256 when the bundle loaded: name to hash. */
    public Map<String, String> verifiedFiles() {
        return verifiedFiles;
    }

    /** What the load's one-sample probe found (shapes, finite, the UNet output's norm). */
    public String probeResult() {
        return probeResult;
    }

    /** How long the load's probe took, in milliseconds. */
    public double probeMillis() {
        return probeNanos / 1e6;
    }

    public Path directory() {
        return directory;
    }

    /** The device the modules run on. */
    public Device device() {
        return manager.getDevice();
    }

    /** Native arrays still held under the model's manager (its own and every open child's): 0 between calls. */
    int liveArrays() {
        return manager.getManagedArrays().size();
    }

    /** A child of the model's manager, for one batch of work. */
    public NDManager newSubManager() {
        return manager.newSubManager();
    }

    /** Token ids of a prompt, padded or truncated to the bundle's text length. */
    public long[] tokenIds(final String prompt) {
        return tokenizer.encode(prompt).getIds();
    }

    /** Whole words of the tokenizer's vocabulary (letters only, at least three, no special tokens or word pieces). */
    public List<String> vocabularyWords() {
        try {
            final JsonNode vocabulary = new ObjectMapper().readTree(directory.resolve("tokenizer.json").toFile())
                    .path("model").path("vocab");
            final List<String> words = new ArrayList<>();
            vocabulary.fieldNames().forEachRemaining(token -> {
                if (token.matches("[A-Za-z]{3,}")) {
                    words.add(token);
                }
            });
            return words;
        } catch (final IOException e) {
            throw new java.io.UncheckedIOException(directory.resolve("tokenizer.json") + ": cannot read its vocabulary", e);
        }
    }

    /** Whether the prompt has more tokens than the text encoder takes (it is then truncated to text_max_length). */
    public boolean isTruncated(final String prompt) {
        return encoding(prompt).exceedMaxLength();
    }

    /** The tokenizer's pieces of a prompt (same length as {@link #tokenIds}). */
    public String[] tokens(final String prompt) {
        return encoding(prompt).getTokens();
    }

    /** The prompt's token positions as the text encoder sees them: pieces, character spans, special and padding. */
    public TokenizedPrompt tokenized(final String prompt) {
        final Encoding encoding = encoding(prompt);
        final String[] pieces = encoding.getTokens();
        final long[] attention = encoding.getAttentionMask();
        final long[] special = encoding.getSpecialTokenMask();
        final CharSpan[] spans = encoding.getCharTokenSpans();
        final boolean[] padding = new boolean[pieces.length];
        final boolean[] specialToken = new boolean[pieces.length];
        final int[] start = new int[pieces.length];
        final int[] end = new int[pieces.length];
        for (int position = 0; position < pieces.length; position++) {
            padding[position] = attention[position] == 0;
            specialToken[position] = special[position] == 1;
            final boolean spanned = !padding[position] && !specialToken[position] && spans[position] != null;
            start[position] = spanned ? spans[position].getStart() : -1;
            end[position] = spanned ? spans[position].getEnd() : -1;
        }
        return new TokenizedPrompt(pieces, padding, specialToken, start, end, encoding.exceedMaxLength());
    }

    private Encoding encoding(final String prompt) {
        return tokenizer.encode(prompt);
    }

    /** The text encoder's last hidden state for each prompt: [B, L, D], on {@code target}. */
    public NDArray encodeText(final NDManager target, final List<String> prompts) {
        final long[][] ids = new long[prompts.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokenIds(prompts.get(i));
        }
        return forward(textEncoder, new NDList(target.create(ids)));
    }

    /** The UNet's noise prediction for samples [B, C, H, W] at timesteps [B] (int64) given hidden states [B, L, D]. */
    public NDArray predictNoise(final NDArray sample, final NDArray timesteps, final NDArray hiddenStates) {
        if (precision == UnetPrecision.FLOAT32) {
            return forward(unet, new NDList(sample, timesteps.toType(DataType.INT64, false), hiddenStates));
        }
        final DataType reduced = precision.dataType();
        return forward(unet, new NDList(sample.toType(reduced, false), timesteps.toType(DataType.INT64, false),
                hiddenStates.toType(reduced, false))).toType(DataType.FLOAT32, false);
    }

    /** The number format the UNet runs in. */
    public UnetPrecision precision() {
        return precision;
    }

    /** Whether final samples are decoded to images (the bundle has vae_decoder.pt). */
    public boolean decodesImages() {
        return vaeDecoder != null;
    }

    /**
     * Images for latents [B, C, H, W] through the VAE decoder (after undoing the scaling), clipped to [0, 1] as a viewer
     * would show them; the latents themselves when the bundle has no decoder.
     */
    public NDArray decode(final NDArray latents) {
        return vaeDecoder == null ? latents
                : forward(vaeDecoder, new NDList(latents.div(config.vaeScalingFactor()))).clip(0.0, 1.0);
    }

    /** [batch, C, H, W] for this bundle's latents. */
    public Shape latentShape(final long batch) {
        return new Shape(batch, config.latentShape().get(0), config.latentShape().get(1), config.latentShape().get(2));
    }

    private static NDArray forward(final Model model, final NDList inputs) {
        final Block block = model.getBlock();
        final NDList outputs = block.forward(new ParameterStore(inputs.head().getManager(), false), inputs, false);
        return outputs.singletonOrThrow();
    }

    @Override
    public void close() {
        final List<AutoCloseable> resources = new ArrayList<>(List.of(manager, unet, textEncoder, tokenizer));
        if (vaeDecoder != null) {
            resources.add(vaeDecoder);
        }
        closeAll(resources);
    }

    private static void closeAll(final List<AutoCloseable> resources) {
        for (final AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (final Exception e) {
                // closing is best effort: keep releasing the others
            }
        }
    }
}
