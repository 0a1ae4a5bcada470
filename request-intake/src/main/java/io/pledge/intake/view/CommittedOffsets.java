package io.pledge.intake.view;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * The last stable offset of every partition of one topic, by {@code ListOffsets} with {@code
 * read_committed}: everything below it is committed or aborted, so a {@code read_committed} reader
 * whose position reached it has seen every transaction committed before the call.
 */
final class CommittedOffsets implements OffsetBarrier.LatestOffsets {

  private final Admin admin;
  private final String topic;
  private final Duration timeout;
  private volatile List<TopicPartition> partitions;

  CommittedOffsets(Admin admin, String topic, Duration timeout) {
    this.admin = admin;
    this.topic = topic;
    this.timeout = timeout;
  }

  @Override
  public Map<TopicPartition, Long> latest() throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (TopicPartition p : partitions()) {
      request.put(p, OffsetSpec.latest());
    }
    ListOffsetsOptions options = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
    options.timeoutMs((int) timeout.toMillis());
    Map<TopicPartition, ListOffsetsResultInfo> answer =
        admin.listOffsets(request, options).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    Map<TopicPartition, Long> offsets = new HashMap<>();
    answer.forEach((p, info) -> offsets.put(p, info.offset()));
    return offsets;
  }

  /** Looked up once: the resource topic's partition count never changes (keys would move). */
  private List<TopicPartition> partitions() throws Exception {
    List<TopicPartition> known = partitions;
    if (known == null) {
      known =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .get(topic)
              .partitions()
              .stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      partitions = known;
    }
    return known;
  }
}
