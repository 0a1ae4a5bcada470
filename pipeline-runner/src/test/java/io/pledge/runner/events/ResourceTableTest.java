package io.pledge.runner.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pledge.contract.ResourceKey;
import io.pledge.kafka.health.VitalThreads;
import io.pledge.kafka.partitioning.KeyPartitions;
import io.pledge.runner.config.RunnerConfig;
import io.pledge.runner.workflow.PromiseRegistry;
import io.pledge.runner.workflow.ResourceIndex;
import io.pledge.runner.workflow.WorkflowSequencer;
import io.pledge.testkit.kafka.EmbeddedKafka;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import jakarta.enterprise.inject.Vetoed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The periodic scan for resources due for a re-run, on its real schedule against a broker: it
 * survives scans that throw, and publishes only for keys of partitions this instance owns.
 */
class ResourceTableTest {

  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final int PARTITIONS = 4; // EmbeddedKafka's topics

  private final WorkflowSequencer sequencer =
      new WorkflowSequencer(job -> null, 1, 1, Duration.ofSeconds(1));
  private ResourceTable table;

  /**
   * Asked by each scan once the index is read; the first scan fails with an exception, the next
   * with an error.
   */
  /** A Promise table read to its end. */
  @Vetoed // not a bean of the @QuarkusTest applications that share this test class path
  private static final class ReadPromiseTable extends PromiseTableReader {
    @Override
    public boolean caughtUp() {
      return true;
    }
  }

  @Vetoed // not a bean of the @QuarkusTest applications that share this test class path
  private static final class FailingPromiseTable extends PromiseTableReader {
    final AtomicInteger asked = new AtomicInteger();

    @Override
    public boolean caughtUp() {
      switch (asked.incrementAndGet()) {
        case 1 -> throw new IllegalStateException("first scan fails");
        case 2 -> throw new StackOverflowError("second scan fails");
        default -> {
          return false;
        }
      }
    }
  }

  @AfterEach
  void stop() {
    if (table != null) {
      table.stop(null);
    }
    sequencer.close();
  }

  @Test
  void scansGoOnAfterScansThatThrow() {
    FailingPromiseTable promiseTable = new FailingPromiseTable();
    table = table(topic(), promiseTable, new RequestPartitions(sequencer, Duration.ofSeconds(30)));

    table.start(null);

    await().atMost(BOUND).until(() -> promiseTable.asked.get() > 3);
  }

  @Test
  void periodicRerunsArePublishedOnlyForKeysOfOwnedPartitions() {
    String requests = topic();
    RequestPartitions partitions = new RequestPartitions(sequencer, Duration.ofSeconds(30));
    partitions.onPartitionsAssigned(null, List.of(new TopicPartition(requests, 0)));
    table = table(requests, new ReadPromiseTable(), partitions);
    table.promises.applied("bench", 1, null, JsonNodeFactory.instance.objectNode());
    table.promises.configured(
        "bench", PromiseRegistry.digest(JsonNodeFactory.instance.objectNode()), true);
    ResourceKey owned = keyIn(0);
    ResourceKey other = keyIn(1);
    Instant longAgo = Instant.now().minus(Duration.ofDays(1));
    for (ResourceKey key : List.of(owned, other)) {
      table.index.loaded(
          new ResourceIndex.Entry(
              key, 1, JsonNodeFactory.instance.objectNode(), "request-1", longAgo));
    }

    table.start(null);

    List<String> keys = new ArrayList<>();
    try (KafkaConsumer<String, String> reader = reader(requests)) {
      await()
          .atMost(BOUND)
          .until(
              () -> {
                reader.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
                return keys.contains(owned.toString());
              });
      // Several more scans (100 ms apart): the other partition's key is never published here.
      reader.poll(Duration.ofSeconds(1)).forEach(r -> keys.add(r.key()));
    }
    assertThat(keys).containsOnly(owned.toString());
  }

  /** A topic of {@link #PARTITIONS} partitions. */
  private static String topic() {
    String requests = "requests-" + UUID.randomUUID();
    EmbeddedKafka.shared().createTopics(List.of(requests), Set.of());
    return requests;
  }

  /** A key of Promise bench whose partition of the requests topic is {@code partition}. */
  private static ResourceKey keyIn(int partition) {
    for (int i = 0; ; i++) {
      ResourceKey key = new ResourceKey("default", "bench", "r" + i);
      if (KeyPartitions.partitionOf(key.toString(), PARTITIONS) == partition) {
        return key;
      }
    }
  }

  private ResourceTable table(
      String requests, PromiseTableReader promiseTable, RequestPartitions partitions) {
    ResourceTable t = new ResourceTable();
    t.config =
        new SmallRyeConfigBuilder()
            .withMapping(RunnerConfig.class)
            .withConverter(Duration.class, 100, new DurationConverter())
            .withDefaultValue("pledge.runner.resources-topic", "resources-" + UUID.randomUUID())
            .withDefaultValue("pledge.runner.reconcile-scan-interval", "100ms")
            .build()
            .getConfigMapping(RunnerConfig.class);
    t.index = new ResourceIndex();
    t.promises = new PromiseRegistry();
    t.promiseTable = promiseTable;
    t.sequencer = sequencer;
    t.partitions = partitions;
    t.bootstrapServers = EmbeddedKafka.shared().bootstrapServers();
    t.requestsTopic = requests;
    t.vitalThreads = new VitalThreads();
    return t;
  }

  private static KafkaConsumer<String, String> reader(String topic) {
    KafkaConsumer<String, String> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                EmbeddedKafka.shared().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer());
    c.subscribe(List.of(topic));
    return c;
  }
}
