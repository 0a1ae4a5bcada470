package io.pledge.runner.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pledge.contract.ResourceKey;
import io.pledge.runner.config.RunnerConfig;
import io.pledge.runner.workflow.ResourceIndex;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The runner's index topic: other instances' records are read, its own are not read back. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(StageImagesResource.class)
class ResourceTableFlowTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @Inject RunnerConfig config;

  @Inject ResourceIndex index;
  @Inject ResourceTable table;

  private static String entry(ResourceKey key, long generation) {
    return """
        {"key":"%s","generation":%d,"resource":{"kind":"Database"},"lastTrigger":"t","completedAt":%d}
        """
        .formatted(key, generation, System.currentTimeMillis());
  }

  @Test
  void recordsOfOtherInstancesAreAppliedAndItsOwnAreNotReadBack() throws Exception {
    await().atMost(WAIT).until(index::caughtUp);
    String topic = config.resourcesTopic();
    ResourceKey own = ResourceKey.parse("team-i/table/own");
    ResourceKey other = ResourceKey.parse("team-i/table/other");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName()))) {
      // Both on one partition, own first: once the other is applied, the own one was read.
      ProducerRecord<String, String> mine =
          new ProducerRecord<>(topic, 0, own.toString(), entry(own, 7));
      mine.headers().add(ResourceTable.WRITER_HEADER, table.writerId());
      producer.send(mine).get();
      ProducerRecord<String, String> theirs =
          new ProducerRecord<>(topic, 0, other.toString(), entry(other, 3));
      theirs.headers().add(ResourceTable.WRITER_HEADER, "another-instance".getBytes());
      producer.send(theirs).get();
    }

    await().atMost(WAIT).until(() -> index.get(other).isPresent());
    assertThat(index.get(other).get().generation()).isEqualTo(3);
    // The instance applies its own records when the broker acknowledges them, so a record
    // carrying its own mark is never applied from the topic.
    assertThat(index.get(own)).isEmpty();
  }
}
