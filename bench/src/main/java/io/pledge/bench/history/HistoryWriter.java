package io.pledge.bench.history;

import io.pledge.contract.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes {@link HistoryPlan}'s records as fast as the broker takes them: batched (large linger and
 * batches), {@code acks=all} and idempotent as the services' producers, {@code pledge.logs}
 * gzip-compressed as pipeline-runner sends it. Also the admin work around it: moving a consumer
 * group past the history (the services had processed it) and counting the records on the topics.
 */
public final class HistoryWriter implements AutoCloseable {

  /** What was written. */
  public record Written(
      long records,
      long bytes,
      double seconds,
      Map<String, Long> perTopic,
      Map<Integer, String> lastStatusKeyByPartition) {
    public double recordsPerSecond() {
      return seconds <= 0 ? 0 : records / seconds;
    }
  }

  private final String bootstrap;
  private final Admin admin;

  public HistoryWriter(String bootstrap) {
    this.bootstrap = bootstrap;
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "pledge-bench-history-admin");
    this.admin = Admin.create(p);
  }

  private KafkaProducer<String, String> producer(String compression, String id) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "100");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L * 1024 * 1024));
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(1024 * 1024));
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "600000");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, id);
    return new KafkaProducer<>(p);
  }

  /** Writes the history of {@code resources} resources; prints its progress and rate. */
  public Written write(int resources, int payloadBytes) throws InterruptedException {
    Map<String, Long> perTopic = new TreeMap<>();
    Map<Integer, String> lastStatusKey = new ConcurrentHashMap<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    AtomicLong bytes = new AtomicLong();
    long records = 0;
    // Within the last two hours: pipeline-runner re-runs resources whose last run is older than
    // the reconciliation interval (10 h by default), which would turn the past into work.
    Instant start = Instant.now().minus(Duration.ofHours(2));
    long stepMillis = Math.min(20, 3_600_000L / Math.max(1, resources));
    long began = System.nanoTime();
    try (KafkaProducer<String, String> plain = producer("none", "pledge-bench-history");
        KafkaProducer<String, String> gzip = producer("gzip", "pledge-bench-history-logs")) {
      int step = Math.max(1, resources / 10);
      for (int i = 0; i < resources; i++) {
        if (failure.get() != null) {
          break;
        }
        for (HistoryPlan.Record r :
            HistoryPlan.resource(i, start.plusMillis(i * stepMillis), payloadBytes)) {
          boolean status = Topics.STATUS.equals(r.topic());
          String key = r.key();
          bytes.addAndGet(key.length() + r.value().length());
          (Topics.LOGS.equals(r.topic()) ? gzip : plain)
              .send(
                  new ProducerRecord<>(r.topic(), key, r.value()),
                  (meta, e) -> {
                    if (e != null) {
                      failure.compareAndSet(null, e);
                    } else if (status) {
                      // Acknowledgements of one partition come in order: the last one is its end.
                      lastStatusKey.put(meta.partition(), key);
                    }
                  });
          perTopic.merge(r.topic(), 1L, Long::sum);
          records++;
        }
        if ((i + 1) % step == 0 && i + 1 < resources) {
          double s = (System.nanoTime() - began) / 1e9;
          System.out.printf(
              Locale.ROOT,
              "[history] %d/%d resources queued, %d records, %.0f records/s%n",
              i + 1,
              resources,
              records,
              records / s);
        }
      }
      plain.flush();
      gzip.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException(
          "writing the history failed: " + failure.get(), failure.get());
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    return new Written(records, bytes.get(), seconds, perTopic, new TreeMap<>(lastStatusKey));
  }

  /**
   * Moves {@code group}'s committed offsets on {@code topic} to its end, as if the group had
   * processed everything there. The group must be empty (its members stopped); waits up to {@code
   * timeout} for a member that has not left yet.
   */
  public void skipToEnd(String group, String topic, Duration timeout)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    int partitions =
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    for (int p = 0; p < partitions; p++) {
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
    admin
        .listOffsets(latest)
        .all()
        .get()
        .forEach((tp, info) -> ends.put(tp, new OffsetAndMetadata(info.offset())));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        admin.alterConsumerGroupOffsets(group, ends).all().get(30, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof GroupNotEmptyException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(1000);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("moving group " + group + " timed out", e);
      }
    }
  }

  /** Records on each {@code pledge.*} topic now (end minus start offsets; before compaction). */
  public Map<String, Long> topicSizes() throws InterruptedException, ExecutionException {
    Map<String, Long> sizes = new TreeMap<>();
    var names =
        admin.listTopics().names().get().stream().filter(t -> t.startsWith("pledge.")).toList();
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    admin
        .describeTopics(names)
        .allTopicNames()
        .get()
        .forEach(
            (name, d) ->
                d.partitions()
                    .forEach(
                        p -> {
                          TopicPartition tp = new TopicPartition(name, p.partition());
                          earliest.put(tp, OffsetSpec.earliest());
                          latest.put(tp, OffsetSpec.latest());
                        }));
    var first = admin.listOffsets(earliest).all().get();
    admin
        .listOffsets(latest)
        .all()
        .get()
        .forEach(
            (tp, info) ->
                sizes.merge(tp.topic(), info.offset() - first.get(tp).offset(), Long::sum));
    return sizes;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
