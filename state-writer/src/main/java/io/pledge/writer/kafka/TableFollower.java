package io.pledge.writer.kafka;

import io.pledge.kafka.health.VitalThreads;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Reads a compacted "table" topic from its beginning in every instance (no consumer group: assign
 * and seekToBeginning) and keeps following it, on its own thread. It is caught up once it has read
 * up to the end offsets seen at start-up; callers may also wait until it has applied given offsets
 * or caught up with the topic's current end.
 */
public final class TableFollower implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(TableFollower.class);

  /** Applies one record; a failure is logged and the record skipped. */
  @FunctionalInterface
  public interface Handler {
    void apply(ConsumerRecord<String, String> record) throws Exception;
  }

  private final String topic;
  private final Map<String, Object> props;
  private final Handler handler;
  private VitalThreads vitalThreads;
  private Thread thread;
  private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
  private final Queue<CompletableFuture<Map<TopicPartition, Long>>> endRequests =
      new ConcurrentLinkedQueue<>();
  private final Object progress = new Object();
  private volatile Map<TopicPartition, Long> startEnd;
  private volatile boolean running = true;

  public TableFollower(String topic, Map<String, Object> props, Handler handler) {
    this.topic = topic;
    this.props = props;
    this.handler = handler;
  }

  /** Starts following on a vital thread: its death turns the service's liveness DOWN. */
  public TableFollower start(VitalThreads threads) {
    this.vitalThreads = threads;
    this.thread = threads.start("table-" + topic, this::run);
    return this;
  }

  public String topic() {
    return topic;
  }

  /** True once everything that was on the topic at start-up has been applied. */
  public boolean caughtUp() {
    Map<TopicPartition, Long> end = startEnd;
    return end != null && reached(end);
  }

  /** Waits until the records before {@code offsets} (exclusive) are applied. */
  public void awaitPositions(Map<TopicPartition, Long> offsets, Duration timeout)
      throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progress) {
      while (!reached(offsets)) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !running) {
          throw new TimeoutException(topic + " not caught up with " + offsets);
        }
        TimeUnit.NANOSECONDS.timedWait(progress, left);
      }
    }
  }

  /** Waits until every record on the topic now has been applied. */
  public void awaitCaughtUp(Duration timeout) throws TimeoutException, InterruptedException {
    long start = System.nanoTime();
    CompletableFuture<Map<TopicPartition, Long>> end = new CompletableFuture<>();
    // Answered by the follower thread within one poll (200 ms).
    endRequests.add(end);
    try {
      Map<TopicPartition, Long> targets = end.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      awaitPositions(targets, timeout.minusNanos(System.nanoTime() - start));
    } catch (ExecutionException e) {
      throw new TimeoutException(topic + ": " + e.getCause().getMessage());
    }
  }

  /** Waits until what was on the topic at start-up has been applied. */
  public void awaitStartCaughtUp(Duration timeout) throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progress) {
      while (!caughtUp()) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !running) {
          throw new TimeoutException(topic + " not read yet");
        }
        TimeUnit.NANOSECONDS.timedWait(progress, left);
      }
    }
  }

  private boolean reached(Map<TopicPartition, Long> offsets) {
    return offsets.entrySet().stream()
        .allMatch(e -> positions.getOrDefault(e.getKey(), -1L) >= e.getValue());
  }

  private void run() {
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = partitions(c);
      if (partitions.isEmpty()) {
        return;
      }
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = c.endOffsets(partitions);
      record(c, partitions);
      startEnd = new HashMap<>(end);
      LOG.infof("Reading %s from the beginning (%s)", topic, end);
      signal();
      while (running) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          try {
            handler.apply(r);
          } catch (Exception e) {
            LOG.warnf(
                "Skipped %s-%d@%d (key %s): %s",
                r.topic(), r.partition(), r.offset(), r.key(), e.getMessage());
          }
        }
        record(c, partitions);
        CompletableFuture<Map<TopicPartition, Long>> request;
        while ((request = endRequests.poll()) != null) {
          try {
            request.complete(c.endOffsets(partitions));
          } catch (RuntimeException e) {
            request.completeExceptionally(e);
          }
        }
        signal();
      }
    } catch (RuntimeException e) {
      LOG.errorf(e, "Stopped following %s", topic);
    } finally {
      running = false;
      signal();
    }
  }

  private List<TopicPartition> partitions(KafkaConsumer<String, String> c) {
    while (running) {
      try {
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(5));
        if (infos != null && !infos.isEmpty()) {
          return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        }
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        // broker not reachable yet
      }
      LOG.infof("Waiting for topic %s", topic);
      synchronized (progress) {
        try {
          progress.wait(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return List.of();
        }
      }
    }
    return List.of();
  }

  private void record(KafkaConsumer<String, String> c, List<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      positions.put(tp, c.position(tp));
    }
  }

  private void signal() {
    synchronized (progress) {
      progress.notifyAll();
    }
  }

  @Override
  public void close() {
    running = false;
    if (thread == null) {
      return;
    }
    vitalThreads.stopping(thread);
    signal();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
