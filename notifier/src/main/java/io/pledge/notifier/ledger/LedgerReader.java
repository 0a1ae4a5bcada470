package io.pledge.notifier.ledger;

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
 * Reads the delivered topic into a {@link DeliveryLedger}: every partition, from the beginning, up
 * to its end as of each call of {@link #catchUp}. The consumer must be read_committed, so records
 * of an aborted delivery transaction never count as sent.
 */
public final class LedgerReader {

  private final Consumer<String, String> consumer;
  private final String topic;
  private final Set<TopicPartition> assigned = new HashSet<>();

  public LedgerReader(Consumer<String, String> consumer, String topic) {
    this.consumer = consumer;
    this.topic = topic;
  }

  /**
   * Reads until every partition's position reaches the end offset seen at the start of the call.
   *
   * @return false when {@code running} turned false before that
   */
  public boolean catchUp(DeliveryLedger ledger, BooleanSupplier running) {
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
        ledger.apply(r.key(), r.value());
      }
    }
    return false;
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
