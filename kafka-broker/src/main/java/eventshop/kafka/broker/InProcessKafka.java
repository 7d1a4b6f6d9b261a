package eventshop.kafka.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node Kafka (combined broker + controller, KRaft) in this JVM, on fixed ports and a fixed
 * log directory, so it can be stopped and started again like a real broker: what was acknowledged
 * before a stop is there after the start, and clients reconnect to the same address.
 *
 * <p>Built on {@link KafkaRaftServer} after a one-time {@link Formatter} run (DESIGN §9), not on
 * the test kit, which cannot restart a broker. Used by the launcher ({@link #open}: a kept data
 * directory, formatted on first use), the benchmarks, and tests ({@link #start()}: a temporary
 * directory, deleted on close). This module is the only one that brings the Kafka server jars; no
 * service, nor the starter, carries them. Not thread-safe: one owner drives it.
 */
public final class InProcessKafka implements AutoCloseable {

    private final Path logDir;
    private final int brokerPort;
    private final int controllerPort;
    private final boolean deleteOnClose;
    private final ClusterNode node;
    private KafkaRaftServer server;

    private InProcessKafka(Path logDir, int brokerPort, int controllerPort, boolean deleteOnClose) {
        this(logDir, brokerPort, controllerPort, deleteOnClose, ClusterNode.single(controllerPort));
    }

    private InProcessKafka(Path logDir, int brokerPort, int controllerPort, boolean deleteOnClose, ClusterNode node) {
        this.logDir = logDir;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.deleteOnClose = deleteOnClose;
        this.node = node;
    }

    /**
     * Where a node stands in a cluster of combined broker + controller nodes (KRaft, a static quorum of every node):
     * its id, the quorum's voters ({@code 1@localhost:9093,2@localhost:9095,...}), the cluster's id (the same on
     * every node, given at the first format) and how many nodes there are, which is also the replication factor of
     * the internal topics and of the topics clients create; {@code min.insync.replicas} is a majority of them.
     */
    public record ClusterNode(int nodeId, String quorumVoters, String clusterId, int nodes) {

        static ClusterNode single(int controllerPort) {
            return new ClusterNode(1, "1@localhost:" + controllerPort, null, 1);
        }
    }

    /**
     * Starts one node of a cluster over {@code logDir} (formatted first with the cluster's id if it holds no Kafka
     * metadata yet); {@link #close()} stops it and keeps the data.
     */
    public static InProcessKafka openNode(Path logDir, int brokerPort, int controllerPort, ClusterNode node) {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        InProcessKafka kafka = new InProcessKafka(logDir, brokerPort, controllerPort, false, node);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            kafka.format();
        }
        kafka.startBroker();
        return kafka;
    }

    /**
     * Starts a broker over {@code logDir} (formatted first if it holds no Kafka metadata yet) on the
     * given ports; {@link #close()} stops it and keeps the data, so the next open finds every record.
     */
    public static InProcessKafka open(Path logDir, int brokerPort, int controllerPort) {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        InProcessKafka kafka = new InProcessKafka(logDir, brokerPort, controllerPort, false);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            kafka.format();
        }
        kafka.startBroker();
        return kafka;
    }

    /** A free TCP port on this machine (for a broker or controller listener). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Formats a fresh log directory and starts a broker on two free ports. */
    public static InProcessKafka start() {
        try {
            Path dir = Files.createTempDirectory("eventshop-kafka-");
            InProcessKafka kafka = new InProcessKafka(dir, freePort(), freePort(), true);
            kafka.format();
            kafka.startBroker();
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "localhost:" + brokerPort;
    }

    public boolean isRunning() {
        return server != null;
    }

    /** Stops the broker (controlled shutdown); its data stays on disk. */
    public void stopBroker() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /** Starts the broker over the same directory and ports. */
    public void startBroker() {
        if (server != null) {
            return;
        }
        KafkaRaftServer raftServer = new KafkaRaftServer(new KafkaConfig(config(), false), Time.SYSTEM);
        raftServer.startup();
        server = raftServer;
    }

    /** Creates topics (idempotent for topics that exist with any layout). */
    public void createTopics(int partitions, String... names) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = Stream.of(names).filter(name -> !existing.contains(name))
                    .map(name -> new NewTopic(name, partitions, (short) node.nodes())).toList();
            admin.createTopics(missing).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("could not create topics " + List.of(names), e);
        }
    }

    /** Stops the broker; a temporary broker ({@link #start()}) also deletes its directory. */
    @Override
    public void close() {
        stopBroker();
        if (!deleteOnClose) {
            return;
        }
        try (Stream<Path> files = Files.walk(logDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    private void format() {
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setClusterId(node.clusterId() != null ? node.clusterId() : Uuid.randomUuid().toString())
                    .setNodeId(node.nodeId())
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logDir.toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("could not format Kafka log directory " + logDir, e);
        }
    }

    private Properties config() {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(node.nodeId()));
        props.put("controller.quorum.voters", node.quorumVoters());
        props.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        String replicas = String.valueOf(node.nodes());
        String inSync = String.valueOf(node.nodes() / 2 + 1);
        props.put("offsets.topic.replication.factor", replicas);
        props.put("default.replication.factor", replicas);
        props.put("min.insync.replicas", inSync);
        props.put("offsets.topic.num.partitions", "2");
        props.put("transaction.state.log.replication.factor", replicas);
        props.put("transaction.state.log.min.isr", inSync);
        props.put("share.coordinator.state.topic.replication.factor", replicas);
        props.put("group.initial.rebalance.delay.ms", "0");
        // a cluster's topics get several partitions, which the instances of a service share
        props.put("num.partitions", node.nodes() == 1 ? "1" : "4");
        props.put("auto.create.topics.enable", "true");
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.put("background.threads", "2");
        props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        props.put("controlled.shutdown.enable", "true");
        // after a kill -9 the restarted broker cannot register until the controller has fenced its previous
        // incarnation, which takes a session timeout without heartbeats (9 s by default): 3 s here, with
        // heartbeats every 500 ms (broker and controller share this process, so only a pause delays them)
        // (a node of a cluster keeps Kafka's own 9 s and 2 s: its heartbeats cross processes, which a busy machine
        // delays, and a fenced broker makes its partitions' leaders move)
        if (node.nodes() == 1) {
            props.put("broker.session.timeout.ms", "3000");
            props.put("broker.heartbeat.interval.ms", "500");
        }
        // the log cleaner (it compacts __consumer_offsets) allocates its offset map on the heap at start: 128 MiB by
        // default, a third of an idle store's heap; 8 MiB holds 350,000 keys, more than a store's offsets topic has
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        return props;
    }
}
