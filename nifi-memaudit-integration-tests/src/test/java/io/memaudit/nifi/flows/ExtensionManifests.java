package io.memaudit.nifi.flows;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The extensions of a folder of NARs, read from the {@code META-INF/docs/extension-manifest.xml} that nifi-nar-maven-plugin
 * writes into each, and a check of a flow definition against them: every processor and controller service must exist in the
 * NAR its bundle names, with every property the flow sets. NARs are matched by artifact id ({@code Nar-Id}), so the
 * repackaged nifi-standard-nar stands in for Apache's; bundles in {@code requiredGroup} must be present in the exact version.
 */
final class ExtensionManifests {

    /**
     * One processor or controller service: its property names, whether it takes dynamic properties, its relationships, and
     * whether each dynamic property also names a relationship (RouteOnAttribute).
     */
    record Extension(Set<String> properties, boolean dynamicProperties, Set<String> relationships,
                     boolean dynamicRelationships) {
    }

    /** One NAR's coordinates and extensions, by type name. */
    record Nar(String group, String artifact, String version, Map<String, Extension> extensions) {
    }

    private final Map<String, Nar> narsByArtifact = new HashMap<>();
    private final Set<String> unchecked = new LinkedHashSet<>();

    /** Reads every {@code .nar} in {@code directory}. */
    static ExtensionManifests read(final Path directory) throws IOException {
        final ExtensionManifests manifests = new ExtensionManifests();
        try (Stream<Path> files = Files.list(directory)) {
            for (final Path file : files.filter(f -> f.toString().endsWith(".nar")).sorted().toList()) {
                final Nar nar = readNar(file);
                manifests.narsByArtifact.put(nar.artifact(), nar);
            }
        }
        return manifests;
    }

    private static Nar readNar(final Path file) throws IOException {
        try (JarFile jar = new JarFile(file.toFile())) {
            final var attributes = jar.getManifest().getMainAttributes();
            final ZipEntry entry = jar.getEntry("META-INF/docs/extension-manifest.xml");
            final Map<String, Extension> extensions = new HashMap<>();
            if (entry != null) {
                try (InputStream in = jar.getInputStream(entry)) {
                    final Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
                    final NodeList list = document.getElementsByTagName("extension");
                    for (int i = 0; i < list.getLength(); i++) {
                        final Element extension = (Element) list.item(i);
                        final Set<String> properties = new LinkedHashSet<>();
                        final Element propertiesElement = child(extension, "properties");
                        if (propertiesElement != null) {
                            for (Node property = propertiesElement.getFirstChild(); property != null; property = property.getNextSibling()) {
                                if (property instanceof Element element && element.getTagName().equals("property")) {
                                    properties.add(child(element, "name").getTextContent());
                                }
                            }
                        }
                        final Set<String> relationships = new LinkedHashSet<>();
                        final Element relationshipsElement = child(extension, "relationships");
                        if (relationshipsElement != null) {
                            for (Node relationship = relationshipsElement.getFirstChild(); relationship != null;
                                 relationship = relationship.getNextSibling()) {
                                if (relationship instanceof Element element && element.getTagName().equals("relationship")) {
                                    relationships.add(child(element, "name").getTextContent());
                                }
                            }
                        }
                        extensions.put(child(extension, "name").getTextContent(),
                                new Extension(properties, child(extension, "dynamicProperties") != null, relationships,
                                        child(extension, "dynamicRelationship") != null));
                    }
                } catch (final Exception e) {
                    throw new IOException(file + ": cannot read META-INF/docs/extension-manifest.xml: " + e.getMessage(), e);
                }
            }
            return new Nar(attributes.getValue("Nar-Group"), attributes.getValue("Nar-Id"), attributes.getValue("Nar-Version"),
                    extensions);
        }
    }

