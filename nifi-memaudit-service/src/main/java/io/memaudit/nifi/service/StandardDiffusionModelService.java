package io.memaudit.nifi.service;

import ai.djl.engine.Engine;
import io.memaudit.core.markers.MarkerFinder;
import io.memaudit.core.scoring.DetectorDescription;
import io.memaudit.core.scoring.DeviceSpec;
import io.memaudit.core.scoring.PromptScore;
import io.memaudit.core.scoring.PromptSignificance;
import io.memaudit.core.scoring.SamplingSettings;
import io.memaudit.core.scoring.ScoringRequest;
import io.memaudit.diffusion.BundleConfig;
import io.memaudit.diffusion.BundleException;
import io.memaudit.diffusion.BundleIntegrity;
import io.memaudit.diffusion.DetectorRegistry;
import io.memaudit.diffusion.DiffusionModel;
import io.memaudit.diffusion.MemorizationScorer;
import io.memaudit.diffusion.PromptScorer;
import io.memaudit.diffusion.TokenSignificance;
import io.memaudit.diffusion.TorchRuntime;
import io.memaudit.nifi.api.DiffusionModelService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.annotation.lifecycle.OnDisabled;
import org.apache.nifi.annotation.lifecycle.OnEnabled;
import org.apache.nifi.components.ConfigVerificationResult;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.controller.AbstractControllerService;
import org.apache.nifi.controller.ConfigurationContext;
import org.apache.nifi.controller.VerifiableControllerService;
import org.apache.nifi.expression.ExpressionLanguageScope;
import org.apache.nifi.logging.ComponentLog;
import org.apache.nifi.processor.util.StandardValidators;
import org.apache.nifi.reporting.InitializationException;

@Tags({"memaudit", "diffusion", "model", "djl", "pytorch", "memorization", "gpu"})
@CapabilityDescription("""
        Loads a memaudit model bundle (bundle.json, tokenizer.json, text_encoder.pt, unet.pt; e.g. RadEdit exported with \
        tools/export_radedit.py) once, with DJL's PyTorch engine and no network access, and shares it with every processor \
        that references this service. A TorchScript file is a program: loading an untrusted unet.pt runs whatever it \
        contains, so load only bundles from a source you trust. Enabling checks every file against the SHA-256 that \
        bundle.json lists (a bundle without them, or with a file that does not match, is refused) and runs one sample \
        through each module (a module that computes NaN is refused); a bundle that does not fit says which file is \
        wrong. Verify reports the files and hashes, the engine, libtorch and device, and the probe. Disabling releases \
        all native memory.""")
