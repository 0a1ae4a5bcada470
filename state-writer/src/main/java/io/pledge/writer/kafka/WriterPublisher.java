package io.pledge.writer.kafka;

import io.pledge.contract.Topics;
import io.pledge.contract.destination.DestinationReadiness;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.work.ComponentSet;
import io.pledge.kafka.deadletter.DeadLetterHeaders;
import io.pledge.writer.batch.Outbox;
import io.pledge.writer.readiness.ReadinessSink;
import io.pledge.writer.telemetry.WriterTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Publishes the writer's status events, placement records and dead letters with one idempotent
 * producer ({@code acks=all}), so the events of one key keep their order. Used by the works
 * consumer's thread only.
 */
public final class WriterPublisher implements Outbox, ReadinessSink, AutoCloseable {

  /** The CloudEvents source of every event this service publishes. */
  public static final String SOURCE = "/pledge/state-writer";

  private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaProducer<String, String> producer;
  private final EventCodec codec = new EventCodec(SOURCE);
  private final String statusTopic;
  private final String placementsTopic;
  private final String readinessTopic;
  private final String componentsTopic;
  private final TableFollower placements;
  private final WriterTelemetry telemetry;
  private final List<Future<RecordMetadata>> sent = new ArrayList<>();
  private final List<Future<RecordMetadata>> placementsSent = new ArrayList<>();

  public WriterPublisher(
      Map<String, Object> producerProps,
      String statusTopic,
      String placementsTopic,
      String readinessTopic,
      String componentsTopic,
      TableFollower placements,
      WriterTelemetry telemetry) {
    this.telemetry = telemetry;
    this.producer = new KafkaProducer<>(producerProps);
    this.statusTopic = statusTopic;
    this.placementsTopic = placementsTopic;
    this.readinessTopic = readinessTopic;
    this.componentsTopic = componentsTopic;
    this.placements = placements;
  }

  @Override
  public void status(EventType type, String subject, Object data) {
    String value = EventCodec.write(codec.event(type, subject, data));
    ProducerRecord<String, String> record = new ProducerRecord<>(statusTopic, subject, value);
    // The event continues the trace of the Work it is about (the current span).
    telemetry.inject(record.headers());
    sent.add(producer.send(record));
  }

  /** A Destination's or state store's readiness; null is a tombstone (the object is gone). */
  @Override
  public Future<?> readiness(String key, DestinationReadiness readiness) {
    String value =
        readiness == null
            ? null
            : EventCodec.write(codec.event(EventType.DESTINATION_READINESS, key, readiness));
    return producer.send(new ProducerRecord<>(readinessTopic, key, value));
  }

  @Override
  public void components(ComponentSet set) {
    String value =
        EventCodec.write(codec.event(EventType.COMPONENTS_APPLIED, set.parentKey(), set));
    ProducerRecord<String, String> record =
        new ProducerRecord<>(componentsTopic, set.parentKey(), value);
    telemetry.inject(record.headers());
    sent.add(producer.send(record));
  }

  @Override
  public void placement(String key, String value) {
    placementsSent.add(producer.send(new ProducerRecord<>(placementsTopic, key, value)));
  }

  @Override
  public void deadLetter(ConsumerRecord<String, String> record, String reason) {
    RecordHeaders headers = new RecordHeaders();
    for (Header header : record.headers()) {
      headers.add(header);
    }
    DeadLetterHeaders.add(headers, record, reason);
    sent.add(
        producer.send(
            new ProducerRecord<>(
                Topics.deadLetter(record.topic()), null, record.key(), record.value(), headers)));
  }

  @Override
  public void flush() {
    producer.flush();
    try {
      for (Future<RecordMetadata> future : sent) {
        future.get();
      }
      Map<TopicPartition, Long> applied = new HashMap<>();
      for (Future<RecordMetadata> future : placementsSent) {
        RecordMetadata metadata = future.get();
        applied.merge(
            new TopicPartition(metadata.topic(), metadata.partition()),
            metadata.offset() + 1,
            Math::max);
      }
      if (!applied.isEmpty()) {
        placements.awaitPositions(applied, APPLY_TIMEOUT);
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("a send to Kafka failed: " + e.getCause().getMessage(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while flushing", e);
    } finally {
      sent.clear();
      placementsSent.clear();
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
