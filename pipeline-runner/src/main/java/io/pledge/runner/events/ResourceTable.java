package io.pledge.runner.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.request.ReconcileRequested;
import io.pledge.kafka.health.VitalThreads;
import io.pledge.kafka.partitioning.KeyPartitions;
import io.pledge.runner.config.RunnerConfig;
import io.pledge.runner.workflow.PromiseJob;
import io.pledge.runner.workflow.PromiseRegistry;
import io.pledge.runner.workflow.ReconcileSchedule;
import io.pledge.runner.workflow.ResourceIndex;
import io.pledge.runner.workflow.ResourceJob;
import io.pledge.runner.workflow.WorkflowRunner;
import io.pledge.runner.workflow.WorkflowSequencer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Keeps the {@link ResourceIndex} durable in the runner's compacted topic (key: resource key;
 * value: the last run; tombstone when deleted), read from the beginning by every instance, and
 * publishes the re-runs the index drives: after a Promise change, every resource of the Promise;
 * periodically, each resource whose last run is older than its interval. Re-runs are
 * RECONCILE_REQUESTED records on {@code pledge.requests} with deterministic event ids, so the
 * copies several instances publish run once (see {@link ResourceJob}). Periodic re-runs are
 * published only by the instance that owns the key's partition of {@code pledge.requests}, the one
 * that runs it: a key whose partition is moving is skipped and published by the next scan of its
 * new owner. Promise-change re-runs are published by every instance, as a Promise change reaches
 * each once and a partition moving at that moment would otherwise miss it.
 */
@ApplicationScoped
public class ResourceTable implements ResourceIndex.Store, PromiseJob.ResourceReruns {

  private static final Logger LOG = Logger.getLogger(ResourceTable.class);
  private static final EventCodec CODEC = new EventCodec(RunnerPublisher.SOURCE);
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

  @Inject RunnerConfig config;
  @Inject ResourceIndex index;
  @Inject PromiseRegistry promises;
  @Inject PromiseTableReader promiseTable;
  @Inject WorkflowSequencer sequencer;

  @Inject
  @Identifier(RequestPartitions.NAME)
  RequestPartitions partitions;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrapServers;

  @ConfigProperty(name = "mp.messaging.incoming.requests.topic", defaultValue = Topics.REQUESTS)
  String requestsTopic;

  private volatile boolean running;
  private volatile KafkaConsumer<String, String> consumer;
  private KafkaProducer<String, String> producer;
  private Thread thread;

  @Inject VitalThreads vitalThreads;
  private ScheduledExecutorService scheduler;
  private final Map<ResourceKey, Instant> periodicPublished = new ConcurrentHashMap<>();

