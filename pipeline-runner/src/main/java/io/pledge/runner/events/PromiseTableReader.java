package io.pledge.runner.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.event.MalformedEventException;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.kratix.Promise;
import io.pledge.contract.promise.PromiseApplied;
import io.pledge.contract.promise.PromiseDeleted;
import io.pledge.kafka.health.VitalThreads;
import io.pledge.runner.config.RunnerConfig;
import io.pledge.runner.workflow.PromiseJob;
import io.pledge.runner.workflow.PromiseLedger;
import io.pledge.runner.workflow.PromiseRegistry;
import io.pledge.runner.workflow.WorkflowRunner;
import io.pledge.runner.workflow.WorkflowSequencer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Reads the compacted {@code pledge.promises} table from the beginning on every instance (no
 * consumer group, nothing committed) and keeps following it. Each Promise document goes into the
 * {@link PromiseRegistry}; a new or changed one starts its configure workflow. The instance is
 * ready once it has read up to the end offsets it saw at start-up.
 */
@ApplicationScoped
public class PromiseTableReader {

  private static final Logger LOG = Logger.getLogger(PromiseTableReader.class);

  @Inject RunnerConfig config;
  @Inject PromiseRegistry promises;
  @Inject PromiseLedger ledger;
  @Inject WorkflowRunner runner;
  @Inject WorkflowSequencer sequencer;
  @Inject RunnerPublisher publisher;
  @Inject ResourceTable resources;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrapServers;

  private volatile boolean running;
  private volatile boolean caughtUp;
  private volatile KafkaConsumer<String, String> consumer;
  private Thread thread;

  @Inject VitalThreads vitalThreads;

  void start(@Observes StartupEvent event) {
    running = true;
    thread = vitalThreads.start("promise-table", this::loop);
  }

  void stop(@Observes ShutdownEvent event) {
    running = false;
    vitalThreads.stopping(thread);
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
  }

  /** Whether the table has been read up to where it stood at start-up. */
  public boolean caughtUp() {
    return caughtUp;
  }

  private void loop() {
    while (running) {
      try (KafkaConsumer<String, String> c = new KafkaConsumer<>(properties())) {
        consumer = c;
        follow(c);
      } catch (WakeupException e) {
        return;
      } catch (RuntimeException e) {
        // Interrupted, the client throws InterruptException and leaves the flag set: starting over
        // would fail at once (and the pause before it end at once), a busy loop that never ends.
        if (!running || Thread.currentThread().isInterrupted()) {
          return;
        }
        LOG.warnf("reading %s failed (%s); starting over", config.promisesTopic(), e.getMessage());
        if (!pause(Duration.ofSeconds(2))) {
          return;
        }
      } finally {
        consumer = null;
      }
    }
  }

  private void follow(KafkaConsumer<String, String> c) {
    List<TopicPartition> partitions = partitions(c);
    c.assign(partitions);
    c.seekToBeginning(partitions);
    Map<TopicPartition, Long> ends = new HashMap<>(c.endOffsets(partitions));
    while (running) {
      for (ConsumerRecord<String, String> record : c.poll(Duration.ofMillis(500))) {
        handle(record);
      }
      if (!caughtUp) {
        ends.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
        if (ends.isEmpty()) {
          caughtUp = true;
          LOG.infof("read the Promise table: %d Promises", promises.size());
        }
      }
    }
  }

  private List<TopicPartition> partitions(KafkaConsumer<String, String> c) {
    while (running) {
      List<PartitionInfo> infos = c.partitionsFor(config.promisesTopic(), Duration.ofSeconds(10));
      if (infos != null && !infos.isEmpty()) {
        return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      }
      LOG.infof("waiting for topic %s", config.promisesTopic());
      if (!pause(Duration.ofSeconds(1))) {
        break;
      }
    }
    throw new WakeupException();
  }

  void handle(ConsumerRecord<String, String> record) {
    if (record.value() == null) {
      return;
    }
    try {
      CloudEvent event = EventCodec.read(record.value());
      EventType type =
          event
              .eventType()
              .orElseThrow(() -> new MalformedEventException("unknown event type " + event.type()));
      switch (type) {
        case PROMISE_APPLIED -> applied(EventCodec.data(event, PromiseApplied.class));
        case PROMISE_DELETED -> deleted(EventCodec.data(event, PromiseDeleted.class));
        default ->
            throw new MalformedEventException(
                type.type() + " does not belong on the Promise table");
      }
    } catch (MalformedEventException | IllegalArgumentException e) {
      LOG.warnf(
          "dead-lettering Promise record %s-%d@%d: %s",
          record.topic(), record.partition(), record.offset(), e.getMessage());
      publisher.deadLetterPromise(
          record.key(), record.value(), e.getMessage(), record.partition(), record.offset());
    }
  }

  private void applied(PromiseApplied applied) {
    if (applied.name() == null || applied.promise() == null) {
      throw new MalformedEventException("a Promise without name or document");
    }
    JsonNode document = applied.promise();
    Promise promise = KratixDocuments.convert(document, Promise.class);
    Optional<PromiseRegistry.Entry> toRun =
        promises.applied(applied.name(), applied.generation(), promise, document);
    toRun.ifPresent(
        entry ->
            sequencer.submit(
                PromiseJob.configure(
                    entry, promises, ledger, runner, sequencer::promiseChanged, resources)));
    // A changed Promise is unavailable until its workflow completes; requests see it at once.
    sequencer.promiseChanged(applied.name());
  }

  private void deleted(PromiseDeleted deleted) {
    if (deleted.name() == null) {
      throw new MalformedEventException("a Promise deletion without name");
    }
    Optional<PromiseRegistry.Entry> last = promises.get(deleted.name());
    promises.deleted(deleted.name());
    // Only an instance that configured the Promise withdraws its Works, so a replay of the table
    // after a restart (the ledger forgot it then) does not withdraw them again.
    if (last.isPresent() && ledger.configuredAnyVersion(deleted.name())) {
      sequencer.submit(PromiseJob.delete(last.get(), promises, ledger, runner));
    } else {
      ledger.forget(deleted.name());
    }
    sequencer.promiseChanged(deleted.name());
  }

  private Properties properties() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "pipeline-runner-promises-" + UUID.randomUUID());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // request-intake publishes Promises in transactions (its definitions fence): never an aborted
    // one.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return p;
  }

  /** Sleeps; false if interrupted, with the flag set again for the loop to end on. */
  private static boolean pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
