package io.pledge.intake.view;

import io.pledge.kafka.partitioning.KeyPartitions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits until a reader of a topic has read everything committed to it before the call: asks for the
 * latest committed offsets (a "round"), then polls the reader's positions until they reach them.
 *
 * <p>Rounds are shared: callers that arrive while a round is in flight wait for the next one, which
 * every later arrival joins until it starts. A caller never joins a round that started before it
 * arrived, since that round may have missed a write committed just before the call. So at most one
 * round is in flight and one queued, whatever the number of callers. Rounds run one at a time on a
 * thread of their own; see DESIGN.md, "Read-your-writes across replicas".
 */
public final class OffsetBarrier implements AutoCloseable {

  /** The latest committed offset of every partition of the topic. */
  public interface LatestOffsets {
    Map<TopicPartition, Long> latest() throws Exception;
  }

  /** Whether the reader has read every partition in {@code offsets} up to its offset there. */
  public interface Positions {
    boolean reached(Map<TopicPartition, Long> offsets);
  }

  /** How long a waiting caller parks between two looks at the reader's positions. */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final String topic;
  private final LatestOffsets latest;
  private final Positions positions;
  private final long timeoutNanos;
  private final ExecutorService rounds;
  private CompletableFuture<Map<TopicPartition, Long>> queued;
  private boolean inFlight;
  private boolean closed;

  public OffsetBarrier(String topic, LatestOffsets latest, Positions positions, Duration timeout) {
    this.topic = topic;
    this.latest = latest;
    this.positions = positions;
    this.timeoutNanos = timeout.toNanos();
    this.rounds =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "read-barrier-" + topic);
              t.setDaemon(true);
              return t;
            });
  }

  /** True once the reader is past every write committed to key's partition before this call. */
  public boolean awaitKey(String key) throws BarrierFailure {
    long deadline = System.nanoTime() + timeoutNanos;
    Map<TopicPartition, Long> offsets = round(deadline);
    if (offsets == null) {
      return false;
    }
    TopicPartition p = new TopicPartition(topic, KeyPartitions.partitionOf(key, offsets.size()));
    Long offset = offsets.get(p);
    if (offset == null) {
      throw new BarrierFailure("no latest offset of " + p + " in " + offsets.keySet(), null);
    }
    return reach(Map.of(p, offset), deadline);
  }

  /** True once the reader is past every write committed to the topic before this call. */
  public boolean awaitAll() throws BarrierFailure {
    long deadline = System.nanoTime() + timeoutNanos;
    Map<TopicPartition, Long> offsets = round(deadline);
    return offsets != null && reach(offsets, deadline);
  }

  /** The offsets of a round that starts after this call; null once the deadline passed. */
  private Map<TopicPartition, Long> round(long deadline) throws BarrierFailure {
    CompletableFuture<Map<TopicPartition, Long>> round = join();
    try {
      return round.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (ExecutionException e) {
      throw new BarrierFailure("cannot read the latest offsets of " + topic, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private synchronized CompletableFuture<Map<TopicPartition, Long>> join() {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("closed"));
    }
    CompletableFuture<Map<TopicPartition, Long>> round = queued;
    if (round == null) {
      round = new CompletableFuture<>();
      queued = round;
      if (!inFlight) {
        startQueued();
      }
    }
    return round;
  }

  /** Starts the queued round; every caller that joined it did so before this, under the lock. */
  private void startQueued() {
    CompletableFuture<Map<TopicPartition, Long>> round = queued;
    queued = null;
    inFlight = true;
    rounds.execute(
        () -> {
          try {
            round.complete(Map.copyOf(latest.latest()));
          } catch (Exception e) {
            round.completeExceptionally(e);
          } finally {
            finished();
          }
        });
  }

  private synchronized void finished() {
    inFlight = false;
    if (queued != null && !closed) {
      startQueued();
    }
  }

  private boolean reach(Map<TopicPartition, Long> offsets, long deadline) {
    while (!positions.reached(offsets)) {
      if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) {
        return false;
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    return true;
  }

  @Override
  public void close() {
    CompletableFuture<Map<TopicPartition, Long>> pending;
    synchronized (this) {
      closed = true;
      pending = queued;
      queued = null;
    }
    if (pending != null) {
      pending.completeExceptionally(new IllegalStateException("closed"));
    }
    rounds.shutdownNow();
  }

  /** The latest offsets could not be read: the caller answers with what its view has. */
  public static final class BarrierFailure extends Exception {
    BarrierFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
