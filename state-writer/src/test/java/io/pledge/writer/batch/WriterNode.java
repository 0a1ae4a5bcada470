package io.pledge.writer.batch;

import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.kafka.health.VitalThreads;
import io.pledge.testkit.kafka.EmbeddedKafka;
import io.pledge.writer.destination.DestinationTable;
import io.pledge.writer.git.GitStateStore;
import io.pledge.writer.git.GitStateStores;
import io.pledge.writer.kafka.TableFollower;
import io.pledge.writer.kafka.WriterPublisher;
import io.pledge.writer.scheduling.PlacementTable;
import io.pledge.writer.store.StateStores;
import io.pledge.writer.telemetry.WriterTelemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

/**
 * One state writer wired as {@code StateWriter} wires it (table followers, publisher, batcher,
 * works consumer), without Quarkus, so that a test can run several in one JVM against the real
 * broker. Each test picks its own topic names ({@link Topics#unique}), so tests sharing the broker
 * do not see each other's records.
 */
public final class WriterNode implements AutoCloseable {

  /** The four topics a writer uses. */
  public record Topics(String works, String destinations, String placements, String status) {

    /** Fresh topics (4 partitions; the tables compacted), created on the broker. */
    public static Topics unique(EmbeddedKafka kafka, String prefix) {
      String suffix = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
      Topics topics =
          new Topics(
              "works." + suffix,
              "destinations." + suffix,
              "placements." + suffix,
              "status." + suffix);
      kafka.createTopics(
          List.of(
              topics.works,
              topics.destinations,
              topics.placements,
              topics.status,
              io.pledge.contract.Topics.deadLetter(topics.works)),
          Set.of(topics.destinations, topics.placements));
      awaitLeaders(kafka, topics);
      return topics;
    }

