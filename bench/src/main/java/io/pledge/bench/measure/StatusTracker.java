package io.pledge.bench.measure;

import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.event.MalformedEventException;
import io.pledge.contract.notification.NotificationDelivered;
import io.pledge.contract.pipeline.PipelineStarted;
import io.pledge.contract.pipeline.PipelineSucceeded;
import io.pledge.contract.pipeline.WorkflowCompleted;
import io.pledge.contract.pipeline.WorkflowRef;
import io.pledge.contract.request.RequestAccepted;
import io.pledge.contract.status.ResourceStatus;
import io.pledge.contract.status.StatusFold;
import io.pledge.contract.work.Placement;
import io.pledge.contract.work.WorkCommitted;
import io.pledge.contract.work.WorkScheduled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads {@code pledge.status} from its beginning (the run's broker is fresh, so that is the start
 * of the run) and keeps, per resource, when each milestone happened: accepted (the event's time),
 * workflow completed, work committed (with its commit SHA), and Reconciled visible (the moment this
 * consumer's {@link StatusFold} turned Reconciled at a generation, which is what intake's status
 * view would show). Also matches inbound requests to their answer by {@code correlationid}.
 */
public final class StatusTracker implements AutoCloseable {

  /** Milestones of one resource, in the order they arrived. */
  static final class KeyHistory {
    ResourceStatus status;
    final TreeMap<Long, Long> accepted = new TreeMap<>();
    final List<long[]> started = new ArrayList<>();
    final List<long[]> succeeded = new ArrayList<>();
    final List<long[]> completed = new ArrayList<>();
    final List<long[]> scheduled = new ArrayList<>();
    final List<long[]> committed = new ArrayList<>();
    final List<String> commitShas = new ArrayList<>();
    final List<long[]> reconciled = new ArrayList<>();
  }

  /** The answer to an inbound event. */
  public record Correlation(String key, long generation, boolean rejected, String detail) {}

  private final KafkaConsumer<String, String> consumer;
  private final String topic;
  private final Map<String, KeyHistory> keys = new HashMap<>();
  private final Map<String, Correlation> correlations = new HashMap<>();
  private final Map<String, Integer> eventCounts = new TreeMap<>();
  private final Map<String, Integer> notificationOutcomes = new TreeMap<>();
  private final Set<String> shas = new HashSet<>();
  private final Set<String> availablePromises = new HashSet<>();
  private final Thread thread;
  private volatile boolean closed;
  private long records;
  private long historyRecords;
  private long reconciledTransitions;

  /** Keys of {@code bench/run --history}'s resources, which the tracker skips unread. */
  static final String IGNORED_PREFIX = io.pledge.bench.history.HistoryPlan.NAMESPACE + "/";

  public StatusTracker(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "pledge-bench-" + UUID.randomUUID());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // Acceptances are written in the resource owner's transactions: count only committed ones, as
    // the services do (an aborted one is written again, with the same id).
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "pledge-bench-status");
    this.consumer = new KafkaConsumer<>(p);
    this.topic = topic;
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(60))) {
      partitions.add(new TopicPartition(topic, info.partition()));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    this.thread = new Thread(this::loop, "bench-status");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    try {
      while (!closed) {
        ConsumerRecords<String, String> batch = consumer.poll(Duration.ofMillis(200));
        if (batch.isEmpty()) {
          continue;
        }
        long received = Clock.micros();
        synchronized (this) {
          for (ConsumerRecord<String, String> record : batch) {
            if (record.key() != null && record.key().startsWith(IGNORED_PREFIX)) {
              // --history's pre-loaded past: not the run's requests, and a million of them.
              historyRecords++;
              continue;
            }
            fold(record.value(), received);
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** Folds one status record that arrived at {@code received} (epoch microseconds). */
  synchronized void fold(String value, long received) {
    records++;
    CloudEvent event;
    try {
      event = EventCodec.read(value);
    } catch (MalformedEventException e) {
      eventCounts.merge("(unreadable)", 1, Integer::sum);
      return;
    }
    EventType type = event.eventType().orElse(null);
    eventCounts.merge(event.type(), 1, Integer::sum);
    if (type == null || event.subject() == null) {
      return;
    }
    long time = event.time() == null ? received : Clock.micros(event.time());
    if (event.correlationid() != null) {
      correlate(event, type);
    }
    String subject = event.subject();
    if (!ResourceKey.isResourceKey(subject)) {
      if (type == EventType.WORKFLOW_COMPLETED) {
        WorkflowCompleted c = EventCodec.data(event, WorkflowCompleted.class);
        if (WorkflowRef.PROMISE.equals(c.workflow().workflowType())
            && WorkflowRef.CONFIGURE.equals(c.workflow().action())) {
          availablePromises.add(subject);
        }
      }
      return;
    }
    KeyHistory h = keys.computeIfAbsent(subject, k -> new KeyHistory());
    switch (type) {
      case REQUEST_ACCEPTED -> {
        RequestAccepted a = EventCodec.data(event, RequestAccepted.class);
        if (!"delete".equals(a.action())) {
          h.accepted.putIfAbsent(a.generation(), time);
        }
      }
      case PIPELINE_STARTED -> {
        WorkflowRef w = EventCodec.data(event, PipelineStarted.class).workflow();
        if (WorkflowRef.CONFIGURE.equals(w.action())) {
          h.started.add(new long[] {w.generation(), time});
        }
      }
      case PIPELINE_SUCCEEDED -> {
        WorkflowRef w = EventCodec.data(event, PipelineSucceeded.class).workflow();
        if (WorkflowRef.CONFIGURE.equals(w.action())) {
          h.succeeded.add(new long[] {w.generation(), time});
        }
      }
      case WORKFLOW_COMPLETED -> {
        WorkflowCompleted c = EventCodec.data(event, WorkflowCompleted.class);
        if (WorkflowRef.CONFIGURE.equals(c.workflow().action())) {
          h.completed.add(new long[] {c.workflow().generation(), time});
        }
      }
      case WORK_SCHEDULED ->
          h.scheduled.add(
              new long[] {EventCodec.data(event, WorkScheduled.class).generation(), time});
      case WORK_COMMITTED -> {
        WorkCommitted c = EventCodec.data(event, WorkCommitted.class);
        String sha = null;
        for (Placement p : c.placements() == null ? List.<Placement>of() : c.placements()) {
          if (p.version() != null) {
            sha = p.version();
            shas.add(sha);
          }
        }
        h.committed.add(new long[] {c.generation(), time});
        h.commitShas.add(sha);
      }
      case NOTIFICATION_DELIVERED -> {
        NotificationDelivered n = EventCodec.data(event, NotificationDelivered.class);
        notificationOutcomes.merge(n.channel() + "/" + n.outcome(), 1, Integer::sum);
      }
      default -> {
        // only the fold needs it
      }
    }
    ResourceStatus before = h.status;
    ResourceStatus after = StatusFold.apply(before, event);
    h.status = after;
    if (after.isReconciled()
        && (before == null
            || !before.isReconciled()
            || before.observedGeneration() != after.observedGeneration())) {
      h.reconciled.add(new long[] {after.observedGeneration(), received});
      reconciledTransitions++;
    }
  }

  private void correlate(CloudEvent event, EventType type) {
    String id = event.correlationid();
    if (type == EventType.REQUEST_ACCEPTED) {
      RequestAccepted a = EventCodec.data(event, RequestAccepted.class);
      correlations.putIfAbsent(
          id, new Correlation(a.key().toString(), a.generation(), false, a.action()));
    } else if (type == EventType.REQUEST_REJECTED) {
      String detail = event.data() == null ? "" : event.data().path("problem").toString();
      correlations.putIfAbsent(id, new Correlation(event.subject(), -1, true, detail));
    }
  }

  /** The milestones of request {@code (key, generation)}; see {@link Milestones}. */
  public synchronized Milestones milestones(String key, long generation) {
    KeyHistory h = keys.get(key);
    if (h == null) {
      return Milestones.NONE;
    }
    Long accepted = h.accepted.get(generation);
    long done = firstAtLeast(h.completed, generation);
    long committed = 0;
    String sha = null;
    for (int i = 0; i < h.committed.size(); i++) {
      if (h.committed.get(i)[0] >= generation) {
        committed = h.committed.get(i)[1];
        sha = h.commitShas.get(i);
        break;
      }
    }
    long reconciled = firstAtLeast(h.reconciled, generation);
    return new Milestones(
        accepted == null ? 0 : accepted,
        firstAtLeast(h.started, generation),
        firstAtLeast(h.succeeded, generation),
        done,
        firstAtLeast(h.scheduled, generation),
        committed,
        reconciled,
        sha);
  }

  private static long firstAtLeast(List<long[]> entries, long generation) {
    for (long[] e : entries) {
      if (e[0] >= generation) {
        return e[1];
      }
    }
    return 0;
  }

  /**
   * True once the fold of {@code key} has been Reconciled at {@code generation} or later. Stays
   * true when a newer generation starts (and the resource is Pending again).
   */
  public synchronized boolean reconciledAt(String key, long generation) {
    KeyHistory h = keys.get(key);
    return h != null && firstAtLeast(h.reconciled, generation) != 0;
  }

  /** The folded status of {@code key}, or null. */
  public synchronized ResourceStatus status(String key) {
    KeyHistory h = keys.get(key);
    return h == null ? null : h.status;
  }

  public synchronized Correlation correlation(String eventId) {
    return correlations.get(eventId);
  }

  public synchronized boolean promiseConfigured(String name) {
    return availablePromises.contains(name);
  }

  public synchronized Map<String, Integer> eventCounts() {
    return new TreeMap<>(eventCounts);
  }

  public synchronized Map<String, Integer> notificationOutcomes() {
    return new TreeMap<>(notificationOutcomes);
  }

  /** Distinct commit SHAs named by {@code pledge.work.committed}. */
  public synchronized int distinctCommitShas() {
    return shas.size();
  }

  /** Records of {@code --history}'s resources seen and skipped. */
  public synchronized long historyRecords() {
    return historyRecords;
  }

  public synchronized long records() {
    return records;
  }

  public synchronized long reconciledTransitions() {
    return reconciledTransitions;
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    consumer.wakeup();
    thread.join(5_000);
  }
}
