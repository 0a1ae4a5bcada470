package io.pledge.kafka.deadletter;

import io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * The headers that say why a record is dead and where it came from, named as SmallRye's {@code
 * dead-letter-queue} failure strategy names them ({@link KafkaDeadLetterQueue}), so a dead letter
 * sent by a service's own consumer reads like one sent by a SmallRye channel.
 */
public final class DeadLetterHeaders {

  /** Why the record could not be handled. */
  public static final String REASON = KafkaDeadLetterQueue.DEAD_LETTER_REASON;

  /** The topic the record was read from. */
  public static final String TOPIC = KafkaDeadLetterQueue.DEAD_LETTER_TOPIC;

  /** The partition the record was read from. */
  public static final String PARTITION = KafkaDeadLetterQueue.DEAD_LETTER_PARTITION;

  /** The record's offset in that partition. */
  public static final String OFFSET = KafkaDeadLetterQueue.DEAD_LETTER_OFFSET;

  private DeadLetterHeaders() {}

  /**
   * Adds {@link #REASON}, {@link #TOPIC}, {@link #PARTITION} and {@link #OFFSET} to {@code
   * headers}, after those already there; a null reason is written empty. Returns {@code headers}.
   */
  public static Headers add(
      Headers headers, String reason, String topic, int partition, long offset) {
    add(headers, REASON, reason);
    add(headers, TOPIC, topic);
    add(headers, PARTITION, Integer.toString(partition));
    add(headers, OFFSET, Long.toString(offset));
    return headers;
  }

  /** {@link #add(Headers, String, String, int, long)} for where {@code source} was read. */
  public static Headers add(Headers headers, ConsumerRecord<?, ?> source, String reason) {
    return add(headers, reason, source.topic(), source.partition(), source.offset());
  }

  private static void add(Headers headers, String name, String value) {
    headers.add(name, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
  }
}
