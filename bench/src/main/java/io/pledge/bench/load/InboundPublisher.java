package io.pledge.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.bench.measure.Clock;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends requests as another system would: a CloudEvent on {@code pledge.requests.inbound} whose
 * data is the request document, keyed by the resource key so one resource's requests stay in order.
 * The producer waits out a broker restart (long delivery timeout) rather than drop a request.
 */
public final class InboundPublisher implements AutoCloseable {

  /** The CloudEvents source the harness sends as; tokens.yaml may authorise it as a system. */
  public static final String SOURCE = "/pledge/bench";

  public static final String TYPE = "io.pledge.bench.request";

  private final KafkaProducer<String, String> producer;
  private final String topic;

  public InboundPublisher(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "600000");
    p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "pledge-bench-inbound");
    this.producer = new KafkaProducer<>(p);
    this.topic = topic;
  }

  /**
   * Sends {@code document} for {@code record}; {@code done} gets null once the broker has it, or
   * the failure.
   */
  public void send(RequestRecord record, JsonNode document, Consumer<Exception> done) {
    String id = UUID.randomUUID().toString();
    record.eventId(id);
    CloudEvent event =
        new CloudEvent(
            CloudEvent.SPEC_VERSION,
            id,
            SOURCE,
            TYPE,
            record.plan().key(),
            Instant.now(),
            CloudEvent.JSON,
            null,
            null,
            document);
    record.attempt();
    record.sent(Clock.micros());
    producer.send(
        new ProducerRecord<>(topic, record.plan().key(), EventCodec.write(event)),
        (metadata, e) -> done.accept(e));
  }

  /**
   * Sends {@code value} as it is (poison records of the chaos {@code poison} fault) and waits until
   * the broker has it.
   */
  public void sendRaw(String key, String value) throws Exception {
    producer.send(new ProducerRecord<>(topic, key, value)).get();
  }

  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(10));
  }
}
