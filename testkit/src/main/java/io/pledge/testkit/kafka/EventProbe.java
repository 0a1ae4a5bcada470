package io.pledge.testkit.kafka;

import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

/**
 * Reads CloudEvents from topics with plain Kafka clients, as another system would, and waits for
 * the ones a test expects. Also publishes events. Close it after the test.
 */
public final class EventProbe implements AutoCloseable {

  private final String bootstrapServers;
  private final List<ConsumerRecord<String, String>> seen = new CopyOnWriteArrayList<>();
  private final KafkaConsumer<String, String> consumer;
  private final Thread poller;
  private volatile boolean running = true;
  private KafkaProducer<String, String> producer;

  /** Follows {@code topics} from their beginning. */
  public EventProbe(String bootstrapServers, String... topics) {
    if (topics.length == 0) {
      throw new IllegalArgumentException("an EventProbe follows at least one topic");
    }
    this.bootstrapServers = bootstrapServers;
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    consumer = new KafkaConsumer<>(props);
    consumer.subscribe(List.of(topics));
    poller = new Thread(this::poll, "event-probe");
    poller.setDaemon(true);
    poller.start();
  }

  private void poll() {
    try {
      while (running) {
        consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  /** Every record seen so far. */
  public List<ConsumerRecord<String, String>> records() {
    return new ArrayList<>(seen);
  }

  /** Every readable CloudEvent seen so far, in arrival order. */
  public List<CloudEvent> events() {
    List<CloudEvent> events = new ArrayList<>();
    for (ConsumerRecord<String, String> r : seen) {
      if (r.value() != null) {
        try {
          events.add(EventCodec.read(r.value()));
        } catch (RuntimeException e) {
          // not an event: tests that care look at records()
        }
      }
    }
    return events;
  }

  /** Waits for an event matching {@code match} and returns the first one. */
  public CloudEvent await(Predicate<CloudEvent> match, Duration timeout) {
    return Awaitility.await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> events().stream().filter(match).findFirst().orElse(null), e -> e != null);
  }

  /** Waits for an event of {@code type} about {@code subject}. */
  public CloudEvent await(String type, String subject, Duration timeout) {
    return await(e -> type.equals(e.type()) && subject.equals(e.subject()), timeout);
  }

  /** Publishes {@code value} to {@code topic} under {@code key}, waiting for the broker's ack. */
  public void publish(String topic, String key, String value) {
    publish(topic, key, value, Map.of());
  }

  /** Like {@link #publish(String, String, String)}, with record headers (UTF-8 values). */
  public void publish(String topic, String key, String value, Map<String, String> headers) {
    producer();
    ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
    headers.forEach((name, v) -> record.headers().add(name, v.getBytes(StandardCharsets.UTF_8)));
    try {
      producer.send(record).get();
    } catch (Exception e) {
      throw new IllegalStateException("could not publish to " + topic, e);
    }
  }

  private void producer() {
    if (producer == null) {
      Properties props = new Properties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      producer = new KafkaProducer<>(props);
    }
  }

  public void publish(String topic, CloudEvent event) {
    publish(topic, event.subject(), EventCodec.write(event));
  }

  /**
   * Publishes every event without waiting in between (so they reach the broker together), then
   * waits for all the broker's acks.
   */
  public void publishAll(String topic, List<CloudEvent> events) {
    producer();
    List<Future<?>> sent = new ArrayList<>();
    for (CloudEvent event : events) {
      sent.add(
          producer.send(new ProducerRecord<>(topic, event.subject(), EventCodec.write(event))));
    }
    try {
      for (Future<?> future : sent) {
        future.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not publish to " + topic, e);
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      poller.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (producer != null) {
      producer.close();
    }
  }
}
