package io.memaudit.diffusion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SHA-256 of every file a bundle loads, as its {@code bundle.json} lists them ({@code provenance.files_sha256}),
 * checked on every load.
 *
 * <p>A TorchScript file is a program: loading an untrusted {@code unet.pt} runs whatever it contains. The hashes make sure
 * that the files are the ones the bundle was made with (no corrupt copy, no file swapped or mixed in from another bundle);
 * they do not make a bundle from an untrusted source safe, since whoever can write the files can rewrite bundle.json too.
 * A bundle without hashes is refused (there is no opt-out: every bundle memaudit makes carries them, and adding them to
 * a bundle by hand is the explicit act of vouching for its files).
 */
public final class BundleIntegrity {
    /** Where bundle.json lists the hashes: {@code provenance.files_sha256}, file name to lower-case hex. */
    public static final String FIELD = "files_sha256";
    /** The files a bundle can load, each of which must be listed when present. */
    public static final List<String> LOADED_FILES = List.of("tokenizer.json", "text_encoder.pt", "unet.pt", "unet.float16.pt",
            "vae_encoder.pt", "vae_decoder.pt");

    private BundleIntegrity() {
    }

    /**
     * Checks every present file of {@link #LOADED_FILES} against bundle.json's hashes.
     *
     * @return file name to its verified SHA-256
     * @throws BundleException naming the file that is not listed or does not match, or bundle.json when it lists none
     */
    public static Map<String, String> verify(final Path directory) throws BundleException {
        final Path config = directory.resolve("bundle.json");
        final JsonNode listed;
        try {
            listed = new ObjectMapper().readTree(Files.readAllBytes(config)).path("provenance").path(FIELD);
        } catch (final IOException e) {
            throw new BundleException(config + ": cannot read it as JSON (" + e.getMessage() + ")", e);
        }
        if (!listed.isObject() || listed.isEmpty()) {
            throw new BundleException(config + ": provenance." + FIELD + " is missing, so the bundle's files cannot be checked. "
                    + "A TorchScript file is a program: list the SHA-256 of each of " + LOADED_FILES + " that the bundle has "
                    + "(sha256sum FILE) only after checking that the files come from a source you trust");
        }
        final Map<String, String> verified = new LinkedHashMap<>();
        for (final String name : LOADED_FILES) {
            final Path file = directory.resolve(name);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            final JsonNode expected = listed.get(name);
            if (expected == null || !expected.isTextual()) {
                throw new BundleException(file + ": not listed in bundle.json's provenance." + FIELD + "; a file the bundle "
                        + "would load must be listed with its SHA-256");
            }
            final String actual = sha256(file);
            if (!actual.equalsIgnoreCase(expected.asText())) {
                throw new BundleException(file + ": SHA-256 " + actual + " does not match bundle.json's " + expected.asText()
                        + "; the file was changed or comes from another bundle. Do not load it: the bundle's TorchScript modules are programs");
            }
            verified.put(name, actual);
        }
        return verified;
    }

    /**
     * For a second load of a file after {@link #verify}: the file must still have the hash it had then.
     *
     * @param verified what {@link #verify} returned (e.g. {@link DiffusionModel#verifiedFiles})
     * @throws BundleException naming the file when it changed or was never verified
     */
    public static void requireUnchanged(final Path directory, final String name, final Map<String, String> verified)
            throws BundleException {
        final Path file = directory.resolve(name);
        final String loaded = verified.get(name);
        final String now = sha256(file);
        if (!now.equals(loaded)) {
            throw new BundleException(file + ": SHA-256 " + now + " differs from the verified " + loaded + "; the bundle "
                    + "changed while in use. Do not load it: a TorchScript file is a program");
        }
    }

    /** The hashes of the present files of {@link #LOADED_FILES}, for a bundle being written. */
    public static ObjectNode hashes(final Path directory) throws BundleException {
        final ObjectNode hashes = new ObjectMapper().createObjectNode();
        for (final String name : LOADED_FILES) {
            if (Files.isRegularFile(directory.resolve(name))) {
                hashes.put(name, sha256(directory.resolve(name)));
            }
        }
        return hashes;
    }

    /** A file's SHA-256 as lower-case hex. */
    public static String sha256(final Path file) throws BundleException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (final IOException e) {
            throw new BundleException(file + ": cannot read it (" + e.getMessage() + ")", e);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
