package io.pledge.intake.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.intake.view.GoldenEvents;
import io.pledge.kafka.streams.StreamsRunner;
import io.pledge.testkit.kafka.EmbeddedKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Readiness waits for the owner to fold what its inputs held: against the real broker, with the
 * status topic ending in a transaction marker as the notifier's transactional writes leave it.
 */
class FoldCatchUpTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private final EmbeddedKafka kafka = EmbeddedKafka.shared();
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String requests = "requests-" + suffix;
  private final String status = "status-" + suffix;
  private final String resources = "resources-" + suffix;
  private final String intents = "intents-" + suffix;
  private final String decisions = "decisions-" + suffix;
  private final String applicationId = "pledge-resources-" + suffix;

  @Test
  void knowsTheFoldedEndsOnlyOnceTheOwnerFoldedItsInputsTransactionMarkersIncluded() {
    kafka.createTopics(List.of(requests, status, resources, intents, decisions), Set.of(resources));
    writeHistory();
    Map<String, String> client = Map.of("bootstrap.servers", kafka.bootstrapServers());

    try (FoldCatchUp catchUp =
        new FoldCatchUp(client, applicationId, List.of(requests, status), resources)) {
      // Nothing folded yet: the inputs hold events the owner never committed.
      assertThat(catchUp.outputEnds()).isEmpty();

      try (StreamsRunner owner = owner()) {
        owner.start();
        Map<TopicPartition, Long> ends =
            await().atMost(WAIT).until(() -> catchUp.outputEnds().orElse(null), e -> e != null);

        // Read up to those ends, the folded records hold every input event.
        assertThat(recordsUpTo(ends)).isEqualTo(1 + GoldenEvents.statusLife().size());
      }
    }
  }

  /** A request, then the status events, the last of them in a committed transaction. */
  private void writeHistory() {
    List<CloudEvent> life = GoldenEvents.statusLife();
    try (KafkaProducer<String, String> plain = producer(null);
        KafkaProducer<String, String> tx = producer("notifier-" + suffix)) {
      plain.send(record(requests, GoldenEvents.read("pledge.request.applied")));
      life.subList(0, life.size() - 1).forEach(e -> plain.send(record(status, e)));
      plain.flush();
      tx.initTransactions();
      tx.beginTransaction();
      tx.send(record(status, life.get(life.size() - 1)));
      tx.commitTransaction();
    }
  }

  private ProducerRecord<String, String> record(String topic, CloudEvent event) {
    return new ProducerRecord<>(topic, GoldenEvents.KEY, EventCodec.write(event));
  }

  private KafkaProducer<String, String> producer(String transactionalId) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    if (transactionalId != null) {
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    }
    return new KafkaProducer<>(p);
  }

  /** How many committed records of the folded topic lie below {@code ends}. */
  private int recordsUpTo(Map<TopicPartition, Long> ends) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
      consumer.assign(ends.keySet());
      consumer.seekToBeginning(ends.keySet());
      int count = 0;
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())
          && System.nanoTime() < deadline) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
            count++;
          }
        }
      }
      return count;
    }
  }

  private StreamsRunner owner() {
    Properties p =
        ResourceStreamsSettings.of(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            applicationId,
            Duration.ofMillis(10),
            "target/streams-catchup-" + suffix);
    return new StreamsRunner(
        ResourceTopology.build(
            new ResourceTopology.OwnerTopics(requests, status, intents, resources, decisions),
            "/pledge/request-intake/owner",
            "/pledge/request-intake"),
        p);
  }
}
