package io.pledge.intake.kafka;

import io.pledge.intake.telemetry.ConsumerProgress;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;

/**
 * Every consumer group's progress, read from the broker (committed offsets against end offsets)
 * with one admin client, made on first use: what the console's platform page shows as throughput
 * and lag for all services at once.
 */
@ApplicationScoped
public class ConsumerGroups {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final Config config;
  private Admin admin;

  ConsumerGroups(Config config) {
    this.config = config;
  }

  /** The progress of every consumer group, by name. */
  public synchronized List<ConsumerProgress> progress()
      throws InterruptedException, ExecutionException, TimeoutException {
    Admin client = admin();
    List<ConsumerProgress> groups = new ArrayList<>();
    Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
    for (GroupListing listing :
        client
            .listGroups(ListGroupsOptions.forConsumerGroups())
            .all()
            .get(seconds(), TimeUnit.SECONDS)) {
      committed.put(
          listing.groupId(),
          client
              .listConsumerGroupOffsets(listing.groupId())
              .partitionsToOffsetAndMetadata()
              .get(seconds(), TimeUnit.SECONDS));
    }
    Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
    committed
        .values()
        .forEach(offsets -> offsets.keySet().forEach(tp -> wanted.put(tp, OffsetSpec.latest())));
    Map<String, Map<Integer, Long>> ends = new HashMap<>();
    if (!wanted.isEmpty()) {
      client
          .listOffsets(wanted)
          .all()
          .get(seconds(), TimeUnit.SECONDS)
          .forEach((tp, info) -> byTopic(ends, tp, info.offset()));
    }
    for (String group : new TreeSet<>(committed.keySet())) {
      Map<String, Map<Integer, Long>> offsets = new HashMap<>();
      committed
          .get(group)
          .forEach(
              (tp, offset) -> {
                if (offset != null) {
                  byTopic(offsets, tp, offset.offset());
                }
              });
      groups.add(ConsumerProgress.of(group, offsets, ends));
    }
    return groups;
  }

  private static void byTopic(
      Map<String, Map<Integer, Long>> into, TopicPartition tp, long offset) {
    into.computeIfAbsent(tp.topic(), t -> new HashMap<>()).put(tp.partition(), offset);
  }

  private static long seconds() {
    return TIMEOUT.toSeconds();
  }

  private Admin admin() {
    if (admin == null) {
      Map<String, Object> props = new HashMap<>(KafkaClientProperties.of(config));
      props.put(AdminClientConfig.CLIENT_ID_CONFIG, "request-intake-consumer-groups");
      // A page waits for this answer: it comes within the timeout, or as a 503.
      props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
      props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
      admin = Admin.create(props);
    }
    return admin;
  }

  @PreDestroy
  synchronized void close() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(2));
    }
  }
}
