package io.pledge.intake.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.request.RequestApplied;
import io.pledge.contract.resource.ResourceRecord;
import io.pledge.intake.apply.Outcome;
import io.pledge.intake.apply.RequestDecision;
import io.pledge.intake.apply.RequestIntent;
import io.pledge.intake.view.Hashes;
import io.pledge.kafka.streams.StreamsRunner;
import io.pledge.testkit.kafka.EmbeddedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #15, single writer per key, on the real broker: two owner instances (one Streams
 * application, as two intake replicas run it) and two senders applying the same resources at once,
 * one owner stopped half-way so the other takes its partitions over. Every intent gets exactly one
 * decision, every key's generations are 1..n with none twice, and each key's folded record holds
 * the spec of the apply that got the highest generation.
 */
class SingleWriterPerKeyTest {

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int KEYS = 20;
  private static final int ROUNDS = 5;
  private static final int SENDERS = 2;

  private final EmbeddedKafka kafka = EmbeddedKafka.shared();
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String requests = "requests-" + suffix;
  private final String status = "status-" + suffix;
  private final String resources = "resources-" + suffix;
  private final String intents = "intents-" + suffix;
  private final String decisions = "decisions-" + suffix;
  private final List<StreamsRunner> owners = new ArrayList<>();
  private final Map<String, RequestIntent> sent = new ConcurrentHashMap<>();

  @BeforeEach
  void topics() {
    kafka.createTopics(List.of(requests, status, resources, intents, decisions), Set.of(resources));
  }

  @AfterEach
  void close() {
    owners.forEach(StreamsRunner::close);
  }

  @Test
  void concurrentAppliesThroughTwoReplicasGetDistinctGenerationsAcrossAHandOver() throws Exception {
    StreamsRunner a = owner("a");
    StreamsRunner b = owner("b");
    await().atMost(WAIT).until(() -> a.running() && b.running());

    CountDownLatch halfway = new CountDownLatch(SENDERS);
    List<Thread> senders = new ArrayList<>();
    for (int s = 0; s < SENDERS; s++) {
      int sender = s;
      Thread t = new Thread(() -> send(sender, halfway), "sender-" + sender);
      t.start();
      senders.add(t);
    }
    halfway.await();
    b.close(); // a takes b's partitions over while intents keep coming
    for (Thread t : senders) {
      t.join();
    }

    Map<String, RequestDecision> decided = readDecisions(SENDERS * KEYS * ROUNDS);
    assertThat(decided.keySet()).as("one decision per intent").isEqualTo(sent.keySet());

    Map<String, List<Long>> generations = new TreeMap<>();
    decided.values().stream()
        .filter(d -> d.outcome() == Outcome.CREATED || d.outcome() == Outcome.CONFIGURED)
        .forEach(
            d -> generations.computeIfAbsent(d.key(), k -> new ArrayList<>()).add(d.generation()));
    List<Long> expected = LongStream.rangeClosed(1, SENDERS * ROUNDS).boxed().toList();
    assertThat(generations).hasSize(KEYS);
    generations.forEach(
        (key, gens) ->
            assertThat(gens).as("generations of %s, in decision order", key).isEqualTo(expected));

    Map<String, List<Long>> applied = appliedGenerations();
    applied.forEach(
        (key, gens) ->
            assertThat(gens).as("request.applied of %s, none twice", key).isEqualTo(expected));

    Map<String, ResourceRecord> folded = folded();
    for (String key : generations.keySet()) {
      RequestDecision last =
          decided.values().stream()
              .filter(d -> d.key().equals(key) && d.generation() == SENDERS * ROUNDS)
              .findFirst()
              .orElseThrow();
      ResourceRecord record = folded.get(key);
      assertThat(record.request().generation()).isEqualTo(SENDERS * ROUNDS);
      assertThat(record.request().document().path("spec"))
          .as("%s holds the spec of the apply that got the highest generation", key)
          .isEqualTo(sent.get(last.id()).document().path("spec"));
    }
  }

