package io.memaudit.nifi;

import java.io.IOException;
import java.util.Base64;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.nifi.annotation.behavior.InputRequirement;
import org.apache.nifi.annotation.behavior.Stateful;
import org.apache.nifi.annotation.behavior.TriggerSerially;
import org.apache.nifi.annotation.behavior.WritesAttribute;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.SeeAlso;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.state.Scope;
import org.apache.nifi.components.state.StateMap;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.exception.ProcessException;
import org.apache.nifi.processor.util.StandardValidators;

/**
 * Lets each fragment of a split FlowFile through once, so that a reassembly that counts fragments (MergeRecord or
 * MergeContent with Defragment) gets every fragment exactly once. NiFi moves FlowFiles between nodes at least once: a
 * node killed after its peer received a load-balanced FlowFile, but before it recorded the transfer, sends it again when
 * it restarts. Defragment completes a bin when it holds fragment.count FlowFiles, so a repeated fragment completes it
 * with another fragment missing: a dataset that is not the dataset. Placed on the node where the fragments meet
 * (after a connection partitioned by fragment.identifier), this processor remembers, in local state committed with each
 * session, which fragment indices of each identifier it has passed, and routes a repeat to 'duplicate'.
 */
@InputRequirement(InputRequirement.Requirement.INPUT_REQUIRED)
@TriggerSerially
@Stateful(scopes = Scope.LOCAL, description = "Per fragment.identifier: the fragment indices passed to 'success' and when "
        + "the last one passed. An identifier is forgotten after Remember Fragments For without a new fragment.")
@Tags({"memaudit", "deduplicate", "fragment", "defragment", "cluster", "load balance", "at least once", "merge"})
@CapabilityDescription("""
        Passes the first FlowFile of each fragment (fragment.identifier and fragment.index, as SplitRecord, SplitText and \
        ScoreMemorization write them) to 'success' and routes a repeat of a fragment already passed to 'duplicate'. NiFi \
        delivers load-balanced FlowFiles at least once: a node killed in the middle of a transfer sends the FlowFile again \
        when it restarts, and a MergeRecord or MergeContent with Defragment that receives the repeat completes the bin \
        with it instead of the fragment still missing. Put this processor right before such a merge, after the connection \
        that brings every fragment of an identifier to one node (load balanced by partition on fragment.identifier). It \
        keeps, in local state that is committed with each session, the indices passed per identifier, and forgets an \
        identifier after Remember Fragments For without a new fragment: make that longer than the merge's Max Bin Age. \
        A FlowFile without usable fragment attributes goes to 'failure', penalized, with deduplicate.error.""")
@WritesAttribute(attribute = DeduplicateFragments.ERROR, description = "On failure: which fragment attribute is missing or "
        + "not usable")
@SeeAlso(ScoreMemorization.class)
public class DeduplicateFragments extends AbstractMemauditProcessor {
    static final String ERROR = "deduplicate.error";

    static final PropertyDescriptor IDENTIFIER_ATTRIBUTE = new PropertyDescriptor.Builder()
            .name("Fragment Identifier Attribute").description("The attribute that names the FlowFile a fragment was split from.")
            .required(true).defaultValue("fragment.identifier").addValidator(StandardValidators.ATTRIBUTE_KEY_VALIDATOR).build();
    static final PropertyDescriptor INDEX_ATTRIBUTE = new PropertyDescriptor.Builder()
            .name("Fragment Index Attribute").description("The attribute with the fragment's position (0- or 1-based).")
            .required(true).defaultValue("fragment.index").addValidator(StandardValidators.ATTRIBUTE_KEY_VALIDATOR).build();
    static final PropertyDescriptor COUNT_ATTRIBUTE = new PropertyDescriptor.Builder()
            .name("Fragment Count Attribute").description("The attribute with the number of fragments; an index above it fails.")
            .required(true).defaultValue("fragment.count").addValidator(StandardValidators.ATTRIBUTE_KEY_VALIDATOR).build();
    static final PropertyDescriptor REMEMBER_FOR = new PropertyDescriptor.Builder()
            .name("Remember Fragments For")
            .description("How long an identifier's passed indices are kept after its last new fragment. Longer than the "
                    + "reassembly's Max Bin Age: a repeat arriving later is no longer recognised.")
            .required(true).defaultValue("6 hours").addValidator(StandardValidators.TIME_PERIOD_VALIDATOR).build();
    static final PropertyDescriptor BATCH_SIZE = new PropertyDescriptor.Builder()
            .name("Batch Size").description("FlowFiles taken per task; the state is written once per task.")
            .required(true).defaultValue("100").addValidator(StandardValidators.POSITIVE_INTEGER_VALIDATOR).build();

