package io.pledge.writer.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.Workload;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.testkit.git.GitFixtures;
import io.pledge.testkit.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.eclipse.jgit.internal.storage.file.LockFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The works consumer against the real broker: when batches go, and rebalances in the middle. */
class WorksConsumerTest {

  static final String DOT = "5058f1af8388633f609cadb75a75dc9d";
  static final EventCodec CODEC = new EventCodec("/pledge/test");
  static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;
  EmbeddedKafka kafka = EmbeddedKafka.shared();
  WriterNode.Topics topics;
  Path repo;
  KafkaProducer<String, String> producer;
  String group = "writers-" + UUID.randomUUID();
  List<WriterNode> nodes = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    topics = WriterNode.Topics.unique(kafka, "consumer");
    repo = GitFixtures.bareRepository(tmp.resolve("state.git"), "main");
    Map<String, Object> props = WriterNode.producer(kafka.bootstrapServers());
    // The test's own records: plain retries, the writer's producer stays idempotent.
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    producer = new KafkaProducer<>(props);
    producer
        .send(
            new ProducerRecord<>(
                topics.destinations(),
                "GitStateStore/store",
                WriterNode.destinationEvent(
                    "GitStateStore", "store", WriterNode.gitStoreYaml("store", repo))))
        .get();
    producer
        .send(
            new ProducerRecord<>(
                topics.destinations(),
                "Destination/worker-1",
                WriterNode.destinationEvent(
                    "Destination", "worker-1", WriterNode.destinationYaml("worker-1", "store"))))
        .get();
  }

  @AfterEach
  void tearDown() {
    nodes.forEach(WriterNode::close);
    producer.close();
  }

  WriterNode writer(String name, Duration window) {
    WriterNode node =
        new WriterNode(kafka.bootstrapServers(), topics, group, tmp.resolve(name), window).start();
    nodes.add(node);
    Awaitility.await().atMost(WAIT).until(node::ready);
    return node;
  }

  @Test
  void writesAWorkAtOnceWhenNothingIsBeingPushed() throws Exception {
    // The window is the most a batch may wait, not a delay every batch waits.
    WriterNode writer = writer("alone", Duration.ofHours(1));

    publish(List.of("default/postgresql/at-once"));

    Awaitility.await()
        .atMost(WAIT)
        .until(() -> writer.committed().contains("default/postgresql/at-once"));
    assertThat(
            GitFixtures.readFile(
                repo,
                "main",
                "worker-1/resources/default/postgresql/at-once/configure/5058f/cm.yaml"))
        .isPresent();
  }

  @Test
  void aWriterJoiningWhileAnotherHoldsABatchLeavesEveryWorkCommittedOnce() throws Exception {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      keys.add("default/postgresql/r" + i);
    }
    // The store refuses every push while its branch is locked (by a live writer, as it looks).
    LockFile lock = new LockFile(repo.resolve("refs/heads/main").toFile());
    assertThat(lock.lock()).isTrue();
    publish(keys);
    WriterNode first = writer("first", Duration.ofMillis(25));
    // It holds a batch: written, failed, retried with the records' offsets uncommitted.
    Awaitility.await().atMost(WAIT).until(() -> !first.failed().isEmpty());
    Set<String> held = new HashSet<>(first.failed());

    WriterNode second = writer("second", Duration.ofMillis(25));
    try (Admin admin = kafka.admin()) {
      // Only the moving partitions are revoked: the others stay with their batch.
      Awaitility.await()
          .atMost(WAIT)
          .until(
              () ->
                  admin
                      .describeConsumerGroups(List.of(group))
                      .describedGroups()
                      .get(group)
                      .get()
                      .partitionAssignor(),
              "cooperative-sticky"::equals);
    }
    // Cooperative rebalance: the partitions that move are revoked from the first writer while it
    // waits to retry; it abandons the batch and the second writer takes their records.
    Awaitility.await().atMost(WAIT).until(() -> !second.failed().isEmpty());
    lock.unlock();

    Awaitility.await().atMost(WAIT).until(() -> committedByEither(first, second).containsAll(keys));
    awaitOffsetsCommittedToTheEnd();

    List<String> all = new ArrayList<>(first.committed());
    all.addAll(second.committed());
    assertThat(all).containsExactlyInAnyOrderElementsOf(keys);
    assertThat(second.committed()).isNotEmpty().anyMatch(held::contains);
    assertThat(first.committed()).isNotEmpty();
    for (String key : keys) {
      String name = key.substring(key.lastIndexOf('/') + 1);
      assertThat(
              GitFixtures.readFile(
                  repo,
                  "main",
                  "worker-1/resources/default/postgresql/" + name + "/configure/5058f/cm.yaml"))
          .contains("kind: ConfigMap\nname: " + name + "\n");
    }
  }

  static Set<String> committedByEither(WriterNode a, WriterNode b) {
    Set<String> keys = new HashSet<>(a.committed());
    keys.addAll(b.committed());
    return keys;
  }

  /** Once the group's offsets reach the end of every partition, no record is done again. */
  void awaitOffsetsCommittedToTheEnd() {
    try (Admin admin = kafka.admin()) {
      Awaitility.await()
          .atMost(WAIT)
          .until(
              () -> {
                Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (int p = 0; p < 4; p++) {
                  latest.put(new TopicPartition(topics.works(), p), OffsetSpec.latest());
                }
                return admin.listOffsets(latest).all().get().entrySet().stream()
                    .allMatch(
                        e ->
                            e.getValue().offset() == 0
                                || (committed.get(e.getKey()) != null
                                    && committed.get(e.getKey()).offset()
                                        == e.getValue().offset()));
              });
    }
  }

  void publish(List<String> keys) throws Exception {
    List<Future<?>> sent = new ArrayList<>();
    for (String key : keys) {
      String name = key.substring(key.lastIndexOf('/') + 1);
      Work work =
          new Work(
              key,
              Work.RESOURCE,
              "postgresql",
              "default",
              name,
              "configure",
              1,
              List.of(
                  new WorkloadGroup(
                      DOT,
                      ".",
                      List.of(),
                      List.of(
                          Workload.of(
                              "cm.yaml",
                              ("kind: ConfigMap\nname: " + name + "\n")
                                  .getBytes(StandardCharsets.UTF_8))))));
      sent.add(
          producer.send(
              new ProducerRecord<>(
                  topics.works(),
                  key,
                  EventCodec.write(CODEC.event(EventType.WORK_UPSERTED, key, work)))));
    }
    for (Future<?> f : sent) {
      f.get();
    }
  }
}
