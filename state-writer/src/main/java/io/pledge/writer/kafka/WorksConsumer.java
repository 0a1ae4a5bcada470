package io.pledge.writer.kafka;

import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.event.MalformedEventException;
import io.pledge.contract.kratix.Destination;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.WorkWithdrawn;
import io.pledge.kafka.health.VitalThreads;
import io.pledge.kafka.partitioning.KeyPartitions;
import io.pledge.writer.batch.BatchAbandonedException;
import io.pledge.writer.batch.Canary;
import io.pledge.writer.batch.Command;
import io.pledge.writer.batch.CommitBatcher;
import io.pledge.writer.batch.Outbox;
import io.pledge.writer.destination.DestinationTable;
import io.pledge.writer.readiness.ReadinessChecks;
import io.pledge.writer.scheduling.PlacementTable;
import io.pledge.writer.scheduling.RememberedWork;
import io.pledge.writer.telemetry.WriterTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.jboss.logging.Logger;

/**
 * Consumes {@code pledge.works} in the writer's consumer group and drives the {@link
 * CommitBatcher}: records gather for up to the batch window, each batch is written, and its offsets
 * are committed only once its commits are pushed and its events acknowledged. Between batches it
 * looks again at remembered Works and canary files when Destinations change. Everything runs on
 * this one thread, so the records of a key are handled in order. See DESIGN.md.
 */