public class StandardDiffusionModelService extends AbstractControllerService implements DiffusionModelService,
        VerifiableControllerService {

    public static final PropertyDescriptor MODEL_DIRECTORY = new PropertyDescriptor.Builder()
            .name("Model Bundle Directory")
            .description("Directory of the model bundle (see memaudit's README, Model bundles).")
            .required(true)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(StandardValidators.createDirectoryExistsValidator(true, false))
            .build();

    public static final PropertyDescriptor DEVICE = new PropertyDescriptor.Builder()
            .name("Device")
            .description("auto (a GPU when DJL finds a CUDA libtorch, else the CPU), cpu, or gpu:N for GPU number N. In a "
                    + "cluster, give each node's service its own GPU.")
            .required(true)
            .defaultValue("auto")
            .addValidator(StandardValidators.createRegexMatchingValidator(java.util.regex.Pattern.compile(DeviceSpec.PATTERN)))
            .build();

    public static final PropertyDescriptor MAXIMUM_BATCH_SIZE = new PropertyDescriptor.Builder()
            .name("Maximum Batch Size")
            .description("Most prompts per UNet call, whatever a processor asks for; each brings 2 x generations samples.")
            .required(true)
            .defaultValue("16")
            .addValidator(StandardValidators.createLongValidator(1, 4096, true))
            .build();

    private volatile DiffusionModel model;
    /** Loaded on first use (a second copy of the UNet, with gradients); guarded by this. */
    private TokenSignificance gradients;
    private volatile int maximumBatchSize;

    @Override
    protected List<PropertyDescriptor> getSupportedPropertyDescriptors() {
        return List.of(MODEL_DIRECTORY, DEVICE, MAXIMUM_BATCH_SIZE);
    }

    /** Checks the files and bundle.json without loading the modules (validation runs often); enabling probes them. */
    @Override
    protected Collection<ValidationResult> customValidate(final ValidationContext context) {
        final List<ValidationResult> results = new ArrayList<>();
        final String directory = context.getProperty(MODEL_DIRECTORY).evaluateAttributeExpressions().getValue();
        if (directory == null) {
            return results;
        }
        final Path bundle = Path.of(directory);
        for (final String file : List.of("bundle.json", "tokenizer.json", "text_encoder.pt", "unet.pt")) {
            if (!Files.isRegularFile(bundle.resolve(file))) {
                results.add(invalid(bundle.resolve(file) + ": missing"));
            }
        }
        if (results.isEmpty()) {
            try {
                BundleConfig.read(bundle.resolve("bundle.json"));
            } catch (final BundleException e) {
                results.add(invalid(e.getMessage()));
            }
        }
        return results;
    }

    private static ValidationResult invalid(final String explanation) {
        return new ValidationResult.Builder().subject(MODEL_DIRECTORY.getName()).valid(false).explanation(explanation).build();
    }

    /**
     * What "Verify" in NiFi's UI shows, for a disabled service: the bundle's files and their checked SHA-256, the engine,
     * libtorch and the device found, and the one-sample probe's result and time. Loads a separate copy of the bundle and
     * releases it.
     */
    @Override
    public List<ConfigVerificationResult> verify(final ConfigurationContext context, final ComponentLog verificationLogger,
                                                 final Map<String, String> variables) {
        final List<ConfigVerificationResult> results = new ArrayList<>();
        final Path directory = Path.of(context.getProperty(MODEL_DIRECTORY).evaluateAttributeExpressions().getValue());
        final DeviceSpec device;
        try {
            device = DeviceSpec.parse(context.getProperty(DEVICE).getValue());
        } catch (final IllegalArgumentException e) {
            results.add(result("Device", ConfigVerificationResult.Outcome.FAILED, e.getMessage()));
            return results;
        }
        boolean filesVerified = false;
        try {
            BundleConfig.read(directory.resolve("bundle.json"));
            final Map<String, String> hashes = BundleIntegrity.verify(directory);
            final StringBuilder files = new StringBuilder("bundle.json read; files matching the SHA-256 bundle.json lists: ");
            hashes.forEach((file, hash) -> files.append(file).append(' ').append(hash).append("; "));
            results.add(result("Bundle files and hashes", ConfigVerificationResult.Outcome.SUCCESSFUL, files.toString().trim()));
            filesVerified = true;
        } catch (final BundleException e) {
            results.add(result("Bundle files and hashes", ConfigVerificationResult.Outcome.FAILED, e.getMessage()));
        }
        try {
            final ai.djl.Device requested = DiffusionModel.toDevice(device); // also keeps DJL offline
            final TorchRuntime.Report runtime = TorchRuntime.report();
            results.add(result("Engine and device", ConfigVerificationResult.Outcome.SUCCESSFUL, "DJL " + Engine.getDjlVersion()
                    + ", " + runtime.summary() + "; device " + device + " -> "
                    + (requested == null ? Engine.getEngine("PyTorch").defaultDevice() : requested)));
        } catch (final BundleException e) {
            results.add(result("Engine and device", ConfigVerificationResult.Outcome.FAILED, e.getMessage()));
            return results;
        } catch (final RuntimeException | LinkageError e) {
            results.add(result("Engine and device", ConfigVerificationResult.Outcome.FAILED, "DJL's PyTorch engine did not "
                    + "start (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")"));
            return results;
        }
        if (!filesVerified) {
            results.add(result("Load and probe", ConfigVerificationResult.Outcome.SKIPPED, "the bundle's files did not verify"));
            return results;
        }
        try (DiffusionModel loaded = DiffusionModel.load(directory, device)) {
            results.add(result("Load and probe", ConfigVerificationResult.Outcome.SUCCESSFUL, String.format(Locale.ROOT,
                    "loaded on %s; probe: %s; %.1f ms", loaded.device(), loaded.probeResult(), loaded.probeMillis())));
        } catch (final BundleException | RuntimeException e) {
            results.add(result("Load and probe", ConfigVerificationResult.Outcome.FAILED, e.getMessage()));
        }
        return results;
    }

    private static ConfigVerificationResult result(final String step, final ConfigVerificationResult.Outcome outcome,
                                                   final String explanation) {
        return new ConfigVerificationResult.Builder().verificationStepName(step).outcome(outcome).explanation(explanation)
                .build();
    }

    @OnEnabled
    public void onEnabled(final ConfigurationContext context) throws InitializationException {
        final Path directory = Path.of(context.getProperty(MODEL_DIRECTORY).evaluateAttributeExpressions().getValue());
        maximumBatchSize = context.getProperty(MAXIMUM_BATCH_SIZE).asInteger();
        try {
            model = DiffusionModel.load(directory, DeviceSpec.parse(context.getProperty(DEVICE).getValue()));
        } catch (final BundleException e) {
            throw new InitializationException(e.getMessage(), e);
        }
        getLogger().info("Loaded the model bundle on {} (files verified against bundle.json's SHA-256; probe {} in {} ms)",
                model.device(), model.probeResult(), String.format(Locale.ROOT, "%.1f", model.probeMillis()));
    }

    @OnDisabled
    public void onDisabled() {
        synchronized (this) {
            if (gradients != null) {
                gradients.close();
                gradients = null;
            }
        }
        final DiffusionModel loaded = model;
        model = null;
        if (loaded != null) {
            loaded.close();
        }
    }

    private DiffusionModel loaded() {
        final DiffusionModel loaded = model;
        if (loaded == null) {
            throw new IllegalStateException("The diffusion model service is not enabled");
        }
        return loaded;
    }

    @Override
    public List<DetectorDescription> detectors() {
        return DetectorRegistry.descriptions();
    }

    @Override
    public List<PromptScore> score(final ScoringRequest request, final BooleanSupplier scheduled) {
        return new PromptScorer(loaded()).score(request.withBatchSizeAtMost(maximumBatchSize), done -> { }, scheduled);
    }

    /** Serialised: gradients are rare (memorized records only) and the gradient module is one shared copy. */
    @Override
    public synchronized List<PromptSignificance> significance(final List<String> prompts, final SamplingSettings sampling,
                                                           final int significanceSteps, final MarkerFinder markers) {
        final DiffusionModel loaded = loaded();
        if (gradients == null) {
            try {
                gradients = new TokenSignificance(loaded);
            } catch (final BundleException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        final SamplingSettings capped = sampling.withBatchSizeAtMost(maximumBatchSize);
        final MemorizationScorer.Options options = new MemorizationScorer.Options(capped.generations(), capped.steps(),
                capped.guidanceOr(loaded.config().guidanceScale()), capped.batchSize(), capped.seed(), null, false);
        final List<double[]> values = gradients.compute(prompts, options, significanceSteps, done -> { });
        final List<PromptSignificance> results = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            results.add(PromptSignificance.of(prompts.get(i), loaded.tokenized(prompts.get(i)), values.get(i), markers));
        }
        return results;
    }
}
