package eventshop.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The reactor as its poms describe it, read from the source tree: which modules are applications (the images
 * profile builds an image of a module that sets {@code jib.skip=false}), each one's port and main class, and the
 * images profile's own configuration. The deployment's tests take every expectation from here and from the
 * applications' configuration files, never from a list of their own.
 */
final class Reactor {

    /** The reactor's root: the surefire configuration of deploy/pom.xml says where it is. */
    static final Path ROOT = Path.of(System.getProperty("eventshop.root", "..")).toAbsolutePath().normalize();

    /** config/: what the Config Server serves and Kubernetes mounts from a ConfigMap. */
    static final Path CONFIG = ROOT.resolve("config");

    static final Path DEPLOY = ROOT.resolve("deploy");

    private static final Pom ROOT_POM = Pom.read(ROOT.resolve("pom.xml"));

    private Reactor() {
    }

    /** An application of the topology: a module the images profile builds an image of. */
    record Application(String name, Path module, int port, String mainClass) {

        /** Its own configuration, in its jar: {@code spring.config.name} is the application's name. */
        Path ownConfiguration() {
            return module.resolve("src/main/resources").resolve(name + ".yml");
        }

        /** The image the images profile builds for it, named as the profile names it. */
        String image() {
            return Images.imageOf(name);
        }

        /**
         * Whether it depends on another module of the reactor, itself or through the poms it inherits from below
         * the root (services/pom.xml): its image then needs those modules built first.
         */
        boolean dependsOnTheReactor() {
            String reactor = ROOT_POM.text("groupId");
            for (Path directory = module; !directory.equals(ROOT); directory = directory.getParent()) {
                if (Pom.read(directory.resolve("pom.xml")).dependencyGroupIds().contains(reactor)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Every application of the reactor, in the order of the modules. */
    static List<Application> applications() {
        List<Application> applications = new ArrayList<>();
        collect(ROOT, applications);
        return applications;
    }

    static Application application(String name) {
        return applications().stream().filter(application -> application.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no application " + name + " in the reactor"));
    }

    static String version() {
        return ROOT_POM.text("version");
    }

    private static void collect(Path module, List<Application> applications) {
        Pom pom = Pom.read(module.resolve("pom.xml"));
        if ("false".equals(pom.property("jib.skip").orElse(null))) {
            String name = pom.text("artifactId");
            String port = pom.property("eventshop.image.port")
                    .orElseThrow(() -> new AssertionError(name + " builds an image but sets no eventshop.image.port"));
            String mainClass = pom.property("start-class")
                    .orElseThrow(() -> new AssertionError(name + " builds an image but sets no start-class"));
            applications.add(new Application(name, module, Integer.parseInt(port), mainClass));
        }
        for (String child : pom.modules()) {
            collect(module.resolve(child), applications);
        }
    }

    /** The images profile of the root pom: what every image is built with. */
    static final class Images {

        private static final Element CONFIGURATION = ROOT_POM.imagesPlugin();

        private Images() {
        }

        static String imageOf(String artifactId) {
            return interpolate(Pom.child(CONFIGURATION, "to", "image").getTextContent().trim(), artifactId);
        }

        /** What every image's name starts with ("eventshop/"): the name with the application's left out. */
        static String prefix() {
            String marker = "\u0000";
            String image = imageOf(marker);
            return image.substring(0, image.indexOf(marker));
        }

        /** The numeric user id the images run as. */
        static long uid() {
            return Long.parseLong(user().split(":")[0]);
        }

        static String base() {
            return interpolate(Pom.child(CONFIGURATION, "from", "image").getTextContent().trim(), "");
        }

        static String user() {
            return Pom.child(CONFIGURATION, "container", "user").getTextContent().trim();
        }

        static String workingDirectory() {
            return Pom.child(CONFIGURATION, "container", "workingDirectory").getTextContent().trim();
        }

        static String format() {
            return Pom.child(CONFIGURATION, "container", "format").getTextContent().trim();
        }

        static List<String> jvmFlags() {
            return Pom.children(Pom.child(CONFIGURATION, "container", "jvmFlags")).stream()
                    .map(flag -> flag.getTextContent().trim()).toList();
        }

        /** The labels, with the properties of one application's module filled in. */
        static Map<String, String> labels(String artifactId, String description) {
            Map<String, String> labels = new LinkedHashMap<>();
            for (Element label : Pom.children(Pom.child(CONFIGURATION, "container", "labels"))) {
                labels.put(label.getTagName(), interpolate(label.getTextContent().trim(), artifactId)
                        .replace("${project.description}", description));
            }
            return labels;
        }

        private static String interpolate(String value, String artifactId) {
            String result = value.replace("${project.artifactId}", artifactId).replace("${project.version}", version());
            for (var property : ROOT_POM.imagesProfileProperties().entrySet()) {
                result = result.replace("${" + property.getKey() + "}", property.getValue());
            }
            return result;
        }
    }

    /** A pom, as much of it as the deployment's tests read. */
    record Pom(Path file, Element project) {

        static Pom read(Path file) {
            try {
                DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
                factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                Document document = factory.newDocumentBuilder().parse(file.toFile());
                return new Pom(file, document.getDocumentElement());
            } catch (Exception e) {
                throw new IllegalStateException("cannot read " + file, e);
            }
        }

        String text(String name) {
            Element element = child(project, name);
            if (element == null) {
                element = child(project, "parent", name);
            }
            return element.getTextContent().trim();
        }

        Optional<String> property(String name) {
            Element element = child(project, "properties", name);
            return Optional.ofNullable(element).map(e -> e.getTextContent().trim());
        }

        List<String> modules() {
            Element modules = child(project, "modules");
            return modules == null ? List.of() : children(modules).stream().map(m -> m.getTextContent().trim()).toList();
        }

        List<String> dependencyGroupIds() {
            Element dependencies = child(project, "dependencies");
            return dependencies == null ? List.of() : children(dependencies).stream()
                    .map(dependency -> child(dependency, "groupId").getTextContent().trim()).toList();
        }

        Element imagesProfile() {
            return children(child(project, "profiles")).stream()
                    .filter(profile -> "images".equals(child(profile, "id").getTextContent().trim()))
                    .findFirst().orElseThrow(() -> new AssertionError("the root pom has no profile images"));
        }

        Map<String, String> imagesProfileProperties() {
            Map<String, String> properties = new LinkedHashMap<>();
            children(child(imagesProfile(), "properties"))
                    .forEach(property -> properties.put(property.getTagName(), property.getTextContent().trim()));
            return properties;
        }

        Element imagesPlugin() {
            Element plugin = children(child(imagesProfile(), "build", "plugins")).stream()
                    .filter(p -> "jib-maven-plugin".equals(child(p, "artifactId").getTextContent().trim()))
                    .findFirst().orElseThrow(() -> new AssertionError("the images profile has no jib-maven-plugin"));
            return child(plugin, "configuration");
        }

        static Element child(Element parent, String... path) {
            Element current = parent;
            for (String name : path) {
                if (current == null) {
                    return null;
                }
                current = children(current).stream().filter(e -> e.getTagName().equals(name)).findFirst().orElse(null);
            }
            return current;
        }

        static List<Element> children(Element parent) {
            List<Element> children = new ArrayList<>();
            for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element element) {
                    children.add(element);
                }
            }
            return children;
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** config/'s files, by name. */
    static List<Path> configFiles() {
        try (Stream<Path> files = Files.list(CONFIG)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