public final class WorksConsumer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(WorksConsumer.class);
  private static final Duration IDLE_POLL = Duration.ofMillis(100);
  private static final Duration KEEP_ALIVE_POLL = Duration.ofMillis(200);
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(30);
  // How often readiness looks for stores due a check; the checks have their own intervals.
  private static final Duration READINESS_PERIOD = Duration.ofSeconds(1);

  private final String topic;
  private final Map<String, Object> props;
  private final Duration window;
  private final int maxWorks;
  private final Duration reevaluateInterval;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final CommitBatcher batcher;
  private final Outbox outbox;
  private final DestinationTable destinations;
  private final PlacementTable placements;
  private final List<TableFollower> tables;
  private final TableFollower placementsFollower;
  private VitalThreads vitalThreads;
  private Thread thread;
  private final WriterTelemetry telemetry;
  private final ReadinessChecks readiness;

  private final List<ConsumerRecord<String, String>> buffer = new ArrayList<>();
  private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
  private final Set<String> canariesDue = ConcurrentHashMap.newKeySet();
  private final Set<String> relabelled = ConcurrentHashMap.newKeySet();
  private volatile boolean running = true;
  private volatile boolean subscribed;
  private volatile boolean destinationsChanged;

  /** Counts Destination and state store changes; a batch notes it when it is planned. */
  private final AtomicLong definitions = new AtomicLong();

  private long definitionsPlanned;
  private KafkaConsumer<String, String> consumer;
  // The consumer's own metrics (its lag among them), published while it runs.
  private AutoCloseable clientMetrics;
  private long windowStart;
  private long nextReevaluation;
  private long nextReadiness;
  private boolean needsCatchUp;
  private Set<TopicPartition> inFlight = Set.of();
  private boolean inFlightRevoked;
  private int partitionCount;

  public WorksConsumer(
      String topic,
      Map<String, Object> props,
      Duration window,
      int maxWorks,
      Duration reevaluateInterval,
      Duration initialBackoff,
      Duration maxBackoff,
      CommitBatcher batcher,
      Outbox outbox,
      DestinationTable destinations,
      PlacementTable placements,
      TableFollower destinationsFollower,
      TableFollower placementsFollower,
      ReadinessChecks readiness,
      WriterTelemetry telemetry) {
    this.telemetry = telemetry;
    this.readiness = readiness;
    this.topic = topic;
    this.props = props;
    this.window = window;
    this.maxWorks = Math.max(1, maxWorks);
    this.reevaluateInterval = reevaluateInterval;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.batcher = batcher;
    this.outbox = outbox;
    this.destinations = destinations;
    this.placements = placements;
    this.tables = List.of(destinationsFollower, placementsFollower);
    this.placementsFollower = placementsFollower;
  }

  /** Starts consuming on a vital thread: its death turns the service's liveness DOWN. */
  public WorksConsumer start(VitalThreads threads) {
    this.vitalThreads = threads;
    this.thread = threads.start("works-consumer", this::run);
    return this;
  }

  /** True once both tables are read and the consumer has joined its group. */
  public boolean ready() {
    return subscribed && running;
  }

  /** Called by the destinations follower: look again at waiting Works and canary files. */
  public void destinationChanged(DestinationTable.Change change) {
    if (change.applied()) {
      if (DestinationApplied.DESTINATION.equals(change.kind())) {
        canariesDue.add(change.name());
        relabelled.add(change.name());
      } else {
        String storeId = change.kind() + "/" + change.name();
        for (Destination d : destinations.destinations()) {
          if (d.spec() != null
              && d.spec().stateStoreRef() != null
              && storeId.equals(
                  d.spec().stateStoreRef().kind() + "/" + d.spec().stateStoreRef().name())) {
            canariesDue.add(d.name());
          }
        }
      }
    }
    readiness.changed(change);
    destinationsChanged = true;
    definitions.incrementAndGet();
  }

  private void run() {
    try {
      for (TableFollower table : tables) {
        while (running && !table.caughtUp()) {
          try {
            table.awaitStartCaughtUp(Duration.ofSeconds(5));
          } catch (TimeoutException e) {
            LOG.infof("Still reading %s", table.topic());
          }
        }
      }
      if (!running) {
        return;
      }
      consumer = new KafkaConsumer<>(props);
      clientMetrics = telemetry.clientMetrics(consumer);
      consumer.subscribe(List.of(topic), new Rebalance());
      subscribed = true;
      LOG.infof("Tables read; consuming %s", topic);
      while (running) {
        try {
          loopOnce();
        } catch (BatchAbandonedException e) {
          LOG.infof("Batch abandoned: %s", e.getMessage());
        } catch (RuntimeException e) {
          LOG.errorf(e, "Works consumer failed; carrying on after a pause");
          sleepQuietly(initialBackoff);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (clientMetrics != null) {
        try {
          clientMetrics.close();
        } catch (Exception e) {
          LOG.debugf("closing the consumer's metrics: %s", e);
        }
      }
      if (consumer != null) {
        consumer.close(Duration.ofSeconds(5));
      }
      subscribed = false;
    }
  }

  private void loopOnce() throws BatchAbandonedException {
    Duration timeout = IDLE_POLL;
    if (!buffer.isEmpty()) {
      long left = window.toMillis() - (System.currentTimeMillis() - windowStart);
      timeout = Duration.ofMillis(Math.max(1, Math.min(left, IDLE_POLL.toMillis())));
    }
    for (ConsumerRecord<String, String> r : consumer.poll(timeout)) {
      if (buffer.isEmpty()) {
        windowStart = System.currentTimeMillis();
      }
      buffer.add(r);
    }
    if (needsCatchUp && !catchUp()) {
      return;
    }
    if (!buffer.isEmpty()
        && (buffer.size() >= maxWorks
            || System.currentTimeMillis() - windowStart >= window.toMillis())) {
      flush();
    }
    if (buffer.isEmpty()) {
      housekeeping();
    }
  }

  /** After partitions move here, sticky placements written by their last owner must be read. */
  private boolean catchUp() {
    try {
      placementsFollower.awaitCaughtUp(CATCH_UP_TIMEOUT);
      needsCatchUp = false;
      destinationsChanged = true;
      return true;
    } catch (TimeoutException e) {
      LOG.warnf("Placements not caught up yet: %s", e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      return false;
    }
  }

  private void flush() throws BatchAbandonedException {
    int size = Math.min(maxWorks, buffer.size());
    List<ConsumerRecord<String, String>> batch = new ArrayList<>(buffer.subList(0, size));
    buffer.subList(0, size).clear();
    windowStart = System.currentTimeMillis();
    Map<TopicPartition, Long> first = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
    for (ConsumerRecord<String, String> r : batch) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      first.putIfAbsent(tp, r.offset());
      next.put(tp, new OffsetAndMetadata(r.offset() + 1));
    }
    inFlight = first.keySet();
    inFlightRevoked = false;
    definitionsPlanned = definitions.get();
    try {
      List<Command> commands = new ArrayList<>();
      for (ConsumerRecord<String, String> r : batch) {
        Command command = decode(r);
        if (command != null) {
          commands.add(command);
        }
      }
      batcher.process(commands, this::pause);
      outbox.flush();
      consumer.commitSync(next);
      LOG.debugf("Committed offsets %s", next);
    } catch (BatchAbandonedException e) {
      rewind(first);
      throw e;
    } catch (CommitFailedException | RebalanceInProgressException e) {
      LOG.infof("Offsets not committed, the partitions moved: %s", e.getMessage());
    } catch (RuntimeException e) {
      rewind(first);
      throw e;
    } finally {
      inFlight = Set.of();
      consumer.resume(consumer.paused());
    }
  }

  /** Reads a record; a poison record goes to the dead-letter topic and yields null. */
  private Command decode(ConsumerRecord<String, String> record) {
    if (record.value() == null) {
      return null;
    }
    try {
      CloudEvent event = EventCodec.read(record.value());
      EventType type =
          event
              .eventType()
              .orElseThrow(() -> new MalformedEventException("unknown event type " + event.type()));
      switch (type) {
        case WORK_UPSERTED -> {
          Work work = EventCodec.data(event, Work.class);
          if (work.key() == null) {
            throw new MalformedEventException("Work without a key");
          }
          return new Command.Upsert(work, record);
        }
        case WORK_WITHDRAWN -> {
          WorkWithdrawn withdrawn = EventCodec.data(event, WorkWithdrawn.class);
          if (withdrawn.key() == null) {
            throw new MalformedEventException("withdrawal without a key");
          }
          return new Command.Withdraw(withdrawn, record);
        }
        default -> throw new MalformedEventException(event.type() + " does not belong on " + topic);
      }
    } catch (MalformedEventException e) {
      LOG.warnf(
          "Poison record %s-%d@%d to the dead-letter topic: %s",
          record.topic(), record.partition(), record.offset(), e.getMessage());
      outbox.deadLetter(record, e.getMessage());
      return null;
    }
  }

  /** Waits between write attempts while staying in the group; new records wait in the buffer. */
  private void pause(Duration duration) throws BatchAbandonedException {
    consumer.pause(consumer.assignment());
    long deadline = System.currentTimeMillis() + duration.toMillis();
    while (true) {
      if (!running) {
        throw new BatchAbandonedException("shutting down");
      }
      if (inFlightRevoked) {
        throw new BatchAbandonedException("partitions of the batch moved to another instance");
      }
      if (definitions.get() != definitionsPlanned) {
        // Level-triggered: a store fixed (or a Destination moved) while its write is retried is
        // used at once, not after the old definition's next failure or a restart.
        throw new BatchAbandonedException(
            "a Destination or state store changed while a write was retried: planning the batch"
                + " again with it");
      }
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return;
      }
      consumer.pause(consumer.assignment());
      for (ConsumerRecord<String, String> r :
          consumer.poll(Duration.ofMillis(Math.min(left, KEEP_ALIVE_POLL.toMillis())))) {
        if (buffer.isEmpty()) {
          windowStart = System.currentTimeMillis();
        }
        buffer.add(r);
      }
    }
  }

  /** Unprocessed records of a failed batch are read again from its first offsets. */
  private void rewind(Map<TopicPartition, Long> first) {
    Set<TopicPartition> owned = consumer.assignment();
    for (Map.Entry<TopicPartition, Long> e : first.entrySet()) {
      if (owned.contains(e.getKey())) {
        buffer.removeIf(r -> r.partition() == e.getKey().partition());
        consumer.seek(e.getKey(), e.getValue());
      }
    }
  }

  /**
   * Remembered Works and canary files of Destinations whose key this instance owns, then the
   * readiness of Destinations and state stores.
   */
  private void housekeeping() throws BatchAbandonedException {
    long now = System.currentTimeMillis();
    boolean changed = destinationsChanged;
    if (changed || now >= nextReevaluation) {
      lookAgain(now);
    }
    if (!assigned.isEmpty() && (changed || now >= nextReadiness)) {
      nextReadiness = now + READINESS_PERIOD.toMillis();
      readiness.run(this::owns);
    }
  }

  private void lookAgain(long now) throws BatchAbandonedException {
    destinationsChanged = false;
    nextReevaluation = now + reevaluateInterval.toMillis();
    if (assigned.isEmpty()) {
      return;
    }
    for (Iterator<String> it = relabelled.iterator(); it.hasNext(); ) {
      String destination = it.next();
      it.remove();
      int remarked;
      try {
        remarked = batcher.remarkPlacements(destination, this::owns);
      } catch (RuntimeException e) {
        relabelled.add(destination);
        destinationsChanged = true;
        throw e;
      }
      if (remarked > 0) {
        LOG.infof("%d Work(s) on Destination %s re-marked", remarked, destination);
      }
    }
    List<Command> commands = new ArrayList<>();
    placements.rememberedWorks().stream()
        .filter(w -> owns(w.work().key()))
        .filter(batcher::needsReevaluation)
        .sorted(Comparator.comparing((RememberedWork w) -> w.work().identity()))
        .forEach(w -> commands.add(new Command.Upsert(w.work(), null)));
    if (!commands.isEmpty()) {
      LOG.infof("Looking again at %d remembered Work(s)", commands.size());
      inFlight = Set.of();
      inFlightRevoked = false;
      try {
        batcher.process(commands, this::pause);
      } catch (BatchAbandonedException | RuntimeException e) {
        destinationsChanged = true;
        throw e;
      } finally {
        consumer.resume(consumer.paused());
      }
    }
    for (Iterator<String> it = canariesDue.iterator(); it.hasNext(); ) {
      String destination = it.next();
      if (!owns(destination)) {
        it.remove();
        continue;
      }
      Canary canary = batcher.writeCanary(destination);
      readiness.canary(destination, canary);
      if (canary.settled()) {
        it.remove();
      }
    }
  }

  /** Whether the works partition a key hashes to is assigned here (Kafka's default partitioner). */
  private boolean owns(String key) {
    if (partitionCount == 0) {
      partitionCount = consumer.partitionsFor(topic).size();
    }
    return assigned.contains(
        new TopicPartition(topic, KeyPartitions.partitionOf(key, partitionCount)));
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      lose(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      lose(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      assigned.addAll(partitions);
      partitionCount = 0;
      needsCatchUp = true;
      for (Destination d : destinations.destinations()) {
        canariesDue.add(d.name());
      }
      LOG.infof("Assigned %s", partitions);
    }

    private void lose(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      Set<TopicPartition> gone = new HashSet<>(partitions);
      assigned.removeAll(gone);
      buffer.removeIf(r -> gone.contains(new TopicPartition(r.topic(), r.partition())));
      if (inFlight.stream().anyMatch(gone::contains)) {
        inFlightRevoked = true;
      }
      LOG.infof("Released %s", partitions);
    }
  }

  private static void sleepQuietly(Duration duration) throws InterruptedException {
    Thread.sleep(duration.toMillis());
  }

  @Override
  public void close() {
    running = false;
    if (thread == null) {
      return;
    }
    vitalThreads.stopping(thread);
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
