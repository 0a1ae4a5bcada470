import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates Pledge's topics if they are missing (run by deploy/local/up as a single-file program with
 * the broker's jars on the class path). Compacted topics are the sources of truth replayed on
 * start-up; the status topic is kept forever because the status view is folded from it.
 *
 * <p>{@code CreateTopics BOOTSTRAP [REPLICAS]}: with REPLICAS instances of each service (default
 * 1), a new installation's topics get max(4, 2 x REPLICAS) partitions, so each instance of a
 * consumer group has partitions to own and a few more instances can join later. Existing topics
 * are never changed: adding partitions moves keys to other partitions (a compacted table would
 * then hold two records of one key, and one resource's events would lose their order), and Kafka
 * cannot remove them. A topic missing from an existing installation gets the partition count the
 * existing ones have, since topics keyed by resource key must be co-partitioned. When an existing
 * topic has fewer partitions than REPLICAS, some instances stay idle: that is warned about.
 */
public class CreateTopics {
  private static final int DEFAULT_PARTITIONS = 4;

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    int replicas = Integer.parseInt(args.length > 1 ? args[1] : "1");
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      Map<String, Integer> existing = existingPartitions(admin);
      int partitions =
          existing.values().stream()
              .max(Integer::compare)
              .orElse(Math.max(DEFAULT_PARTITIONS, 2 * replicas));
      List<NewTopic> topics = topics(partitions);
      List<String> tooFew =
          topics.stream()
              .filter(t -> existing.getOrDefault(t.name(), partitions) < replicas)
              .map(t -> t.name() + " (" + existing.getOrDefault(t.name(), partitions) + ")")
              .toList();
      if (!tooFew.isEmpty()) {
        System.err.printf(
            "warning: fewer partitions than the %d instances of each service, so some instances"
                + " get none of them: %s. Topics are never repartitioned here; start from an"
                + " empty PLEDGE_HOME for more.%n",
            replicas, String.join(", ", tooFew));
      }
      List<NewTopic> missing =
          topics.stream().filter(t -> !existing.containsKey(t.name())).toList();
      for (var entry : admin.createTopics(missing).values().entrySet()) {
        try {
          entry.getValue().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      if (!missing.isEmpty()) {
        System.err.printf("created %d topics with %d partitions%n", missing.size(), partitions);
      }
    }
  }

  /** Pledge's topics (pledge.*) that exist, with their partition counts. */
  private static Map<String, Integer> existingPartitions(Admin admin) throws Exception {
    List<String> names =
        admin.listTopics().names().get().stream().filter(n -> n.startsWith("pledge.")).toList();
    Map<String, Integer> counts = new TreeMap<>();
    admin
        .describeTopics(names)
        .allTopicNames()
        .get()
        .forEach((name, description) -> counts.put(name, description.partitions().size()));
    return counts;
  }

  private static List<NewTopic> topics(int partitions) {
    Map<String, String> compacted = Map.of("cleanup.policy", "compact");
    Map<String, String> forever = Map.of("retention.ms", "-1");
    Map<String, String> day = Map.of("retention.ms", "86400000");
    Map<String, String> hour = Map.of("retention.ms", "3600000");
    List<NewTopic> topics = new ArrayList<>();
    topics.add(topic("pledge.promises", partitions, compacted));
    topics.add(topic("pledge.destinations", partitions, compacted));
    topics.add(topic("pledge.destinations.status", partitions, compacted));
    topics.add(topic("pledge.policies", partitions, compacted));
    topics.add(topic("pledge.placements", partitions, compacted));
    topics.add(topic("pledge.runner.resources", partitions, compacted));
    topics.add(topic("pledge.notifications.delivered", partitions, compacted));
    topics.add(topic("pledge.requests", partitions, Map.of()));
    topics.add(topic("pledge.requests.inbound", partitions, Map.of()));
    topics.add(topic("pledge.works", partitions, Map.of()));
    // Compound Promises: request sets from state-writer to request-intake, read within moments.
    topics.add(topic("pledge.components", partitions, day));
    topics.add(topic("pledge.status", partitions, forever));
    topics.add(topic("pledge.logs", partitions, day));
    // The folded records (request-intake's resource owner): one per resource, compacted, with the
    // partitions of pledge.requests and pledge.status it is folded from. Small segments: every
    // intake start reads the whole topic, so a burst of updates must become cleanable soon.
    topics.add(
        topic(
            "pledge.resources",
            partitions,
            Map.of(
                "cleanup.policy", "compact",
                "compression.type", "zstd",
                "segment.ms", "600000",
                "segment.bytes", "16777216",
                "min.cleanable.dirty.ratio", "0.1")));
    // request-intake's single writer per key: intents co-partitioned with pledge.requests, decided
    // within moments; decisions read once by the replica waiting for them.
    topics.add(topic("pledge.requests.intents", partitions, day));
    topics.add(topic("pledge.requests.decisions", partitions, hour));
    topics.add(topic("pledge.notifications.dlq", partitions, Map.of()));
    // Dry runs: nobody waits for one longer than an hour. Answers carry rendered files, so they
    // may be larger than the broker's 1 MiB default.
    topics.add(topic("pledge.dryruns", partitions, hour));
    topics.add(
        topic(
            "pledge.dryruns.replies",
            partitions,
            Map.of("retention.ms", "3600000", "max.message.bytes", "8388608")));
    return topics;
  }

  private static NewTopic topic(String name, int partitions, Map<String, String> configs) {
    return new NewTopic(name, partitions, (short) 1).configs(configs);
  }
}
