package io.pledge.kafka.partitioning;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.utils.Utils;

/**
 * Which partition a keyed record lands on, computed as Kafka's default partitioner does (murmur2 of
 * the key's bytes), so that a service can tell whether a key belongs to a partition it was assigned
 * without having read a record of it. Keys are written with {@code StringSerializer} (UTF-8).
 */
public final class KeyPartitions {

  private KeyPartitions() {}

  /**
   * The partition, in {@code [0, count)}, that the producer's default partitioner picks for key.
   */
  public static int partitionOf(String key, int count) {
    Objects.requireNonNull(key, "a record without a key has no partition of its own");
    if (count <= 0) {
      throw new IllegalArgumentException("a topic has at least one partition, not " + count);
    }
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % count;
  }
}
