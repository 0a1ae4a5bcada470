package io.pledge.intake.publish;

import static io.pledge.intake.IntakeTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.promise.PromiseApplied;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.testkit.kafka.EmbeddedKafka;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Two replicas publishing one Promise at once: the other replica is played by a producer with the
 * shared transactional id, as request-intake's fence uses it.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class DefinitionFenceTest {

  static String promise(String name, String size) {
    return IntakeTestSupport.widgetPromise(name, size);
  }

  @Test
  void aReplicaWhoseWriteIsStillOpenIsFencedAndGenerationsStayDistinct() throws Exception {
    String name = unique("fenced");
    IntakeTestSupport.post("application/yaml", promise(name, "small"))
        .then()
        .statusCode(200)
        .body("[0].generation", equalTo(1));

    // Another replica takes the fence and writes generation 2 of its own, not committed yet.
    try (KafkaProducer<String, String> other = otherReplica()) {
      other.initTransactions();
      other.beginTransaction();
      JsonNode theirs = KratixDocuments.readAll(promise(name, "large")).get(0);
      CloudEvent event =
          new EventCodec("/pledge/request-intake")
              .event(EventType.PROMISE_APPLIED, name, new PromiseApplied(name, 2, theirs));
      other.send(new ProducerRecord<>(Topics.PROMISES, name, EventCodec.write(event))).get();

      // This replica applies a change meanwhile: it must take the fence back, which aborts the
      // other's open write, and decide on what is committed.
      IntakeTestSupport.post("application/yaml", promise(name, "medium"))
          .then()
          .statusCode(200)
          .body("[0].generation", equalTo(2));

      assertThatThrownBy(other::commitTransaction).isInstanceOf(KafkaException.class);
    }

    List<PromiseApplied> committed = awaitCommitted(name, List.of(1L, 2L));
    assertThat(
            committed
                .get(1)
                .promise()
                .at(
                    "/spec/api/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/size/default")
                .asText())
        .isEqualTo("medium");
  }

  /**
   * Another replica keeps taking the fence and committing Promises of its own while this one
   * applies, so that the fence moves at every moment of an apply: before it plans, while its
   * transaction is open, while it commits. Kafka 4.1's coordinator answers a commit that meets the
   * fence with an unknown server error. Every apply must answer 200 or, when the fence kept moving
   * through all its attempts, 503 saying so; what was answered 200 is what was committed.
   */
  @Test
  void appliesWhileAnotherReplicaKeepsTakingTheFenceAnswerWhatWasCommitted() throws Exception {
    String name = unique("contended");
    AtomicBoolean applying = new AtomicBoolean(true);
    CompletableFuture<Integer> other =
        CompletableFuture.supplyAsync(() -> otherReplicaKeepsPublishing(name + "-other", applying));
    List<Long> generations = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    try {
      for (int n = 0; n < 40; n++) {
        var answer = IntakeTestSupport.post("application/yaml", promise(name, "size-" + n));
        if (answer.statusCode() == 200) {
          generations.add(answer.jsonPath().getLong("[0].generation"));
        } else {
          refusals.add(answer.statusCode() + " " + answer.jsonPath().getString("detail"));
        }
      }
    } finally {
      applying.set(false);
    }
    assertThat(other.get()).as("the other replica's transactions").isGreaterThanOrEqualTo(10);
    assertThat(refusals)
        .allMatch(r -> r.equals("503 " + KEPT_MOVING), "only refused for a fence that kept moving");
    assertThat(generations)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, generations.size()).boxed().toList());
    awaitCommitted(name, generations);
  }

  /**
   * The Promise's committed records once their generations are {@code generations}. A commit
   * returns before the broker has written its markers, and until then a read_committed reader's end
   * (the last stable offset) stops short of the records.
   */
  private static List<PromiseApplied> awaitCommitted(String name, List<Long> generations) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () ->
                assertThat(committedPromises(name))
                    .extracting(PromiseApplied::generation)
                    .containsExactlyElementsOf(generations));
    return committedPromises(name);
  }

  private static final String KEPT_MOVING =
      "Other request-intake replicas kept publishing definitions; retry the request";

  /**
   * Whole transactions of the other replica, each with a producer of its own as a replica that was
   * fenced makes; returns how many it began.
   */
  private static int otherReplicaKeepsPublishing(String name, AtomicBoolean applying) {
    Random random = new Random(42);
    int began = 0;
    while (applying.get()) {
      try (KafkaProducer<String, String> other = otherReplica()) {
        other.initTransactions();
        other.beginTransaction();
        began++;
        JsonNode theirs = KratixDocuments.readAll(promise(name, "large")).get(0);
        CloudEvent event =
            new EventCodec("/pledge/request-intake")
                .event(EventType.PROMISE_APPLIED, name, new PromiseApplied(name, 1, theirs));
        other.send(new ProducerRecord<>(Topics.PROMISES, name, EventCodec.write(event)));
        Thread.sleep(random.nextInt(30));
        other.commitTransaction();
        Thread.sleep(random.nextInt(30));
      } catch (KafkaException fencedBack) {
        // this replica took the fence back while the other's transaction was open
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return began;
  }

  static KafkaProducer<String, String> otherReplica() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            EmbeddedKafka.shared().bootstrapServers(),
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            "pledge-intake-definitions",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class.getName()));
  }

  /**
   * The Promise's records on its topic as a read_committed reader (every other service) sees them.
   */
  static List<PromiseApplied> committedPromises(String name) {
    List<PromiseApplied> found = new ArrayList<>();
    try (KafkaConsumer<String, String> reader =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                EmbeddedKafka.shared().bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG,
                "fence-test-" + UUID.randomUUID(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName()))) {
      List<TopicPartition> partitions =
          reader.partitionsFor(Topics.PROMISES).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      reader.assign(partitions);
      reader.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> reader.position(tp) < ends.get(tp))) {
        for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(200))) {
          if (name.equals(r.key()) && r.value() != null) {
            CloudEvent e = EventCodec.read(r.value());
            if (EventType.PROMISE_APPLIED.type().equals(e.type())) {
              found.add(EventCodec.data(e, PromiseApplied.class));
            }
          }
        }
      }
    }
    return found;
  }
}
