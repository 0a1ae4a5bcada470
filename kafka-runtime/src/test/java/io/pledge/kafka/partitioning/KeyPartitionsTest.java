package io.pledge.kafka.partitioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pledge.testkit.kafka.EmbeddedKafka;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KeyPartitionsTest {

  @Test
  void agreesWithThePartitionsAProducerSendsKeysTo() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.shared();
    // 7 partitions: a count that is no power of two, so a wrong modulus shows.
    String topic = "key-partitions-" + System.nanoTime();
    try (Admin admin = kafka.admin()) {
      admin.createTopics(List.of(new NewTopic(topic, 7, (short) 1))).all().get();
    }
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      keys.add("team-" + (i % 13) + "/postgres/db-" + i + (i % 5 == 0 ? "-é" : ""));
    }

    Map<String, Integer> sentTo = new HashMap<>();
    try (KafkaProducer<String, String> producer = producer(kafka)) {
      Map<String, Future<RecordMetadata>> sends = new HashMap<>();
      for (String key : keys) {
        sends.put(key, producer.send(new ProducerRecord<>(topic, key, "{}")));
      }
      for (Map.Entry<String, Future<RecordMetadata>> sent : sends.entrySet()) {
        sentTo.put(sent.getKey(), sent.getValue().get().partition());
      }
    }

    Set<Integer> used = new HashSet<>();
    for (String key : keys) {
      assertThat(KeyPartitions.partitionOf(key, 7)).as(key).isEqualTo(sentTo.get(key));
      used.add(sentTo.get(key));
    }
    assertThat(used).hasSize(7);
  }

  @Test
  void refusesACountBelowOne() {
    assertThatThrownBy(() -> KeyPartitions.partitionOf("default/postgres/a", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not 0");
  }

  @Test
  void refusesANullKey() {
    assertThatThrownBy(() -> KeyPartitions.partitionOf(null, 4))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("without a key");
  }

  private static KafkaProducer<String, String> producer(EmbeddedKafka kafka) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return new KafkaProducer<>(props);
  }
}
