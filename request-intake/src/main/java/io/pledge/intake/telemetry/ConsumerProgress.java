package io.pledge.intake.telemetry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How far one consumer group has read: per topic, the offsets it has committed and how many records
 * are left (the lag), summed over the topic's partitions. Sampled twice, the committed offsets give
 * its throughput. The console's platform page shows it for every group, so the pipeline-runner,
 * state-writer and notifier are seen through the broker, whatever their number.
 *
 * @param group the consumer group (a service's, or a Kafka Streams application's)
 * @param committed the committed offsets summed over every partition it has committed
 * @param lag the records between its committed offsets and the partitions' ends
 */
public record ConsumerProgress(String group, List<Topic> topics, long committed, long lag) {

  /** One topic of the group. */
  public record Topic(String topic, int partitions, long committed, long lag) {}

  /**
   * @param committed the group's committed offset per topic and partition
   * @param ends the end offset per topic and partition
   */
  public static ConsumerProgress of(
      String group,
      Map<String, Map<Integer, Long>> committed,
      Map<String, Map<Integer, Long>> ends) {
    List<Topic> topics = new ArrayList<>();
    long committedSum = 0;
    long lagSum = 0;
    for (Map.Entry<String, Map<Integer, Long>> topic : new TreeMap<>(committed).entrySet()) {
      long offsets = 0;
      long lag = 0;
      Map<Integer, Long> topicEnds = ends.getOrDefault(topic.getKey(), Map.of());
      for (Map.Entry<Integer, Long> partition : topic.getValue().entrySet()) {
        long end = topicEnds.getOrDefault(partition.getKey(), partition.getValue());
        offsets += partition.getValue();
        // A compacted or truncated partition can end before an old commit; that is no lag.
        lag += Math.max(0, end - partition.getValue());
      }
      topics.add(new Topic(topic.getKey(), topic.getValue().size(), offsets, lag));
      committedSum += offsets;
      lagSum += lag;
    }
    return new ConsumerProgress(group, List.copyOf(topics), committedSum, lagSum);
  }
}
