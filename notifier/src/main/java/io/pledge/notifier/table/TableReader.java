package io.pledge.notifier.table;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a topic as a table: every partition (no consumer group), from the beginning, up to its end
 * as of each call of {@link #catchUp}. Partitions that appear later are read from their beginning
 * too. The consumer should be read_committed where the topic is written in transactions.
 */
public final class TableReader {

  private final Consumer<String, String> consumer;
  private final String topic;
  private final Set<TopicPartition> assigned = new HashSet<>();

  public TableReader(Consumer<String, String> consumer, String topic) {
    this.consumer = consumer;
    this.topic = topic;
  }

  /**
   * Reads until every partition's position reaches the end offset seen at the start of the call,
   * handing each record to {@code apply}.
   *
   * @return false when {@code running} turned false before that
   */
  public boolean catchUp(
      java.util.function.Consumer<ConsumerRecord<String, String>> apply, BooleanSupplier running) {
    assignNewPartitions();
    if (assigned.isEmpty()) {
      return true;
    }
    Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
    while (running.getAsBoolean()) {
      if (end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
        return true;
      }
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
        apply.accept(r);
      }
    }
    return false;
  }

  /** Ends a {@link #catchUp} in progress from another thread. */
  public void wakeup() {
    consumer.wakeup();
  }

  private void assignNewPartitions() {
    List<PartitionInfo> infos = consumer.partitionsFor(topic);
    Set<TopicPartition> all = new HashSet<>();
    if (infos != null) {
      infos.forEach(p -> all.add(new TopicPartition(topic, p.partition())));
    }
    Set<TopicPartition> added = new HashSet<>(all);
    added.removeAll(assigned);
    if (!added.isEmpty()) {
      assigned.addAll(added);
      consumer.assign(assigned);
      consumer.seekToBeginning(added);
    }
  }
}
