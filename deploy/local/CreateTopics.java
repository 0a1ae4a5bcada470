import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates Pledge's topics if they are missing (run by deploy/local/up as a single-file program with
 * the broker's jars on the class path). Compacted topics are the sources of truth replayed on
 * start-up; the status topic is kept forever because the status view is folded from it.
 */
public class CreateTopics {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    int partitions = Integer.parseInt(args.length > 1 ? args[1] : "4");
    Map<String, String> compacted = Map.of("cleanup.policy", "compact");
    Map<String, String> forever = Map.of("retention.ms", "-1");
    Map<String, String> day = Map.of("retention.ms", "86400000");
    Map<String, String> hour = Map.of("retention.ms", "3600000");
    List<NewTopic> topics = new ArrayList<>();
    topics.add(topic("pledge.promises", partitions, compacted));
    topics.add(topic("pledge.destinations", partitions, compacted));
    topics.add(topic("pledge.policies", partitions, compacted));
    topics.add(topic("pledge.placements", partitions, compacted));
    topics.add(topic("pledge.runner.resources", partitions, compacted));
    topics.add(topic("pledge.notifications.delivered", partitions, compacted));
    topics.add(topic("pledge.requests", partitions, Map.of()));
    topics.add(topic("pledge.requests.inbound", partitions, Map.of()));
    topics.add(topic("pledge.works", partitions, Map.of()));
    topics.add(topic("pledge.status", partitions, forever));
    topics.add(topic("pledge.logs", partitions, day));
    // The folded records (request-intake's resource owner): one per resource, compacted, with the
    // partitions of pledge.requests and pledge.status it is folded from.
    topics.add(
        topic(
            "pledge.resources",
            partitions,
            Map.of(
                "cleanup.policy", "compact",
                "compression.type", "zstd",
                "segment.ms", "600000",
                "min.cleanable.dirty.ratio", "0.1")));
    topics.add(topic("pledge.notifications.dlq", partitions, Map.of()));
    // Dry runs: nobody waits for one longer than an hour. Answers carry rendered files, so they
    // may be larger than the broker's 1 MiB default.
    topics.add(topic("pledge.dryruns", partitions, hour));
    topics.add(
        topic(
            "pledge.dryruns.replies",
            partitions,
            Map.of("retention.ms", "3600000", "max.message.bytes", "8388608")));
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      for (var entry : admin.createTopics(topics).values().entrySet()) {
        try {
          entry.getValue().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    }
  }

  private static NewTopic topic(String name, int partitions, Map<String, String> configs) {
    return new NewTopic(name, partitions, (short) 1).configs(configs);
  }
}
