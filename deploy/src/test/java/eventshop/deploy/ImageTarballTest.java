package eventshop.deploy;

import static eventshop.deploy.ConfigurationFiles.at;
import static eventshop.deploy.ConfigurationFiles.list;
import static eventshop.deploy.ConfigurationFiles.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import eventshop.deploy.Reactor.Application;
import eventshop.deploy.Reactor.Images;

/**
 * {@code ./mvnw -Pimages package} builds a runnable OCI image: the images profile itself runs, through Maven, on
 * one application, and the tarball it writes is opened. Only the base image differs from a real build: Jib's
 * {@code scratch} instead of eclipse-temurin, since a test may not depend on a registry; everything the profile
 * configures (entry point, JVM flags, main class, user, port, labels, layers) is what is checked. The application
 * is one whose module needs no other module of the reactor built first (the Config Server), so that Maven builds
 * that module alone.
 */
class ImageTarballTest {

    @TempDir
    static Path directory;

    private static Application application;

    private static Map<String, byte[]> image;

    @BeforeAll
    static void build() throws Exception {
        application = Reactor.applications().stream().filter(candidate -> !candidate.dependsOnTheReactor())
                .findFirst().orElseThrow(() -> new AssertionError("no application builds without the reactor"));
        Path tarball = directory.resolve("image.tar");
        Path log = directory.resolve("maven.log");
        List<String> command = new ArrayList<>(List.of(Reactor.ROOT.resolve("mvnw").toString(), "-B", "-ntp",
                "-f", Reactor.ROOT.resolve("pom.xml").toString(), "-Pimages",
                "-pl", Reactor.ROOT.relativize(application.module()).toString(), "package",
                "-Dmaven.test.skip=true", "-Dspring-boot.repackage.skip=true",
                "-Djib.from.image=scratch", "-Djib.outputPaths.tar=" + tarball));
        String repository = System.getProperty("eventshop.maven.repository", "");
        if (!repository.isBlank()) {
            command.add("-Dmaven.repo.local=" + repository);
        }
        if (Boolean.getBoolean("eventshop.maven.offline")) {
            command.add("-o");
        }
        ProcessBuilder maven = new ProcessBuilder(command).directory(Reactor.ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        maven.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = maven.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("Maven did not finish building the image in 5 minutes:\n" + Files.readString(log));
        }
        assertThat(process.exitValue()).as("%s\n%s", String.join(" ", command), Files.readString(log)).isZero();
        try (InputStream in = Files.newInputStream(tarball)) {
            image = Tar.read(in);
        }
    }

    @Test
    void is_an_oci_image_named_as_compose_and_kubernetes_run_it() {
        Map<String, Object> index = json(image.get("index.json"));
        Map<String, Object> manifest = map(list(index.get("manifests")).getFirst());

        assertThat(manifest.get("mediaType")).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(Images.format()).isEqualTo("OCI");
        assertThat(at(manifest, "annotations")).isEqualTo(Map.of("org.opencontainers.image.ref.name", application.image()));
    }

    @Test
    void starts_the_application_with_the_container_flags() {
        List<Object> entrypoint = list(at(config(), "config.Entrypoint"));

        List<Object> expected = new ArrayList<>(List.of("java"));
        expected.addAll(Images.jvmFlags());
        expected.addAll(List.of("-cp", "@/app/jib-classpath-file", application.mainClass()));
        assertThat(entrypoint).isEqualTo(expected);
        assertThat(Images.jvmFlags()).anyMatch(flag -> flag.startsWith("-XX:MaxRAMPercentage="))
                .contains("-XX:+ExitOnOutOfMemoryError");
        assertThat(application.module().resolve("src/main/java/" + application.mainClass().replace('.', '/') + ".java"))
                .isRegularFile();
        assertThat(at(config(), "config.WorkingDir")).isEqualTo(Images.workingDirectory());
    }

