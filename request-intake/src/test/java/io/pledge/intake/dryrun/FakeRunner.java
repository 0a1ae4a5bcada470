package io.pledge.intake.dryrun;

import io.pledge.contract.Topics;
import io.pledge.contract.dryrun.DryRunCompleted;
import io.pledge.contract.dryrun.DryRunRequested;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays pipeline-runner with plain Kafka clients, as any other system could: reads dry-run requests
 * and answers each with what {@code answer} returns (nothing when it returns null).
 */
final class FakeRunner implements AutoCloseable {

  private final EventCodec codec = new EventCodec("/pledge/pipeline-runner");
  private final List<DryRunRequested> requests = new CopyOnWriteArrayList<>();
  private final KafkaConsumer<String, String> consumer;
  private final KafkaProducer<String, String> producer;
  private final Function<DryRunRequested, DryRunCompleted> answer;
  private final Thread thread;
  private volatile boolean running = true;

  FakeRunner(String bootstrap, Function<DryRunRequested, DryRunCompleted> answer) {
    this.answer = answer;
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "fake-runner-" + UUID.randomUUID());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    consumer = new KafkaConsumer<>(c);
    consumer.subscribe(List.of(Topics.DRY_RUNS));
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    producer = new KafkaProducer<>(p);
    thread = new Thread(this::run, "fake-runner");
    thread.setDaemon(true);
    thread.start();
  }

  /** Every dry-run request seen so far. */
  List<DryRunRequested> requests() {
    return new ArrayList<>(requests);
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(50))) {
          CloudEvent event = EventCodec.read(r.value());
          if (!EventType.DRY_RUN_REQUESTED.type().equals(event.type())) {
            continue;
          }
          DryRunRequested request = EventCodec.data(event, DryRunRequested.class);
          requests.add(request);
          DryRunCompleted reply = answer.apply(request);
          if (reply != null) {
            producer.send(
                new ProducerRecord<>(
                    Topics.DRY_RUN_REPLIES,
                    r.key(),
                    EventCodec.write(codec.event(EventType.DRY_RUN_COMPLETED, r.key(), reply))));
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close();
  }
}