    private static Element child(final Element parent, final String tag) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(tag)) {
                return element;
            }
        }
        return null;
    }

    /** The artifacts a flow named that no NAR here provides (so its components were not checked). */
    Set<String> unchecked() {
        return unchecked;
    }

    /**
     * Every mismatch between {@code flow} (a flow definition) and these NARs, one line each naming the flow, the component and
     * the fix; empty when the flow matches. Bundles of {@code requiredGroup} must be present in their exact version; other
     * bundles are checked where a NAR with their artifact id is present.
     */
    List<String> problems(final String flowName, final JsonNode flow, final String requiredGroup) {
        final List<String> problems = new ArrayList<>();
        checkGroup(flowName, flow.path("flowContents"), requiredGroup, problems);
        return problems;
    }

    /**
     * Every wiring fault of {@code flow}'s processors whose NAR is here, one line each: a relationship (from the manifest,
     * plus dynamic properties where they name relationships) that is neither connected nor auto-terminated, and a failure
     * relationship (a name with "fail", not.found, permission.denied) that is auto-terminated. Empty when sound.
     */
    List<String> wiringProblems(final String flowName, final JsonNode flow) {
        final List<String> problems = new ArrayList<>();
        final JsonNode group = flow.path("flowContents");
        for (final JsonNode processor : group.path("processors")) {
            final Nar nar = narsByArtifact.get(processor.path("bundle").path("artifact").asText());
            final Extension extension = nar == null ? null : nar.extensions().get(processor.path("type").asText());
            if (extension == null) {
                continue;
            }
            final Set<String> relationships = new LinkedHashSet<>(extension.relationships());
            if (extension.dynamicRelationships()) {
                processor.path("properties").fieldNames().forEachRemaining(property -> {
                    if (processor.path("propertyDescriptors").path(property).path("dynamic").asBoolean(false)) {
                        relationships.add(property);
                    }
                });
            }
            if (processor.path("type").asText().endsWith(".LookupRecord")) {
                // the manifest lists the relationships of both routing strategies; a processor has one set
                relationships.removeAll("route-to-success".equals(processor.path("properties").path("routing-strategy").asText())
                        ? Set.of("matched", "unmatched") : Set.of("success"));
            }
            final Set<String> terminated = new LinkedHashSet<>();
            processor.path("autoTerminatedRelationships").forEach(name -> terminated.add(name.asText()));
            final Set<String> connected = new LinkedHashSet<>();
            for (final JsonNode connection : group.path("connections")) {
                if (connection.path("source").path("id").asText().equals(processor.path("identifier").asText())) {
                    connection.path("selectedRelationships").forEach(name -> connected.add(name.asText()));
                }
            }
            final String name = flowName + ": '" + processor.path("name").asText() + "'";
            for (final String relationship : relationships) {
                final boolean failure = relationship.contains("fail") || relationship.equals("not.found")
                        || relationship.equals("permission.denied");
                if (!terminated.contains(relationship) && !connected.contains(relationship)) {
                    problems.add(name + ": relationship '" + relationship + "' is neither connected nor auto-terminated");
                } else if (terminated.contains(relationship) && failure) {
                    problems.add(name + ": failure relationship '" + relationship + "' is auto-terminated; connect it to a "
                            + "failure directory or back to the processor (retry)");
                }
            }
        }
        return problems;
    }

    private void checkGroup(final String flowName, final JsonNode group, final String requiredGroup, final List<String> problems) {
        for (final String kind : List.of("processors", "controllerServices")) {
            for (final JsonNode component : group.path(kind)) {
                checkComponent(flowName, component, requiredGroup, problems);
            }
        }
        for (final JsonNode child : group.path("processGroups")) {
            checkGroup(flowName, child, requiredGroup, problems);
        }
    }

    private void checkComponent(final String flowName, final JsonNode component, final String requiredGroup,
                                final List<String> problems) {
        final String name = flowName + ": '" + component.path("name").asText() + "'";
        final String type = component.path("type").asText();
        final JsonNode bundle = component.path("bundle");
        final String coordinates = bundle.path("group").asText() + ":" + bundle.path("artifact").asText() + ":"
                + bundle.path("version").asText();
        final Nar nar = narsByArtifact.get(bundle.path("artifact").asText());
        if (nar == null) {
            if (bundle.path("group").asText().equals(requiredGroup)) {
                problems.add(name + ": bundle " + coordinates + " is not among the built NARs " + narsByArtifact.keySet());
            } else {
                unchecked.add(coordinates);
            }
            return;
        }
        if (bundle.path("group").asText().equals(requiredGroup) && !nar.version().equals(bundle.path("version").asText())) {
            problems.add(name + ": bundle version " + bundle.path("version").asText() + " but the NAR is " + nar.version()
                    + " (update flows/build_flows.py and run it)");
        }
        final Extension extension = nar.extensions().get(type);
        if (extension == null) {
            problems.add(name + ": type " + type + " does not exist in " + coordinates + " (it has "
                    + nar.extensions().keySet().stream().sorted().toList() + ")");
            return;
        }
        final JsonNode descriptors = component.path("propertyDescriptors");
        component.path("properties").fieldNames().forEachRemaining(property -> {
            final boolean dynamic = descriptors.path(property).path("dynamic").asBoolean(false);
            if (dynamic && !extension.dynamicProperties()) {
                problems.add(name + ": dynamic property '" + property + "' but " + type + " takes no dynamic properties");
            } else if (!dynamic && !extension.properties().contains(property)) {
                problems.add(name + ": property '" + property + "' is not a property of " + type + " (it has "
                        + extension.properties() + ")");
            }
        });
    }
}