    @Test
    void holds_the_main_class_and_its_classpath() throws IOException {
        Map<String, byte[]> classes = layer("classes");
        Map<String, byte[]> arguments = layer("jvm arg files");

        assertThat(classes).containsKey("app/classes/" + application.mainClass().replace('.', '/') + ".class");
        assertThat(new String(arguments.get("app/jib-main-class-file"), StandardCharsets.UTF_8).trim())
                .isEqualTo(application.mainClass());
        assertThat(new String(arguments.get("app/jib-classpath-file"), StandardCharsets.UTF_8))
                .contains("/app/classes", "/app/libs/");
    }

    @Test
    void runs_as_a_user_that_is_not_root() {
        String user = String.valueOf(at(config(), "config.User"));

        assertThat(user).isEqualTo(Images.user());
        assertThat(Images.uid()).isPositive();
        assertThat(user).doesNotStartWith("root").doesNotStartWith("0:");
    }

    @Test
    void exposes_the_port_of_the_application() {
        assertThat(map(at(config(), "config.ExposedPorts")).keySet()).containsExactly(application.port() + "/tcp");
    }

    @Test
    void carries_the_open_container_labels() {
        Map<String, Object> labels = map(at(config(), "config.Labels"));

        assertThat(labels).containsEntry("org.opencontainers.image.title", application.name())
                .containsEntry("org.opencontainers.image.version", Reactor.version())
                .containsEntry("org.opencontainers.image.base.name", Images.base())
                .containsKey("org.opencontainers.image.description");
        assertThat(Images.base()).isEqualTo("eclipse-temurin:25-jre");
        assertThat(labels.keySet()).containsExactlyInAnyOrderElementsOf(Images.labels(application.name(), "").keySet());
    }

    private static Map<String, Object> config() {
        return json(blob(String.valueOf(at(manifest(), "config.digest"))));
    }

    private static Map<String, Object> manifest() {
        Map<String, Object> index = json(image.get("index.json"));
        return json(blob(String.valueOf(map(list(index.get("manifests")).getFirst()).get("digest"))));
    }

    /** The files of the layer whose history says what it holds (Jib: dependencies, resources, classes, ...). */
    private static Map<String, byte[]> layer(String comment) throws IOException {
        List<Object> history = list(config().get("history"));
        List<Object> layers = list(manifest().get("layers"));
        for (int i = 0; i < history.size(); i++) {
            if (comment.equals(map(history.get(i)).get("comment"))) {
                byte[] compressed = blob(String.valueOf(map(layers.get(i)).get("digest")));
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
                    return Tar.read(in);
                }
            }
        }
        throw new AssertionError("no layer " + comment + " in " + history);
    }

    private static byte[] blob(String digest) {
        byte[] blob = image.get("blobs/" + digest.replace(':', '/'));
        assertThat(blob).as("blob %s", digest).isNotNull();
        return blob;
    }

    /** JSON is YAML: SnakeYAML reads it. */
    private static Map<String, Object> json(byte[] bytes) {
        return map(ConfigurationFiles.yaml().load(new String(bytes, StandardCharsets.UTF_8)));
    }

    /** The regular files of a tar stream (ustar headers; what Jib writes), but for the large ones (the layers of
     *  dependencies), which are left out. */
    static final class Tar {

        private static final long LARGE = 8 << 20;

        private Tar() {
        }

        static Map<String, byte[]> read(InputStream in) throws IOException {
            Map<String, byte[]> files = new LinkedHashMap<>();
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                long size = Long.parseLong(field(header, 124, 12).trim(), 8);
                byte type = header[156];
                if ((type == '0' || type == 0) && size <= LARGE) {
                    files.put(prefix.isEmpty() ? name : prefix + "/" + name, in.readNBytes((int) size));
                } else {
                    in.skipNBytes(size);
                }
                in.skipNBytes((512 - size % 512) % 512);
            }
            return files;
        }

        private static String field(byte[] header, int offset, int length) {
            int end = offset;
            while (end < offset + length && header[end] != 0) {
                end++;
            }
            return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
        }
    }
}
