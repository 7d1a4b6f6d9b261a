package eventshop.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What a set of Spring Boot configuration files lets an environment set: the environment variables an
 * application reads. A name counts when it is a placeholder in one of the files ({@code ${EVENTSHOP_TOKEN_SECRET}}),
 * or the relaxed-binding form of a property the files set ({@code SERVER_PORT} for {@code server.port}), or the form
 * of a property Spring Boot itself reads before any file ({@code spring.profiles.active}, {@code spring.config.import}),
 * or the JVM's own {@code JAVA_TOOL_OPTIONS}.
 */
final class ConfigurationFiles {

    /** Read by Spring Boot before any configuration file: which profiles, which files to import. */
    private static final List<String> READ_BY_SPRING_BOOT = List.of("spring.profiles.active", "spring.config.import");

    /** Read by the JVM. */
    private static final List<String> READ_BY_THE_JVM = List.of("JAVA_TOOL_OPTIONS");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.\\-]+)");

    private final List<Path> files;

    ConfigurationFiles(Collection<Path> files) {
        this.files = List.copyOf(files);
    }

    List<Path> files() {
        return files;
    }

    /** Every property the files set (all their documents), flattened to dotted names. */
    Map<String, Object> properties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (Path file : files) {
            for (Object document : yaml().loadAll(Reactor.read(file))) {
                if (document instanceof Map<?, ?> map) {
                    flatten("", map, properties);
                }
            }
        }
        return properties;
    }

    /** The environment variables these files (and Spring Boot and the JVM) read. */
    Set<String> variablesRead() {
        Set<String> names = new TreeSet<>(READ_BY_THE_JVM);
        READ_BY_SPRING_BOOT.forEach(property -> names.add(environmentForm(property)));
        properties().keySet().forEach(property -> names.add(environmentForm(property)));
        for (Path file : files) {
            Matcher placeholder = PLACEHOLDER.matcher(Reactor.read(file));
            while (placeholder.find()) {
                String name = placeholder.group(1);
                names.add(name.equals(name.toUpperCase()) ? name : environmentForm(name));
            }
        }
        return names;
    }

    /** Spring Boot's relaxed binding, the way round an environment variable takes: server.port is SERVER_PORT. */
    static String environmentForm(String property) {
        return property.replace("[", ".").replace("]", "").replace("-", "").replace('.', '_').toUpperCase();
    }

    static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    /** A YAML file's single document (a compose file, a kustomization), or each of a manifest's documents. */
    static List<Map<String, Object>> documents(Path file) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : yaml().loadAll(Reactor.read(file))) {
            if (document != null) {
                documents.add(map(document));
            }
        }
        return documents;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        if (!(value instanceof Map<?, ?>)) {
            throw new AssertionError("not a mapping: " + value);
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        if (!(value instanceof List<?>)) {
            throw new AssertionError("not a list: " + value);
        }
        return (List<Object>) value;
    }

    /** The value at a dotted path of nested mappings, or null. */
    static Object at(Map<String, Object> map, String path) {
        Object current = map;
        for (String key : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }

    static boolean exists(Path file) {
        return Files.isRegularFile(file);
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> into) {
        for (var entry : map.entrySet()) {
            String key = prefix.isEmpty() ? String.valueOf(entry.getKey()) : prefix + "." + entry.getKey();
            if (entry.getValue() instanceof Map<?, ?> nested) {
                flatten(key, nested, into);
            } else if (entry.getValue() instanceof List<?> list) {
                into.put(key, list);
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i) instanceof Map<?, ?> element) {
                        flatten(key + "[" + i + "]", element, into);
                    } else {
                        into.put(key + "[" + i + "]", list.get(i));
                    }
                }
            } else {
                into.put(key, entry.getValue());
            }
        }
    }
}
