package io.pledge.bench.chaos;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/** Describes the services' consumer groups through the broker's Admin API, for {@link Takeover}. */
public final class GroupWatch implements AutoCloseable {

  /**
   * The consumer groups of each service, as their configuration names them: intake's Kafka Streams
   * application ({@code pledge.intake.resources.application-id}, default {@code pledge-resources})
   * and its inbound channel's group ({@code mp.messaging.incoming.requests-inbound.group.id}); the
   * runner's {@code requests} and {@code dryruns} channels; the writer's {@code
   * pledge.writer.group-id}; the notifier's {@code pledge.notifier.kafka.group-id}.
   */
  public static final Map<String, List<String>> GROUPS =
      Map.of(
          "request-intake", List.of("pledge-resources", "request-intake"),
          "pipeline-runner", List.of("pledge-pipeline-runner", "pledge-pipeline-runner-dryruns"),
          "state-writer", List.of("pledge-state-writer"),
          "notifier", List.of("pledge-notifier"));

  private static final long TIMEOUT_MILLIS = 5_000;

  private final Admin admin;

  public GroupWatch(String bootstrap) {
    this.admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG,
                "bench-group-watch",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) TIMEOUT_MILLIS,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) TIMEOUT_MILLIS));
  }

  /** The group as the coordinator describes it now. */
  public Takeover.Snapshot describe(String group)
      throws InterruptedException, ExecutionException, TimeoutException {
    ConsumerGroupDescription d =
        admin
            .describeConsumerGroups(List.of(group))
            .describedGroups()
            .get(group)
            .get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    List<Takeover.Member> members = new ArrayList<>();
    for (MemberDescription m : d.members()) {
      Set<String> partitions = new TreeSet<>();
      m.assignment().topicPartitions().forEach(tp -> partitions.add(tp.toString()));
      members.add(new Takeover.Member(m.consumerId(), m.clientId(), partitions));
    }
    return new Takeover.Snapshot(d.groupState().toString(), members);
  }

  /** Every partition of the topics assigned in {@code snapshot} ({@code topic-n}). */
  public Set<String> partitions(Takeover.Snapshot snapshot)
      throws InterruptedException, ExecutionException, TimeoutException {
    Set<String> topics = new HashSet<>();
    for (Takeover.Member m : snapshot.members()) {
      for (String p : m.partitions()) {
        topics.add(p.substring(0, p.lastIndexOf('-')));
      }
    }
    Set<String> all = new TreeSet<>();
    if (topics.isEmpty()) {
      return all;
    }
    Map<String, TopicDescription> described =
        admin.describeTopics(topics).allTopicNames().get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    for (TopicDescription t : described.values()) {
      t.partitions().forEach(p -> all.add(new TopicPartition(t.name(), p.partition()).toString()));
    }
    return all;
  }

  @Override
  public void close() {
    admin.close();
  }
}
