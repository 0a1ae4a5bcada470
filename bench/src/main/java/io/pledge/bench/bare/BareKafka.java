package io.pledge.bench.bare;

import io.pledge.bench.measure.LatencyStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The raw Kafka round trip on the run's broker, with the producer settings the services use ({@code
 * acks=all}, idempotent, no linger): one record at a time produced and consumed back (the latency
 * of one hop), then N records produced as fast as they go and consumed (the throughput of one hop).
 * A topic of its own, short retention, deleted afterwards.
 */
public final class BareKafka {

  /** One hop's latency (one record at a time) and throughput (N records). */
  public record Result(LatencyStats roundTrip, int records, double seconds) {
    public double perSecond() {
      return seconds <= 0 ? Double.NaN : records / seconds;
    }
  }

  static final String TOPIC = "pledge.bench.roundtrip";

  private BareKafka() {}

  public static Result measure(String bootstrap, int pings, int records, int payloadBytes)
      throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(TOPIC, 4, (short) 1)
                      .configs(Map.of("retention.ms", "600000", "segment.bytes", "16777216"))))
          .all()
          .get();
      try {
        return run(bootstrap, pings, records, payloadBytes);
      } finally {
        admin.deleteTopics(List.of(TOPIC)).all().get();
      }
    }
  }

  private static Result run(String bootstrap, int pings, int records, int payloadBytes)
      throws Exception {
    String payload = "x".repeat(Math.max(1, payloadBytes));
    try (KafkaProducer<String, String> producer = producer(bootstrap);
        KafkaConsumer<String, String> consumer = consumer(bootstrap)) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(TOPIC)
          .forEach(p -> partitions.add(new TopicPartition(TOPIC, p.partition())));
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);

      long[] micros = new long[pings];
      for (int i = 0; i < pings; i++) {
        String key = "ping-" + i;
        long t0 = System.nanoTime();
        producer.send(new ProducerRecord<>(TOPIC, key, payload));
        boolean seen = false;
        while (!seen) {
          for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
            seen |= key.equals(r.key());
          }
          if (System.nanoTime() - t0 > 30_000_000_000L) {
            throw new IllegalStateException("a record did not come back in 30 s");
          }
        }
        micros[i] = (System.nanoTime() - t0) / 1_000;
      }

      long start = System.nanoTime();
      List<Future<RecordMetadata>> sent = new ArrayList<>(records);
      for (int i = 0; i < records; i++) {
        sent.add(producer.send(new ProducerRecord<>(TOPIC, "bulk-" + (i % 1024), payload)));
      }
      int received = 0;
      while (received < records) {
        received += consumer.poll(Duration.ofMillis(100)).count();
        if (System.nanoTime() - start > 300_000_000_000L) {
          throw new IllegalStateException("only " + received + " of " + records + " came back");
        }
      }
      for (Future<RecordMetadata> f : sent) {
        f.get();
      }
      return new Result(LatencyStats.ofMicros(micros), records, (System.nanoTime() - start) / 1e9);
    }
  }

  private static KafkaProducer<String, String> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  private static KafkaConsumer<String, String> consumer(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }
}
