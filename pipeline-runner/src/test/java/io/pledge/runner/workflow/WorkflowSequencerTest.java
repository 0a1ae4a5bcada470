package io.pledge.runner.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkflowSequencerTest {

  private final List<String> log = new CopyOnWriteArrayList<>();
  private final Set<String> available = ConcurrentHashMap.newKeySet();
  private WorkflowSequencer sequencer;

  @AfterEach
  void tearDown() {
    if (sequencer != null) {
      sequencer.close();
    }
  }

  private WorkflowSequencer sequencer(int concurrent, int maxHeld) {
    sequencer =
        new WorkflowSequencer(
            job -> {
              String promise = ((FakeJob) job).promise;
              return promise == null || available.contains(promise) ? null : promise;
            },
            concurrent,
            maxHeld,
            Duration.ofMillis(20));
    return sequencer;
  }

  /** A job that logs start and end, optionally blocks on a latch or fails a few times. */
  private class FakeJob implements WorkflowSequencer.Job {
    final String key;
    final String name;
    final long generation;
    String promise;
    CountDownLatch gate;
    int failuresLeft;
    boolean runsUntilStopped;
    int laterLeft;
    final AtomicInteger acks = new AtomicInteger();
    volatile boolean dropped;

    FakeJob(String key, String name, long generation) {
      this.key = key;
      this.name = name;
      this.generation = generation;
    }

    @Override
    public String lane() {
      return key;
    }

    @Override
    public void run(BooleanSupplier cancelled) throws Exception {
      log.add("start " + name);
      if (gate != null) {
        gate.await(10, TimeUnit.SECONDS);
      }
      while (runsUntilStopped && !cancelled.getAsBoolean()) {
        Thread.sleep(5);
      }
      if (runsUntilStopped) {
        throw new WorkflowRunner.CancelledException();
      }
      if (laterLeft > 0) {
        laterLeft--;
        log.add("later " + name);
        throw new WorkflowSequencer.RunLaterException(Duration.ofMillis(300));
      }
      if (failuresLeft > 0) {
        failuresLeft--;
        log.add("fail " + name);
        throw new WorkflowRunner.PublishFailedException("broker down", null);
      }
      log.add("end " + name);
    }

    @Override
    public boolean replaces(WorkflowSequencer.Job older) {
      return ((FakeJob) older).generation < generation;
    }

    @Override
    public boolean interrupts(WorkflowSequencer.Job running) {
      return ((FakeJob) running).generation < generation;
    }

    @Override
    public void finished() {
      acks.incrementAndGet();
    }

    @Override
    public void dropped() {
      dropped = true;
      acks.incrementAndGet();
    }

    @Override
    public boolean bounded() {
      return true;
    }
  }

  @Test
  void runsOneKeysJobsOneAtATimeInArrivalOrder() {
    WorkflowSequencer s = sequencer(4, 100);
    FakeJob first = new FakeJob("k", "a", 1);
    first.gate = new CountDownLatch(1);
    FakeJob second = new FakeJob("k", "b", 1);

    s.submit(first);
    s.submit(second);
    await().until(() -> log.contains("start a"));
    assertThat(log).doesNotContain("start b");
    first.gate.countDown();

    await().until(() -> second.acks.get() == 1);
    assertThat(log).containsExactly("start a", "end a", "start b", "end b");
    assertThat(first.acks).hasValue(1);
  }

  @Test
  void runsDifferentKeysAtTheSameTimeUpToTheLimit() throws Exception {
    WorkflowSequencer s = sequencer(2, 100);
    CountDownLatch release = new CountDownLatch(1);
    List<FakeJob> jobs = new java.util.ArrayList<>();
    for (String key : List.of("k1", "k2", "k3")) {
      FakeJob job = new FakeJob(key, key, 1);
      job.gate = release;
      jobs.add(job);
      s.submit(job);
    }

    await().until(() -> log.size() >= 2);
    Thread.sleep(100);
    assertThat(log).hasSize(2);
    release.countDown();

    await().until(() -> jobs.stream().allMatch(j -> j.acks.get() == 1));
  }

  @Test
  void aJobWaitsForItsPromiseWithoutBlockingOthersAndRunsOnceItIsAvailable() {
    WorkflowSequencer s = sequencer(1, 100);
    FakeJob waiting = new FakeJob("k1", "waiting", 1);
    waiting.promise = "pg";
    FakeJob later = new FakeJob("k1", "later", 1);
    FakeJob other = new FakeJob("k2", "other", 1);

    s.submit(waiting);
    s.submit(later);
    s.submit(other);
    await().until(() -> other.acks.get() == 1);
    assertThat(log).containsExactly("start other", "end other");
    assertThat(waiting.acks).hasValue(0);
    assertThat(s.waitingLanes()).isEqualTo(1);

    available.add("pg");
    s.promiseChanged("pg");

    await().until(() -> later.acks.get() == 1);
    assertThat(log).containsSubsequence("start waiting", "end waiting", "start later", "end later");
  }

  @Test
  void aNewerJobDropsQueuedOlderOnesAndAcknowledgesThem() {
    WorkflowSequencer s = sequencer(4, 100);
    FakeJob running = new FakeJob("k", "gen1", 1);
    running.gate = new CountDownLatch(1);
    FakeJob queued = new FakeJob("k", "gen1-again", 1);

    s.submit(running);
    await().until(() -> log.contains("start gen1"));
    s.submit(queued);
    FakeJob newest = new FakeJob("k", "gen3", 3);
    s.submit(newest);
    running.gate.countDown();

    await().until(() -> newest.acks.get() == 1);
    assertThat(queued.dropped).isTrue();
    assertThat(queued.acks).hasValue(1);
    assertThat(log).doesNotContain("start gen1-again");
  }

  @Test
  void aNewerJobStopsTheRunningOneItReplaces() {
    WorkflowSequencer s = sequencer(4, 100);
    FakeJob running = new FakeJob("k", "old", 1);
    running.runsUntilStopped = true;
    FakeJob newer = new FakeJob("k", "new", 2);

    s.submit(running);
    await().until(() -> log.contains("start old"));
    s.submit(newer);

    await().until(() -> newer.acks.get() == 1);
    assertThat(running.dropped).isTrue();
    assertThat(log).containsExactly("start old", "start new", "end new");
  }

  @Test
  void aJobWhoseEventsWereRefusedRunsAgainBeforeLaterJobsOfItsKey() {
    WorkflowSequencer s = sequencer(4, 100);
    FakeJob flaky = new FakeJob("k", "flaky", 1);
    flaky.failuresLeft = 2;
    FakeJob next = new FakeJob("k", "next", 1);
    next.gate = null;

    s.submit(flaky);
    s.submit(next);

    await().until(() -> next.acks.get() == 1);
    assertThat(log)
        .containsExactly(
            "start flaky",
            "fail flaky",
            "start flaky",
            "fail flaky",
            "start flaky",
            "end flaky",
            "start next",
            "end next");
    assertThat(flaky.acks).hasValue(1);
  }

  @Test
  void holdsNoMoreThanItsBoundAndAdmitsMoreAsJobsFinish() {
    WorkflowSequencer s = sequencer(4, 2);
    FakeJob a = new FakeJob("k1", "a", 1);
    a.promise = "later";
    FakeJob b = new FakeJob("k2", "b", 1);
    b.promise = "later";
    FakeJob c = new FakeJob("k3", "c", 1);

    assertThat(s.submit(a).toCompletableFuture()).isDone();
    assertThat(s.submit(b).toCompletableFuture()).isDone();
    var third = s.submit(c).toCompletableFuture();
    assertThat(third).isNotDone();

    available.add("later");
    s.promiseChanged("later");

    await().until(third::isDone);
    await().until(() -> c.acks.get() == 1);
    Set<String> ended = new HashSet<>(log);
    assertThat(ended).contains("end a", "end b", "end c");
  }

  @Test
  void aJobThatAsksToRunLaterRunsAgainAfterItsDelayAndHoldsItsKeyMeanwhile() {
    WorkflowSequencer s = sequencer(1, 100);
    FakeJob job = new FakeJob("k", "a", 1);
    job.laterLeft = 1;
    FakeJob next = new FakeJob("k", "b", 1);
    FakeJob other = new FakeJob("other", "c", 1);

    long started = System.nanoTime();
    s.submit(job);
    s.submit(next);
    s.submit(other);

    await().atMost(Duration.ofSeconds(5)).until(() -> next.acks.get() == 1);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(250));
    // The pause holds no worker: the other key ran during it, on the only thread.
    assertThat(log)
        .containsSubsequence("later a", "start c", "end c", "start a", "end a", "start b");
    assertThat(job.acks.get()).isEqualTo(1);
    assertThat(job.dropped).isFalse();
  }

  @Test
  void aNewerJobDropsAPausedOneAtOnce() {
    WorkflowSequencer s = sequencer(1, 100);
    FakeJob job = new FakeJob("k", "a", 1);
    job.laterLeft = 100;
    s.submit(job);
    await().atMost(Duration.ofSeconds(5)).until(() -> log.contains("later a"));

    FakeJob newer = new FakeJob("k", "b", 2);
    s.submit(newer);

    await().atMost(Duration.ofMillis(250)).until(() -> newer.acks.get() == 1);
    assertThat(job.dropped).isTrue();
    assertThat(log).containsExactly("start a", "later a", "start b", "end b");
  }

  // Keys "p1/..." stand for records of a revoked partition, "p2/..." for one this instance keeps.
  private static boolean ofRevokedPartition(WorkflowSequencer.Job job) {
    return ((FakeJob) job).key.startsWith("p1/");
  }

  @Test
  void aRevokedPartitionsRunningJobStopsUnacknowledgedAndItsQueuedOnesAreDropped()
      throws Exception {
    WorkflowSequencer s = sequencer(4, 100);
    FakeJob running = new FakeJob("p1/a", "a", 1);
    running.runsUntilStopped = true;
    FakeJob queued = new FakeJob("p1/a", "a-next", 1);
    FakeJob parked = new FakeJob("p1/b", "b", 1);
    parked.promise = "later";
    FakeJob kept = new FakeJob("p2/c", "c", 1);
    kept.gate = new CountDownLatch(1);

    s.submit(running);
    s.submit(queued);
    s.submit(parked);
    s.submit(kept);
    await().until(() -> log.containsAll(List.of("start a", "start c")));

    s.revoke(WorkflowSequencerTest::ofRevokedPartition).get(5, TimeUnit.SECONDS);

    // The revocation returned only once the stopped job had ended: only the kept one is held.
    assertThat(s.held()).isEqualTo(1);
    available.add("later");
    s.promiseChanged("later");
    kept.gate.countDown();
    await().until(() -> kept.acks.get() == 1);
    assertThat(log).doesNotContain("start a-next", "start b", "end a");
    assertThat(running.acks).hasValue(0);
    assertThat(queued.acks).hasValue(0);
    assertThat(parked.acks).hasValue(0);
    assertThat(s.held()).isZero();
  }

  @Test
  void aRevokedPartitionsPausedJobIsForgottenAndItsJobsWaitingForRoomAreLetGo() throws Exception {
    WorkflowSequencer s = sequencer(2, 2);
    FakeJob paused = new FakeJob("p1/a", "a", 1);
    paused.laterLeft = 1;
    FakeJob kept = new FakeJob("p2/c", "c", 1);
    kept.gate = new CountDownLatch(1);
    FakeJob waitingForRoom = new FakeJob("p1/b", "b", 1);

    s.submit(paused);
    s.submit(kept);
    var admitted = s.submit(waitingForRoom).toCompletableFuture();
    await().until(() -> log.contains("later a"));
    assertThat(admitted).isNotDone();

    s.revoke(WorkflowSequencerTest::ofRevokedPartition).get(5, TimeUnit.SECONDS);

    // The consumer may go on with other records at once; the forgotten jobs never run.
    assertThat(admitted).isDone();
    assertThat(s.held()).isEqualTo(1);
    await()
        .during(Duration.ofMillis(600))
        .atMost(Duration.ofSeconds(2))
        .until(
            () -> !log.contains("start b") && log.stream().filter("start a"::equals).count() == 1);
    kept.gate.countDown();
    await().until(() -> kept.acks.get() == 1);
    assertThat(paused.acks).hasValue(0);
    assertThat(waitingForRoom.acks).hasValue(0);
  }
}
