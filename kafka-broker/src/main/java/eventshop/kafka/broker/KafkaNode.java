package eventshop.kafka.broker;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One node of a Kafka cluster as a process of its own: {@code ./store up --distributed} starts three of them
 * (DESIGN §2, the distributed topology). Runs until the process is stopped (SIGTERM: a controlled shutdown that
 * keeps the data).
 *
 * <pre>
 * java -cp ... eventshop.kafka.broker.KafkaNode --dir DIR --node-id 1 --port 9092 --controller-port 9093 \
 *     --voters 1@localhost:9093,2@localhost:9095,3@localhost:9097 --cluster-id ID --nodes 3
 * </pre>
 */
public final class KafkaNode {

    private KafkaNode() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> options = options(args);
        InProcessKafka.ClusterNode node = new InProcessKafka.ClusterNode(
                Integer.parseInt(required(options, "node-id")), required(options, "voters"),
                required(options, "cluster-id"), Integer.parseInt(required(options, "nodes")));
        InProcessKafka kafka = InProcessKafka.openNode(Path.of(required(options, "dir")),
                Integer.parseInt(required(options, "port")), Integer.parseInt(required(options, "controller-port")), node);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "kafka-node-shutdown"));
        System.out.println("kafka node " + node.nodeId() + " ready on " + kafka.bootstrapServers());
        stopped.await();
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args));
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return value;
    }
}