    /**
     * A producer that sends before a new partition has its leader may get its first batch both
     * written and refused, then loop on OUT_OF_ORDER_SEQUENCE: wait for the leaders first.
     */
    private static void awaitLeaders(EmbeddedKafka kafka, Topics topics) {
      List<String> names =
          List.of(topics.works, topics.destinations, topics.placements, topics.status);
      try (Admin admin = kafka.admin()) {
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () ->
                    admin.describeTopics(names).allTopicNames().get().values().stream()
                        .allMatch(
                            t ->
                                t.partitions().size() == 4
                                    && t.partitions().stream().allMatch(p -> p.leader() != null)));
      }
    }
  }

  private static final EventCodec CODEC = new EventCodec("/pledge/test");

  private final TableFollower destinationsFollower;
  private final TableFollower placementsFollower;
  private final WriterPublisher publisher;
  private final StateStores stores;
  private final WorksConsumer works;
  private final PlacementTable placements = new PlacementTable();
  private final List<String> committed = new CopyOnWriteArrayList<>();
  private final List<String> failed = new CopyOnWriteArrayList<>();

  /**
   * @param workDir this writer's own local copies (a work dir belongs to one process)
   * @param window the batch window
   */
  public WriterNode(
      String bootstrap, Topics topics, String groupId, Path workDir, Duration window) {
    this(bootstrap, topics, groupId, workDir, window, WriterTelemetry.NONE);
  }

  /** Like the other, with the writer's telemetry (e.g. a meter registry to read timings from). */
  public WriterNode(
      String bootstrap,
      Topics topics,
      String groupId,
      Path workDir,
      Duration window,
      WriterTelemetry telemetry) {
    DestinationTable destinations = new DestinationTable();
    WorksConsumer[] self = new WorksConsumer[1];
    placementsFollower =
        new TableFollower(
            topics.placements(),
            consumer(bootstrap, null, 500),
            r -> placements.applyRead(r.key(), r.value(), r.partition(), r.offset()));
    destinationsFollower =
        new TableFollower(
            topics.destinations(),
            consumer(bootstrap, null, 500),
            r -> {
              DestinationTable.Change change = destinations.apply(r.key(), r.value());
              if (self[0] != null) {
                self[0].destinationChanged(change);
              }
            });
    publisher =
        new WriterPublisher(
            producer(bootstrap), topics.status(), topics.placements(), placements, telemetry);
    stores =
        new StateStores(
            new GitStateStores(
                workDir,
                workDir.resolve("secrets"),
                5,
                Duration.ofMillis(50),
                GitStateStore.DEFAULT_STALE_LOCK_AGE,
                telemetry),
            workDir.resolve("secrets"));
    // What this node said, by event type: which writer did what, in a test with two.
    Outbox outbox =
        new Outbox() {
          @Override
          public void status(EventType type, String subject, Object data) {
            if (type == EventType.WORK_COMMITTED) {
              committed.add(subject);
            } else if (type == EventType.WORK_FAILED) {
              failed.add(subject);
            }
            publisher.status(type, subject, data);
          }

          @Override
          public void placement(String key, String value) {
            publisher.placement(key, value);
          }

          @Override
          public void deadLetter(ConsumerRecord<String, String> record, String reason) {
            publisher.deadLetter(record, reason);
          }

          @Override
          public void flush() {
            publisher.flush();
          }
        };
    CommitBatcher batcher =
        new CommitBatcher(
            destinations,
            placements,
            stores,
            outbox,
            Duration.ofMillis(200),
            Duration.ofSeconds(1),
            telemetry);
    works =
        new WorksConsumer(
            topics.works(),
            consumer(bootstrap, groupId, 500),
            window,
            500,
            Duration.ofSeconds(60),
            Duration.ofMillis(200),
            Duration.ofSeconds(1),
            batcher,
            outbox,
            destinations,
            placements,
            destinationsFollower,
            placementsFollower,
            telemetry);
    self[0] = works;
  }

  /** Starts the followers and the works consumer, each on its own thread. */
  public WriterNode start() {
    VitalThreads threads = new VitalThreads();
    placementsFollower.start(threads);
    destinationsFollower.start(threads);
    works.start(threads);
    return this;
  }

  public boolean ready() {
    return works.ready();
  }

  public PlacementTable placements() {
    return placements;
  }

  /** The keys of the WORK_COMMITTED events this node sent, in order. */
  public List<String> committed() {
    return List.copyOf(committed);
  }

  /** The keys of the WORK_FAILED events this node sent, in order. */
  public List<String> failed() {
    return List.copyOf(failed);
  }

  /** A Destination or state store document as the destinations topic carries it. */
  public static String destinationEvent(String kind, String name, String yaml) {
    return EventCodec.write(
        CODEC.event(
            EventType.DESTINATION_APPLIED,
            DestinationApplied.key(kind, name),
            new DestinationApplied(kind, name, KratixDocuments.readAll(yaml).get(0))));
  }

  public static String gitStoreYaml(String name, Path repo) {
    return "apiVersion: platform.kratix.io/v1alpha1\nkind: GitStateStore\nmetadata:\n  name: "
        + name
        + "\nspec:\n  url: "
        + repo
        + "\n  branch: main\n";
  }

  public static String destinationYaml(String name, String store) {
    return "apiVersion: platform.kratix.io/v1alpha1\nkind: Destination\nmetadata:\n  name: "
        + name
        + "\nspec:\n  path: "
        + name
        + "\n  stateStoreRef: {kind: GitStateStore, name: "
        + store
        + "}\n";
  }

  static Map<String, Object> consumer(String bootstrap, String groupId, int maxPollRecords) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(maxPollRecords));
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1500");
    if (groupId != null) {
      props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }
    return props;
  }

  static Map<String, Object> producer(String bootstrap) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    return props;
  }

  @Override
  public void close() {
    works.close();
    destinationsFollower.close();
    placementsFollower.close();
    publisher.close();
    stores.close();
  }
}
