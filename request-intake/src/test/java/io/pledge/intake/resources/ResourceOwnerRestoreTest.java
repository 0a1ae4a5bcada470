package io.pledge.intake.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.resource.ResourceRecord;
import io.pledge.contract.status.StatusFold;
import io.pledge.intake.view.GoldenEvents;
import io.pledge.kafka.streams.StreamsRunner;
import io.pledge.testkit.kafka.EmbeddedKafka;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The owner against the real broker: its in-memory store survives a restart of the Streams instance
 * (restored from the changelog, not from the inputs, whose offsets it committed), and it goes on
 * folding on top of what it restored.
 */
class ResourceOwnerRestoreTest {

  static final String KEY = GoldenEvents.KEY;
  static final Duration WAIT = Duration.ofSeconds(60);

  private final EmbeddedKafka kafka = EmbeddedKafka.shared();
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String requests = "requests-" + suffix;
  private final String status = "status-" + suffix;
  private final String resources = "resources-" + suffix;
  private final String intents = "intents-" + suffix;
  private final String decisions = "decisions-" + suffix;
  private final String applicationId = "pledge-resources-" + suffix;
  private KafkaProducer<String, String> producer;
  private KafkaConsumer<String, String> reader;
  private final Map<String, String> folded = new HashMap<>();

  @BeforeEach
  void topics() {
    kafka.createTopics(List.of(requests, status, resources, intents, decisions), Set.of(resources));
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    producer = new KafkaProducer<>(p);
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    reader = new KafkaConsumer<>(c);
    List<TopicPartition> partitions =
        reader.partitionsFor(resources).stream()
            .map(i -> new TopicPartition(i.topic(), i.partition()))
            .toList();
    reader.assign(partitions);
    reader.seekToBeginning(partitions);
  }

  @AfterEach
  void close() {
    producer.close();
    reader.close();
  }

  @Test
  void storeSurvivesARestartAndTheFoldGoesOnFromIt() throws Exception {
    List<CloudEvent> life = GoldenEvents.statusLife();
    List<CloudEvent> before = life.subList(0, 5);
    List<CloudEvent> after = life.subList(5, life.size());

    ResourceRecord beforeRestart;
    try (StreamsRunner first = runner("first")) {
      first.start();
      send(requests, EventCodec.write(GoldenEvents.read("pledge.request.applied")));
      before.forEach(e -> send(status, EventCodec.write(e)));
      beforeRestart =
          awaitFolded(
              r -> r.status() != null && r.status().equals(StatusFold.foldAll(KEY, before)));
      assertThat(beforeRestart.request()).isNotNull();
    }
    // Restored from the changelog at every start: it must be compacted soon, not after a week.
    assertThat(changelogConfig())
        .containsAllEntriesOf(ResourceTopology.CHANGELOG)
        .containsEntry("cleanup.policy", "compact");

    try (StreamsRunner second = runner("second")) {
      second.start();
      await().atMost(WAIT).until(second::running);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(
                          ResourceOwner.read(
                              second.<String, String>store(ResourceOwner.STORE).get(KEY)))
                      .isEqualTo(beforeRestart));

      after.forEach(e -> send(status, EventCodec.write(e)));
      ResourceRecord last =
          awaitFolded(r -> r.status() != null && r.status().equals(StatusFold.foldAll(KEY, life)));
      // The request came before the restart and was not read again: it is the restored store's.
      assertThat(last.request()).isEqualTo(beforeRestart.request());
    }
  }

  private StreamsRunner runner(String instance) {
    Properties p =
        ResourceStreamsSettings.of(
            Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                "session.timeout.ms", "6000",
                "heartbeat.interval.ms", "1500"),
            applicationId,
            Duration.ofMillis(10),
            "target/streams-restore-" + suffix + "-" + instance);
    return new StreamsRunner(
        ResourceTopology.build(
            new ResourceTopology.OwnerTopics(requests, status, intents, resources, decisions),
            "/pledge/request-intake/owner",
            "/pledge/request-intake"),
        p);
  }

  private Map<String, String> changelogConfig() throws Exception {
    ConfigResource changelog =
        new ConfigResource(
            ConfigResource.Type.TOPIC, applicationId + "-" + ResourceOwner.STORE + "-changelog");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      Map<String, String> config = new HashMap<>();
      admin
          .describeConfigs(List.of(changelog))
          .all()
          .get()
          .get(changelog)
          .entries()
          .forEach(e -> config.put(e.name(), e.value()));
      return config;
    }
  }

  private void send(String topic, String value) {
    try {
      producer.send(new ProducerRecord<>(topic, KEY, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private ResourceRecord awaitFolded(java.util.function.Predicate<ResourceRecord> done) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(100))) {
                folded.put(r.key(), r.value());
              }
              String json = folded.get(KEY);
              return json != null && done.test(ResourceTopologyTest.record(json));
            });
    return ResourceTopologyTest.record(folded.get(KEY));
  }
}