  // Before the Promise table reader (default priority) starts Promise jobs that may use the index.
  void start(@Observes @Priority(100) StartupEvent event) {
    producer = new KafkaProducer<>(producerProperties());
    index.store(this);
    running = true;
    thread = vitalThreads.start("resource-table", this::loop);
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "periodic-reconcile");
              t.setDaemon(true);
              return t;
            });
    long every = config.reconcileScanInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::publishDue, every, every, TimeUnit.MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent event) {
    running = false;
    vitalThreads.stopping(thread);
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    KafkaConsumer<String, String> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }

  public boolean caughtUp() {
    return index.caughtUp();
  }

  // ---- the durable index

  @Override
  public void put(ResourceIndex.Entry entry) {
    ObjectNode value = KratixDocuments.JSON.createObjectNode();
    value.put("key", entry.key().toString());
    value.put("generation", entry.generation());
    value.set("resource", entry.resource());
    value.put("lastTrigger", entry.lastTrigger());
    value.put("completedAt", entry.completedAt().toEpochMilli());
    send(config.resourcesTopic(), entry.key().toString(), value.toString());
  }

  @Override
  public void remove(ResourceKey key) {
    send(config.resourcesTopic(), key.toString(), null);
  }

  static ResourceIndex.Entry parse(String value) {
    JsonNode node;
    try {
      node = KratixDocuments.JSON.readTree(value);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
    return new ResourceIndex.Entry(
        ResourceKey.parse(node.path("key").asText()),
        node.path("generation").asLong(),
        node.get("resource"),
        node.path("lastTrigger").asText(""),
        Instant.ofEpochMilli(node.path("completedAt").asLong()));
  }

  // ---- re-runs

  @Override
  public void promiseChanged(String promise, String digest) {
    awaitIndex();
    List<ResourceIndex.Entry> entries = index.ofPromise(promise);
    LOG.infof("Promise %s changed: re-running its %d resources", promise, entries.size());
    for (ResourceIndex.Entry entry : entries) {
      publishReconcile(
          entry,
          "promise-changed",
          ResourceJob.PROMISE_CHANGED + digest.substring(0, 16) + "-" + hash(entry.key()));
    }
  }

  /**
   * Publishes a periodic re-run for each resource that is due; once per run it ended. Throws
   * nothing: a scheduled run that throws ends the schedule for good, and the failure stays unread
   * in its future, so the periodic re-runs would stop without a log line.
   */
  @SuppressWarnings("java:S1181") // an Error in one scan must not end all later ones
  void publishDue() {
    try {
      if (!index.caughtUp() || !promiseTable.caughtUp()) {
        return;
      }
      List<ResourceIndex.Entry> due =
          ReconcileSchedule.due(
              index.all(),
              name ->
                  promises
                      .get(name)
                      .filter(PromiseRegistry.Entry::available)
                      .map(PromiseRegistry.Entry::document),
              config.reconciliationInterval(),
              Instant.now());
      int count = producer.partitionsFor(requestsTopic).size();
      for (ResourceIndex.Entry entry : due) {
        if (entry.completedAt().equals(periodicPublished.get(entry.key()))
            || !partitions.owns(KeyPartitions.partitionOf(entry.key().toString(), count))) {
          continue;
        }
        publishReconcile(
            entry,
            "periodic",
            ResourceJob.PERIODIC + hash(entry.key()) + "-" + entry.completedAt().toEpochMilli());
        periodicPublished.put(entry.key(), entry.completedAt());
      }
    } catch (RuntimeException e) {
      LOG.warnf(
          "periodic re-runs not published now (%s); next scan in %s",
          e, config.reconcileScanInterval());
    } catch (Error e) {
      LOG.errorf(
          e,
          "periodic re-runs not published now (%d resources in the index); next scan in %s",
          index.size(),
          config.reconcileScanInterval());
    }
  }

  private void publishReconcile(ResourceIndex.Entry entry, String reason, String id) {
    CloudEvent made =
        CODEC.event(
            EventType.RECONCILE_REQUESTED,
            entry.key().toString(),
            new ReconcileRequested(entry.key(), entry.generation(), reason, entry.resource()));
    CloudEvent event =
        new CloudEvent(
            made.specversion(),
            id,
            made.source(),
            made.type(),
            made.subject(),
            made.time(),
            made.datacontenttype(),
            made.dataschema(),
            made.correlationid(),
            made.data());
    send(requestsTopic, entry.key().toString(), EventCodec.write(event));
  }

  private void awaitIndex() {
    long deadline = System.nanoTime() + SEND_TIMEOUT.toNanos();
    while (!index.caughtUp()) {
      if (System.nanoTime() > deadline) {
        throw new WorkflowRunner.PublishFailedException(
            "the resource table was not read in time", null);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WorkflowRunner.CancelledException();
      }
    }
  }

  private void send(String topic, String key, String value) {
    try {
      producer
          .send(new ProducerRecord<>(topic, key, value))
          .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new WorkflowRunner.PublishFailedException("the broker did not take a record", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkflowRunner.CancelledException();
    }
  }

  private static String hash(ResourceKey key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(key.toString().getBytes(StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- reading the table

  private void loop() {
    while (running) {
      try {
        ResourceTopic.ensure(bootstrapServers, requestsTopic, config.resourcesTopic());
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProperties())) {
          consumer = c;
          follow(c);
        }
      } catch (WakeupException e) {
        return;
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        LOG.warnf("reading %s failed (%s); starting over", config.resourcesTopic(), e.getMessage());
        try {
          Thread.sleep(2000);
        } catch (InterruptedException ie) {
          return;
        }
      } finally {
        consumer = null;
      }
    }
  }

  private void follow(KafkaConsumer<String, String> c) {
    List<TopicPartition> partitions =
        c.partitionsFor(config.resourcesTopic(), Duration.ofSeconds(10)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    c.assign(partitions);
    c.seekToBeginning(partitions);
    Map<TopicPartition, Long> ends = new HashMap<>(c.endOffsets(partitions));
    while (running) {
      for (ConsumerRecord<String, String> record : c.poll(Duration.ofMillis(500))) {
        try {
          if (record.value() == null) {
            index.removed(ResourceKey.parse(record.key()));
          } else {
            index.loaded(parse(record.value()));
          }
        } catch (RuntimeException e) {
          LOG.warnf("skipping unreadable resource record at offset %d: %s", record.offset(), e);
        }
      }
      if (!index.caughtUp()) {
        ends.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
        if (ends.isEmpty()) {
          index.caughtUp(true);
          LOG.infof("read the resource table: %d resources", index.size());
          sequencer.promiseChanged(ResourceIndex.GATE);
        }
      }
    }
  }

  private Properties consumerProperties() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "pipeline-runner-resources-" + UUID.randomUUID());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return p;
  }

  private Properties producerProperties() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return p;
  }
}