    static final Relationship REL_SUCCESS = new Relationship.Builder().name("success")
            .description("The first FlowFile of each fragment").build();
    static final Relationship REL_DUPLICATE = new Relationship.Builder().name("duplicate")
            .description("A repeat of a fragment already passed to 'success' (a copy: nothing of the dataset is in it that "
                    + "'success' did not get)").build();
    static final Relationship REL_FAILURE = new Relationship.Builder().name("failure")
            .description("FlowFiles without a usable fragment identifier, index or count, penalized, with deduplicate.error")
            .build();

    /** No fragment count is larger: a bit set of this many bits is 128 KiB of state. */
    static final int MAX_FRAGMENTS = 1 << 20;

    private static final List<PropertyDescriptor> PROPERTIES = List.of(IDENTIFIER_ATTRIBUTE, INDEX_ATTRIBUTE, COUNT_ATTRIBUTE,
            REMEMBER_FOR, BATCH_SIZE);
    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_SUCCESS, REL_DUPLICATE, REL_FAILURE);

    public DeduplicateFragments() {
        super(PROPERTIES, RELATIONSHIPS);
    }

    @Override
    public void onTrigger(final ProcessContext context, final ProcessSession session) {
        final List<FlowFile> flowFiles = session.get(context.getProperty(BATCH_SIZE).asInteger());
        if (flowFiles.isEmpty()) {
            return;
        }
        final String identifierAttribute = context.getProperty(IDENTIFIER_ATTRIBUTE).getValue();
        final String indexAttribute = context.getProperty(INDEX_ATTRIBUTE).getValue();
        final String countAttribute = context.getProperty(COUNT_ATTRIBUTE).getValue();
        final long now = System.currentTimeMillis();
        final long rememberMillis = context.getProperty(REMEMBER_FOR).asTimePeriod(TimeUnit.MILLISECONDS);

        final PassedFragments passed;
        try {
            passed = PassedFragments.of(session.getState(Scope.LOCAL), now - rememberMillis);
        } catch (final IOException | RuntimeException e) {
            // without the state no repeat can be recognised: leave the FlowFiles queued and try again later
            getLogger().error("Cannot read this processor's local state ({}); {} FlowFiles stay queued. If the state is "
                    + "damaged, stop the processor and clear its state (repeats that arrive later are then let through)",
                    Failures.types(e), flowFiles.size());
            session.rollback();
            context.yield();
            return;
        }
        for (final FlowFile flowFile : flowFiles) {
            final Fragment fragment;
            try {
                fragment = Fragment.of(flowFile, identifierAttribute, indexAttribute, countAttribute);
            } catch (final IllegalArgumentException e) {
                getLogger().error("FlowFile {} is not a usable fragment: {}", Failures.uuid(flowFile), e.getMessage());
                session.transfer(session.putAttribute(session.penalize(flowFile), ERROR, e.getMessage()), REL_FAILURE);
                continue;
            }
            if (passed.pass(fragment, now)) {
                session.transfer(flowFile, REL_SUCCESS);
            } else {
                // not the identifier: a flow may split on an attribute that carries a file name
                getLogger().info("FlowFile {} repeats fragment {} of {}, already passed: routed to duplicate",
                        Failures.uuid(flowFile), fragment.index(), fragment.count());
                session.getProvenanceReporter().route(flowFile, REL_DUPLICATE, "a repeat of a fragment already passed");
                session.transfer(flowFile, REL_DUPLICATE);
            }
        }
        try {
            session.setState(passed.toState(), Scope.LOCAL);
        } catch (final IOException e) {
            throw new ProcessException("Cannot write this processor's local state (" + Failures.types(e) + ")", e);
        }
    }

    /** A FlowFile's place in the FlowFile it was split from. */
    record Fragment(String identifier, int index, int count) {

        static Fragment of(final FlowFile flowFile, final String identifierAttribute, final String indexAttribute,
                           final String countAttribute) {
            final String identifier = flowFile.getAttribute(identifierAttribute);
            if (identifier == null || identifier.isBlank()) {
                throw new IllegalArgumentException("attribute " + identifierAttribute + " is missing or empty");
            }
            final int count = number(flowFile, countAttribute);
            final int index = number(flowFile, indexAttribute);
            if (count < 1 || count > MAX_FRAGMENTS) {
                throw new IllegalArgumentException("attribute " + countAttribute + " must be between 1 and " + MAX_FRAGMENTS);
            }
            if (index > count) {
                throw new IllegalArgumentException("attribute " + indexAttribute + " (" + index + ") is above "
                        + countAttribute + " (" + count + ")");
            }
            return new Fragment(identifier, index, count);
        }

        private static int number(final FlowFile flowFile, final String attribute) {
            final String value = flowFile.getAttribute(attribute);
            if (value == null) {
                throw new IllegalArgumentException("attribute " + attribute + " is missing");
            }
            try {
                final int number = Integer.parseInt(value.trim());
                if (number < 0) {
                    throw new IllegalArgumentException("attribute " + attribute + " is negative");
                }
                return number;
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException("attribute " + attribute + " is not a whole number");
            }
        }
    }

    /**
     * The fragment indices passed per identifier, with the time of the last one. In the state map: identifier to
     * {@code <last passed, epoch ms>:<Base64 of the bit set of indices>}; identifiers idle since before the cut-off are
     * dropped when read.
     */
    static final class PassedFragments {
        private final Map<String, BitSet> indices = new HashMap<>();
        private final Map<String, Long> lastPassed = new HashMap<>();

        static PassedFragments of(final StateMap state, final long forgetBefore) {
            final PassedFragments passed = new PassedFragments();
            for (final Map.Entry<String, String> entry : state.toMap().entrySet()) {
                final String value = entry.getValue();
                final int colon = value.indexOf(':');
                if (colon < 0) {
                    throw new IllegalStateException("state entry without ':'");
                }
                final long last = Long.parseLong(value.substring(0, colon));
                if (last >= forgetBefore) {
                    passed.indices.put(entry.getKey(), BitSet.valueOf(Base64.getDecoder().decode(value.substring(colon + 1))));
                    passed.lastPassed.put(entry.getKey(), last);
                }
            }
            return passed;
        }

        /** True (and remembered) when the fragment was not passed before. */
        boolean pass(final Fragment fragment, final long now) {
            final BitSet seen = indices.computeIfAbsent(fragment.identifier(), id -> new BitSet());
            if (seen.get(fragment.index())) {
                return false;
            }
            seen.set(fragment.index());
            lastPassed.put(fragment.identifier(), now);
            return true;
        }

        Map<String, String> toState() {
            final Map<String, String> state = new HashMap<>();
            indices.forEach((identifier, seen) -> state.put(identifier,
                    lastPassed.get(identifier) + ":" + Base64.getEncoder().encodeToString(seen.toByteArray())));
            return state;
        }
    }
}