  /** One replica: every key once per round, each round with a spec of its own. */
  private void send(int sender, CountDownLatch halfway) {
    try (KafkaProducer<String, String> producer = producer()) {
      for (int round = 0; round < ROUNDS; round++) {
        if (round == ROUNDS / 2) {
          producer.flush();
          halfway.countDown();
        }
        for (int k = 0; k < KEYS; k++) {
          String key = "default/redis/r" + k;
          RequestIntent intent = intent(key, "s" + sender + "-" + round);
          sent.put(intent.id(), intent);
          producer.send(new ProducerRecord<>(intents, key, ResourceOwner.write(intent)));
        }
      }
    }
  }

  private static RequestIntent intent(String key, String size) {
    ObjectNode d = EventCodec.JSON.createObjectNode();
    d.put("apiVersion", "example.pledge.io/v1");
    d.put("kind", "redis");
    ObjectNode m = d.putObject("metadata");
    m.put("name", key.substring(key.lastIndexOf('/') + 1));
    m.put("namespace", "default");
    m.put("generation", 0);
    d.putObject("spec").put("size", size);
    return new RequestIntent(
        UUID.randomUUID().toString(),
        RequestIntent.Action.APPLY,
        key,
        "alice",
        null,
        d,
        Hashes.spec(d),
        Hashes.meta(d));
  }

  private Map<String, RequestDecision> readDecisions(int expected) {
    Map<String, RequestDecision> decided = new LinkedHashMap<>();
    readAll(
        decisions,
        r -> {
          RequestDecision d = EventCodec.convert(read(r.value()), RequestDecision.class);
          assertThat(decided.put(d.id(), d)).as("a second decision for %s", d.id()).isNull();
        },
        () -> decided.size() >= expected);
    return decided;
  }

  private Map<String, List<Long>> appliedGenerations() {
    Map<String, List<Long>> applied = new TreeMap<>();
    readAll(
        requests,
        r -> {
          CloudEvent e = EventCodec.read(r.value());
          if (EventType.REQUEST_APPLIED.type().equals(e.type())) {
            RequestApplied a = EventCodec.data(e, RequestApplied.class);
            applied.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(a.generation());
          }
        },
        () -> applied.values().stream().mapToInt(List::size).sum() >= SENDERS * KEYS * ROUNDS);
    return applied;
  }

  private Map<String, ResourceRecord> folded() {
    Map<String, ResourceRecord> folded = new HashMap<>();
    readAll(
        resources,
        r -> folded.put(r.key(), EventCodec.data(EventCodec.read(r.value()), ResourceRecord.class)),
        () ->
            folded.size() == KEYS
                && folded.values().stream()
                    .allMatch(f -> f.request().generation() == SENDERS * ROUNDS));
    return folded;
  }

  /** Reads {@code topic} (committed records only) from its start until {@code done}. */
  private void readAll(
      String topic,
      java.util.function.Consumer<ConsumerRecord<String, String>> each,
      java.util.function.BooleanSupplier done) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(i.topic(), i.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!done.getAsBoolean()) {
        assertThat(System.nanoTime()).as("waiting for %s", topic).isLessThan(deadline);
        consumer.poll(Duration.ofMillis(200)).forEach(each);
      }
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode read(String json) {
    try {
      return EventCodec.JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private KafkaProducer<String, String> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  private StreamsRunner owner(String instance) {
    Properties p =
        ResourceStreamsSettings.of(
            Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                "session.timeout.ms", "6000",
                "heartbeat.interval.ms", "1500"),
            "pledge-resources-" + suffix,
            Duration.ofMillis(20),
            "target/streams-writer-" + suffix + "-" + instance);
    StreamsRunner runner =
        new StreamsRunner(
            ResourceTopology.build(
                new ResourceTopology.OwnerTopics(requests, status, intents, resources, decisions),
                "/pledge/request-intake/owner",
                "/pledge/request-intake"),
            p);
    owners.add(runner);
    runner.start();
    return runner;
  }
}
