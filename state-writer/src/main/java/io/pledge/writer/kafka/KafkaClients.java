package io.pledge.writer.kafka;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Client settings built from the application's {@code kafka.*} properties (bootstrap servers,
 * session timeout, ...), each client getting only the keys it knows.
 */
@ApplicationScoped
public class KafkaClients {

  @Inject
  @Identifier("default-kafka-broker")
  Map<String, Object> kafka;

  /** A consumer that commits nothing by itself; {@code groupId} null for an assign()-only one. */
  public Map<String, Object> consumer(String groupId, int maxPollRecords) {
    Map<String, Object> props = only(ConsumerConfig.configNames());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(maxPollRecords));
    // request-intake publishes Destinations and state stores in transactions (its definitions
    // fence); an aborted one must never be read.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    if (groupId == null) {
      props.remove(ConsumerConfig.GROUP_ID_CONFIG);
      props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    } else {
      props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
      // A writer joining or leaving moves only the partitions that change hands; the others'
      // batches go on (the eager default revokes every partition of every writer, and each
      // abandons its batch in flight). WorksConsumer's listener already handles increments.
      props.put(
          ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
          CooperativeStickyAssignor.class.getName());
    }
    return props;
  }

  /** A producer whose sends are acknowledged by every in-sync replica, without duplicates. */
  public Map<String, Object> producer() {
    Map<String, Object> props = only(ProducerConfig.configNames());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    return props;
  }

  private Map<String, Object> only(Set<String> names) {
    Map<String, Object> props = new HashMap<>();
    kafka.forEach(
        (key, value) -> {
          if (names.contains(key)) {
            props.put(key, value);
          }
        });
    return props;
  }
}
