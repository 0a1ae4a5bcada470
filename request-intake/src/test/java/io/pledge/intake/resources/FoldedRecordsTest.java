package io.pledge.intake.resources;

import static io.pledge.intake.IntakeTestSupport.WAIT;
import static io.pledge.intake.IntakeTestSupport.request;
import static io.pledge.intake.IntakeTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pledge.contract.ResourceKey;
import io.pledge.contract.Topics;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.resource.ResourceRecord;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.intake.view.IntakeView;
import io.pledge.intake.view.RequestState;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The resource owner runs in the service, in shadow: what it publishes on {@code pledge.resources}
 * is what the replayed view holds for the same resource.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class FoldedRecordsTest {

  @Inject IntakeView view;
  @Inject ResourceFoldLifecycle fold;

  @Test
  void foldedRecordOfAnAppliedResourceEqualsTheView() {
    IntakeTestSupport.seedPromise();
    String name = unique("folded");
    IntakeTestSupport.post("application/yaml", request(name, "requester: ana"))
        .then()
        .statusCode(200);
    IntakeTestSupport.post("application/yaml", request(name, "requester: bob"))
        .then()
        .statusCode(200);
    ResourceKey key = ResourceKey.parse("default/postgresql/" + name);

    Map<String, ResourceRecord> folded = new HashMap<>();
    try (KafkaConsumer<String, String> consumer = committedReader()) {
      await()
          .atMost(WAIT.multipliedBy(2))
          .untilAsserted(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                  folded.put(r.key(), ResourceTopologyTest.record(r.value()));
                }
                ResourceRecord record = folded.get(key.toString());
                RequestState request = view.request(key).orElseThrow();
                assertThat(record).isNotNull();
                // The accepted status can be folded before the applied request: wait for both.
                assertThat(record.request()).isNotNull();
                assertThat(record.request().generation())
                    .isEqualTo(2)
                    .isEqualTo(request.generation());
                assertThat(record.request().specHash()).isEqualTo(request.specHash());
                assertThat(record.request().metaHash()).isEqualTo(request.metaHash());
                // Through text: the view's document holds the numbers it was built with (a long
                // generation), the folded one those JSON reading gives.
                assertThat(record.request().document())
                    .isEqualTo(EventCodec.JSON.readTree(request.document().toString()));
                assertThat(record.status()).isEqualTo(view.status(key.toString()).orElseThrow());
              });
    }
    assertThat(fold.running()).isTrue();
  }

  private static KafkaConsumer<String, String> committedReader() {
    Properties c = new Properties();
    c.put(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c);
    List<TopicPartition> partitions =
        consumer.partitionsFor(Topics.RESOURCES).stream()
            .map(i -> new TopicPartition(i.topic(), i.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }
}
