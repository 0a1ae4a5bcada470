package io.pledge.runner.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pledge.runner.workflow.WorkflowRunner;
import io.pledge.runner.workflow.WorkflowSequencer;
import io.pledge.testkit.kafka.EmbeddedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two runner instances in one consumer group on a real broker, each with its own sequencer behind
 * {@link RequestPartitions}, as the requests channel wires them (cooperative-sticky assignment).
 * Runs on the first instance never end on their own (a long stage); on the second they end at once.
 * A key must never run on both at once: a partition that moves takes its key's run with it.
 */
class RequestPartitionsTest {

  private static final EmbeddedKafka KAFKA = EmbeddedKafka.shared();

  private final String topic = "requests-rebalance-" + UUID.randomUUID();
  private final String group = "runner-" + UUID.randomUUID();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> runningByKey = new ConcurrentHashMap<>();
  private final AtomicInteger mostAtOnce = new AtomicInteger();
  private final List<Instance> instances = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (Instance instance : instances) {
      instance.close();
    }
  }

  @Test
  void aKeysRunMovesWithItsPartitionAndRunsOnceOnTheNewOwner() throws Exception {
    try (Admin admin = KAFKA.admin()) {
      admin
          .createTopics(List.of(new NewTopic(topic, 2, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    produce(0, "ns/p/zero");
    produce(1, "ns/p/one");

    Instance a = start("A", false);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> log.containsAll(List.of("A start ns/p/zero", "A start ns/p/one")));

    // B joins: cooperative-sticky moves one partition to it; only that one is revoked on A.
    Instance b = start("B", true);
    await().atMost(Duration.ofSeconds(30)).until(() -> b.assigned.size() == 1);
    String moved = b.assigned.contains(0) ? "ns/p/zero" : "ns/p/one";
    String kept = moved.equals("ns/p/zero") ? "ns/p/one" : "ns/p/zero";
    await().atMost(Duration.ofSeconds(30)).until(() -> log.contains("B end " + moved));
    assertThat(log)
        .containsSubsequence("A stopped " + moved, "B start " + moved, "B end " + moved)
        .doesNotContain("A stopped " + kept);

    // A closes mid-run: its last run stops there and B runs the key to the end.
    a.close();
    await().atMost(Duration.ofSeconds(30)).until(() -> log.contains("B end " + kept));
    assertThat(log).containsSubsequence("A stopped " + kept, "B start " + kept, "B end " + kept);

    assertThat(mostAtOnce).as("runs of one key at once").hasValue(1);
    assertThat(a.acknowledged).as("records acknowledged by A").isEmpty();
    await().atMost(Duration.ofSeconds(10)).until(() -> committed().equals(Map.of(0, 1L, 1, 1L)));
  }

  private void produce(int partition, String key) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      producer.send(new ProducerRecord<>(topic, partition, key, "{}")).get(10, TimeUnit.SECONDS);
    }
  }

  private Map<Integer, Long> committed() throws Exception {
    try (Admin admin = KAFKA.admin()) {
      Map<Integer, Long> offsets = new HashMap<>();
      admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get(10, TimeUnit.SECONDS)
          .forEach((tp, o) -> offsets.put(tp.partition(), o.offset()));
      return offsets;
    }
  }

  private Instance start(String name, boolean finishesRuns) {
    Instance instance = new Instance(name, finishesRuns);
    instances.add(instance);
    instance.poller.start();
    return instance;
  }

  /**
   * A runner instance: its consumer polls, hands records over and commits what was acknowledged.
   */
  private final class Instance implements AutoCloseable {
    final String name;
    final boolean finishesRuns;
    final WorkflowSequencer sequencer =
        new WorkflowSequencer(job -> null, 4, 100, Duration.ofMillis(20));
    final RequestPartitions partitions = new RequestPartitions(sequencer, Duration.ofSeconds(30));
    final Set<Integer> assigned = ConcurrentHashMap.newKeySet();
    final Collection<ConsumerRecord<String, String>> acknowledged = new ConcurrentLinkedQueue<>();
    final Thread poller = new Thread(this::poll);
    volatile boolean closing;

    Instance(String name, boolean finishesRuns) {
      this.name = name;
      this.finishesRuns = finishesRuns;
    }

    private void poll() {
      Properties props = new Properties();
      props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
      props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
      props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      props.put(
          ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
          CooperativeStickyAssignor.class.getName());
      props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
      props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
      ConcurrentLinkedQueue<ConsumerRecord<String, String>> toCommit =
          new ConcurrentLinkedQueue<>();
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
        consumer.subscribe(
            List.of(topic),
            new ConsumerRebalanceListener() {
              @Override
              public void onPartitionsRevoked(Collection<TopicPartition> moving) {
                moving.forEach(p -> assigned.remove(p.partition()));
                partitions.onPartitionsRevoked(consumer, moving);
              }

              @Override
              public void onPartitionsAssigned(Collection<TopicPartition> added) {
                partitions.onPartitionsAssigned(consumer, added);
                added.forEach(p -> assigned.add(p.partition()));
              }
            });
        while (!closing) {
          for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(50))) {
            partitions.submit(new RecordJob(this, record, toCommit));
          }
          Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
          for (ConsumerRecord<String, String> r; (r = toCommit.poll()) != null; ) {
            offsets.put(
                new TopicPartition(r.topic(), r.partition()),
                new OffsetAndMetadata(r.offset() + 1));
          }
          if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
          }
        }
        // Leaving the group revokes every partition (RequestPartitions waits for their runs).
      } finally {
        sequencer.close();
      }
    }

    @Override
    public void close() throws InterruptedException {
      closing = true;
      poller.join(30_000);
    }
  }

  /** A run of one record: "A start k", then "A end k" or, when stopped, "A stopped k". */
  private final class RecordJob implements WorkflowSequencer.Job {
    private final Instance instance;
    private final ConsumerRecord<String, String> record;
    private final Collection<ConsumerRecord<String, String>> toCommit;

    RecordJob(
        Instance instance,
        ConsumerRecord<String, String> record,
        Collection<ConsumerRecord<String, String>> toCommit) {
      this.instance = instance;
      this.record = record;
      this.toCommit = toCommit;
    }

    @Override
    public String lane() {
      return record.key();
    }

    @Override
    public int partition() {
      return record.partition();
    }

    @Override
    public void run(BooleanSupplier cancelled) throws Exception {
      AtomicInteger running = runningByKey.computeIfAbsent(record.key(), k -> new AtomicInteger());
      mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
      log.add(instance.name + " start " + record.key());
      try {
        while (!instance.finishesRuns && !cancelled.getAsBoolean()) {
          Thread.sleep(5);
        }
        if (cancelled.getAsBoolean()) {
          log.add(instance.name + " stopped " + record.key());
          throw new WorkflowRunner.CancelledException();
        }
        log.add(instance.name + " end " + record.key());
      } finally {
        running.decrementAndGet();
      }
    }

    @Override
    public boolean replaces(WorkflowSequencer.Job older) {
      return false;
    }

    @Override
    public boolean interrupts(WorkflowSequencer.Job running) {
      return false;
    }

    @Override
    public void finished() {
      instance.acknowledged.add(record);
      toCommit.add(record);
    }

    @Override
    public void dropped() {
      finished();
    }

    @Override
    public boolean bounded() {
      return true;
    }
  }
}
