package io.pledge.intake.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.resource.ResourceRecord;
import io.pledge.intake.kafka.TopicReplayer;
import io.pledge.kafka.health.VitalThreads;
import io.pledge.testkit.kafka.EmbeddedKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The read barrier against the real broker: a folded record committed in a transaction before the
 * call holds the barrier until the view's reader has consumed it; an open transaction does not.
 */
class ReadBarrierTest {

  private static final EventCodec CODEC = new EventCodec("/pledge/request-intake");
  private static final String KEY = "default/postgresql/example";

  private final EmbeddedKafka kafka = EmbeddedKafka.shared();
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String resources = "resources-" + run;
  private final HeldSink sink = new HeldSink();
  private TopicReplayer replayer;

  /** A view that records the keys it consumed, and is held back on KEY until released. */
  private static final class HeldSink implements TopicReplayer.Sink {
    final Set<String> consumed = ConcurrentHashMap.newKeySet();
    final CountDownLatch held = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void event(String topic, CloudEvent event) {
      if (KEY.equals(event.subject())) {
        held.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      consumed.add(event.subject());
    }

    @Override
    public void tombstone(String topic, String key) {}
  }

  @AfterEach
  void stop() {
    sink.release.countDown();
    if (replayer != null) {
      replayer.close();
    }
  }

  private Map<String, String> client() {
    return Map.of("bootstrap.servers", kafka.bootstrapServers());
  }

  private KafkaProducer<String, String> transactional() {
    KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "owner-" + UUID.randomUUID(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName()));
    producer.initTransactions();
    return producer;
  }

  private ProducerRecord<String, String> folded(String key) {
    CloudEvent event = CODEC.event(EventType.RESOURCE_FOLDED, key, ResourceRecord.empty(key));
    return new ProducerRecord<>(resources, key, EventCodec.write(event));
  }

  @Test
  void aKeyWaitsUntilTheViewConsumedWhatWasCommittedBeforeTheCall() throws Exception {
    kafka.createTopics(List.of(resources), Set.of(resources));
    replayer = new TopicReplayer(client(), List.of(resources), "barrier-" + run, sink);
    replayer.start(new VitalThreads());
    await().atMost(Duration.ofSeconds(20)).until(replayer::caughtUp);
    try (ReadBarrier quick =
            new ReadBarrier(client(), resources, Duration.ofMillis(500), replayer::reached);
        ReadBarrier patient =
            new ReadBarrier(client(), resources, Duration.ofSeconds(30), replayer::reached);
        KafkaProducer<String, String> owner = transactional()) {
      assertThat(quick.awaitKey(KEY)).isTrue(); // nothing written yet

      owner.beginTransaction();
      owner.send(folded(KEY)).get();
      owner.commitTransaction();
      assertThat(sink.held.await(20, TimeUnit.SECONDS)).isTrue();

      // The reader fetched the record but is still folding it: its position has not moved.
      assertThat(quick.awaitKey(KEY)).isFalse();
      assertThat(quick.awaitAll()).isFalse();
      CompletableFuture<Boolean> seenWhenReached =
          CompletableFuture.supplyAsync(() -> patient.awaitKey(KEY) && sink.consumed.contains(KEY));
      sink.release.countDown();
      assertThat(seenWhenReached.get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(quick.awaitAll()).isTrue();
    }
  }

  @Test
  void anOpenTransactionDoesNotHoldTheBarrier() throws Exception {
    kafka.createTopics(List.of(resources), Set.of(resources));
    sink.release.countDown();
    replayer = new TopicReplayer(client(), List.of(resources), "barrier-" + run, sink);
    replayer.start(new VitalThreads());
    await().atMost(Duration.ofSeconds(20)).until(replayer::caughtUp);
    try (ReadBarrier quick =
            new ReadBarrier(client(), resources, Duration.ofMillis(500), replayer::reached);
        KafkaProducer<String, String> owner = transactional()) {
      owner.beginTransaction();
      owner.send(folded(KEY)).get();
      // Nobody can have seen this record yet, so no read waits for it: the barrier stops at the
      // last stable offset, which a read_committed reader reaches (it cannot read past it).
      assertThat(quick.awaitKey(KEY)).isTrue();
      assertThat(quick.awaitAll()).isTrue();
      owner.abortTransaction();
    }
  }
}
