package io.pledge.writer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.Workload;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.testkit.git.GitFixtures;
import io.pledge.testkit.kafka.EmbeddedKafka;
import io.pledge.testkit.kafka.EventProbe;
import io.pledge.writer.batch.WriterNode;
import io.pledge.writer.health.StoreHealth;
import io.pledge.writer.telemetry.WriterTelemetry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's share of apply → Reconciled, for the README's Performance section (not a pass/fail
 * test; excluded from the default build): Works are published to {@code pledge.works} at a steady
 * rate (10 per second by default, as the bench's latency phase sends requests) into one state
 * store, and each Work's latency is the time from its record's timestamp to the timestamp of its
 * {@code pledge.work.committed} record (both stamped by the producers on this machine). A real
 * broker (in-process), the real works consumer, batcher and publisher, JGit over {@code file://}.
 * Run with
 *
 * <pre>./mvnw -B -o test -pl state-writer -Dgroups=benchmark -DexcludedGroups= \
 *     -Dtest=WorksLatencyBenchmarkTest</pre>
 *
 * and {@code -Dbench.latency.works=300 -Dbench.latency.rate=10} to change the load.
 */
@Tag("benchmark")
class WorksLatencyBenchmarkTest {

  static final int WORKS = Integer.getInteger("bench.latency.works", 300);
  static final int RATE = Integer.getInteger("bench.latency.rate", 10);
  static final int WARM_UP = 20;
  static final String DOT = "5058f1af8388633f609cadb75a75dc9d";
  static final EventCodec CODEC = new EventCodec("/pledge/bench");

  private static final java.util.logging.Logger WRITER_LOG =
      java.util.logging.Logger.getLogger("io.pledge.writer");

  @TempDir Path tmp;
  SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Test
  void printsWorkToCommittedLatency() throws Exception {
    WRITER_LOG.setLevel(java.util.logging.Level.WARNING);
    EmbeddedKafka kafka = EmbeddedKafka.shared();
    WriterNode.Topics topics = WriterNode.Topics.unique(kafka, "latency");
    Path repo = GitFixtures.bareRepository(tmp.resolve("state.git"), "main");
    try (EventProbe probe = new EventProbe(kafka.bootstrapServers(), topics.status());
        KafkaProducer<String, String> producer = producer(kafka.bootstrapServers());
        WriterNode writer =
            new WriterNode(
                    kafka.bootstrapServers(),
                    topics,
                    "bench-writer",
                    tmp.resolve("writer"),
                    Duration.ofMillis(25),
                    new WriterTelemetry(OpenTelemetry.noop(), meters, new StoreHealth()))
                .start()) {
      producer
          .send(
              new ProducerRecord<>(
                  topics.destinations(),
                  "GitStateStore/bench",
                  WriterNode.destinationEvent(
                      "GitStateStore", "bench", WriterNode.gitStoreYaml("bench", repo))))
          .get();
      producer
          .send(
              new ProducerRecord<>(
                  topics.destinations(),
                  "Destination/worker-1",
                  WriterNode.destinationEvent(
                      "Destination", "worker-1", WriterNode.destinationYaml("worker-1", "bench"))))
          .get();
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(writer::ready);

      Map<String, Long> sent = new HashMap<>();
      // Warm-up: JIT, the first fetch of the store, the canary commit.
      for (int i = 0; i < WARM_UP; i++) {
        send(producer, topics.works(), "warm-" + i, sent);
      }
      awaitCommitted(probe, sent.keySet());
      sent.clear();
      int commitsBefore = GitFixtures.log(repo, "main").size();
      long[] writesBefore = writes(meters);

      long interval = TimeUnit.SECONDS.toNanos(1) / RATE;
      long next = System.nanoTime();
      for (int i = 0; i < WORKS; i++) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        send(producer, topics.works(), "load-" + i, sent);
        next += interval;
      }
      Map<String, Long> committed = awaitCommitted(probe, sent.keySet());
      int commits = GitFixtures.log(repo, "main").size() - commitsBefore;
      long[] writesAfter = writes(meters);
      long writeCount = writesAfter[0] - writesBefore[0];
      double writeMs = (writesAfter[1] - writesBefore[1]) / 1e6 / Math.max(1, writeCount);

      List<Long> latencies = new ArrayList<>();
      sent.forEach((key, at) -> latencies.add(committed.get(key) - at));
      latencies.sort(Long::compare);
      long scheduled =
          probe.events().stream()
              .filter(e -> EventType.WORK_SCHEDULED.type().equals(e.type()))
              .filter(e -> sent.containsKey(e.subject()))
              .count();
      String report =
          String.format(
              Locale.ROOT,
              "%n=== state-writer: Work on %s -> work.committed ===%n"
                  + "%d cores, %s; %d Works at %d/s into one Git store over file://%n"
                  + "p50 %d ms, p90 %d ms, p99 %d ms, max %d ms; %d commits (%.1f Works each);"
                  + " %d work.scheduled events%n"
                  + "store writes (fetch, commit, push): %d, %.1f ms each on average%n",
              topics.works(),
              Runtime.getRuntime().availableProcessors(),
              System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
              WORKS,
              RATE,
              percentile(latencies, 50),
              percentile(latencies, 90),
              percentile(latencies, 99),
              latencies.get(latencies.size() - 1),
              commits,
              WORKS / (double) Math.max(1, commits),
              scheduled,
              writeCount,
              writeMs);
      System.out.println(report);
      assertThat(latencies).hasSize(WORKS);
    }
  }

  private static void send(
      KafkaProducer<String, String> producer, String topic, String name, Map<String, Long> sent)
      throws Exception {
    String key = "bench/postgresql/" + name;
    String value = EventCodec.write(CODEC.event(EventType.WORK_UPSERTED, key, work(key, name)));
    RecordMetadata metadata = producer.send(new ProducerRecord<>(topic, key, value)).get();
    sent.put(key, metadata.timestamp());
  }

  /** Waits until every key has a work.committed; answers each key's first one's record time. */
  private static Map<String, Long> awaitCommitted(EventProbe probe, Set<String> keys) {
    Map<String, Long> committed = new HashMap<>();
    Awaitility.await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              for (ConsumerRecord<String, String> r : probe.records()) {
                if (r.value() == null || committed.containsKey(r.key())) {
                  continue;
                }
                CloudEvent event = EventCodec.read(r.value());
                if (EventType.WORK_COMMITTED.type().equals(event.type())
                    && keys.contains(r.key())) {
                  committed.put(r.key(), r.timestamp());
                }
              }
              return committed.keySet().containsAll(new HashSet<>(keys));
            });
    return committed;
  }

  /** Store writes so far: {count, total nanoseconds}. */
  private static long[] writes(SimpleMeterRegistry meters) {
    long count = 0;
    double nanos = 0;
    for (Timer timer : meters.find("pledge.writer.push.duration").timers()) {
      count += timer.count();
      nanos += timer.totalTime(TimeUnit.NANOSECONDS);
    }
    return new long[] {count, (long) nanos};
  }

  private static long percentile(List<Long> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }

  private static Work work(String key, String name) {
    String yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n";
    return new Work(
        key,
        Work.RESOURCE,
        "postgresql",
        "bench",
        name,
        "instance-configure",
        1,
        List.of(
            new WorkloadGroup(
                DOT,
                ".",
                List.of(),
                List.of(Workload.of("instance.yaml", yaml.getBytes(StandardCharsets.UTF_8))))));
  }

  private static KafkaProducer<String, String> producer(String bootstrap) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    return new KafkaProducer<>(props);
  }
}
