package io.pledge.intake.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pledge.kafka.partitioning.KeyPartitions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The coalescing and waiting of the read barrier, against a fake broker and a fake view. */
class OffsetBarrierTest {

  private static final String TOPIC = "resources";
  private static final int PARTITIONS = 3;
  private static final Duration LONG = Duration.ofSeconds(20);

  private final List<Caller> callers = new ArrayList<>();
  private final Broker broker = new Broker();
  private final View view = new View();

  @AfterEach
  void stop() {
    broker.release.countDown();
    callers.forEach(c -> c.thread.interrupt());
  }

  /** A call to the barrier on a thread of its own, so the test can see when it is parked. */
  private static final class Caller {
    final CompletableFuture<Boolean> result = new CompletableFuture<>();
    final Thread thread;

    Caller(Callable<Boolean> call) {
      thread =
          new Thread(
              () -> {
                try {
                  result.complete(call.call());
                } catch (Exception e) {
                  result.completeExceptionally(e);
                }
              });
      thread.start();
    }

    /** Parked: it has joined a round and waits for its offsets (or for the view). */
    boolean parked() {
      return thread.getState() == Thread.State.TIMED_WAITING;
    }

    boolean get() throws Exception {
      return result.get(10, TimeUnit.SECONDS);
    }
  }

  private Caller call(Callable<Boolean> call) {
    Caller c = new Caller(call);
    callers.add(c);
    return c;
  }

  /** Round n answers offset n on every partition; a round waits for release if told to. */
  private static final class Broker implements OffsetBarrier.LatestOffsets {
    final AtomicInteger rounds = new AtomicInteger();
    final CountDownLatch firstStarted = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean holdFirst;

    @Override
    public Map<TopicPartition, Long> latest() throws InterruptedException {
      int round = rounds.incrementAndGet();
      if (round == 1) {
        firstStarted.countDown();
        if (holdFirst) {
          release.await();
        }
      }
      Map<TopicPartition, Long> offsets = new ConcurrentHashMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        offsets.put(new TopicPartition(TOPIC, p), (long) round);
      }
      return offsets;
    }
  }

  /** A view whose positions the test moves. */
  private static final class View implements OffsetBarrier.Positions {
    final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();

    void at(long offset) {
      for (int p = 0; p < PARTITIONS; p++) {
        positions.put(new TopicPartition(TOPIC, p), offset);
      }
    }

    @Override
    public boolean reached(Map<TopicPartition, Long> offsets) {
      return offsets.entrySet().stream()
          .allMatch(e -> positions.getOrDefault(e.getKey(), -1L) >= e.getValue());
    }
  }

  private OffsetBarrier barrier(Duration timeout) {
    return new OffsetBarrier(TOPIC, broker, view, timeout);
  }

  @Test
  void waitsUntilTheViewReachesTheLatestOffsets() throws Exception {
    view.at(0);
    try (OffsetBarrier barrier = barrier(LONG)) {
      Caller reached = call(barrier::awaitAll);
      await().until(() -> broker.rounds.get() == 1 && reached.parked());
      assertThat(reached.result).isNotDone();

      view.at(1);
      assertThat(reached.get()).isTrue();
    }
  }

  @Test
  void aKeyWaitsForItsOwnPartitionOnly() throws Exception {
    String key = "default/postgresql/example";
    TopicPartition own = new TopicPartition(TOPIC, KeyPartitions.partitionOf(key, PARTITIONS));
    view.at(0);
    view.positions.put(own, 100L); // every other partition is behind
    try (OffsetBarrier barrier = barrier(Duration.ofMillis(300))) {
      assertThat(barrier.awaitKey(key)).isTrue();
      assertThat(barrier.awaitAll()).isFalse();
    }
  }

  @Test
  void aCallerArrivingWhileARoundIsInFlightWaitsForANewRound() throws Exception {
    broker.holdFirst = true;
    view.at(1); // past round 1, not round 2: only a caller of round 2 keeps waiting
    try (OffsetBarrier barrier = barrier(LONG)) {
      Caller first = call(barrier::awaitAll);
      assertThat(broker.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
      Caller second = call(barrier::awaitAll);
      await().until(second::parked);

      broker.release.countDown();
      assertThat(first.get()).isTrue();
      await().until(() -> broker.rounds.get() == 2 && second.parked());
      assertThat(second.result).isNotDone();

      view.at(2);
      assertThat(second.get()).isTrue();
    }
  }

  @Test
  void manyConcurrentCallersShareAtMostTwoRounds() throws Exception {
    broker.holdFirst = true;
    view.at(2);
    try (OffsetBarrier barrier = barrier(LONG)) {
      call(barrier::awaitAll);
      assertThat(broker.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 20; i++) {
        String key = "default/postgresql/r" + i;
        call(i % 2 == 0 ? () -> barrier.awaitKey(key) : barrier::awaitAll);
      }
      await().until(() -> callers.stream().allMatch(Caller::parked));

      broker.release.countDown();
      for (Caller c : callers) {
        assertThat(c.get()).isTrue();
      }
      assertThat(broker.rounds.get()).isEqualTo(2);
    }
  }

  @Test
  void givesUpAtTheTimeoutWhenTheViewLagsBehind() throws Exception {
    view.at(0);
    try (OffsetBarrier barrier = barrier(Duration.ofMillis(200))) {
      long start = System.nanoTime();
      assertThat(barrier.awaitAll()).isFalse();
      assertThat(barrier.awaitKey("default/postgresql/example")).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void givesUpAtTheTimeoutWhenTheBrokerDoesNotAnswer() throws Exception {
    broker.holdFirst = true;
    view.at(5);
    try (OffsetBarrier barrier = barrier(Duration.ofMillis(200))) {
      assertThat(barrier.awaitAll()).isFalse();
    }
  }
}
