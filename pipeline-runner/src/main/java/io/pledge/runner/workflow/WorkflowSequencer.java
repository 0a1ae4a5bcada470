package io.pledge.runner.workflow;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Runs workflow jobs: one at a time per key (a "lane"), in arrival order, up to a fixed number of
 * keys at once. A job whose Promise is not ready waits without holding a worker and resumes when
 * {@link #promiseChanged} says so. A newer job for a key drops older queued ones and stops a
 * running one it replaces. A job that fails for a reason outside the pipeline (the broker did not
 * take its events) runs again after a growing pause, still ahead of later jobs of its key. Jobs
 * whose input moved to another instance are {@link #revoke revoked}: stopped and forgotten, never
 * acknowledged. See DESIGN.md.
 *
 * <p>One class of about 440 lines on purpose: lanes, parked lanes, admissions and pauses change
 * together under one lock, and splitting them would spread that lock over several classes.
 */
public final class WorkflowSequencer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(WorkflowSequencer.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

  /**
   * Thrown by a job whose effects so far are durable and that wants to run again after {@link
   * #delay()} (a pipeline's {@code retryAfter}). Its input stays unacknowledged and its lane busy
   * meanwhile; a newer job that interrupts it drops it instead.
   */
  public static class RunLaterException extends RuntimeException {
    private final Duration delay;

    public RunLaterException(Duration delay) {
      super("run again after " + delay, null, false, false);
      this.delay = delay;
    }

    public Duration delay() {
      return delay;
    }
  }

  /** Something to run for a key. */
  public interface Job {
    /** The key whose jobs run in order, one at a time. */
    String lane();

    /** Runs to the end; returns only when its effects are durable. */
    void run(BooleanSupplier cancelled) throws Exception;

    /** Whether this job makes the queued, not yet started {@code older} job pointless. */
    boolean replaces(Job older);

    /** Whether this job should stop the {@code running} one of its key. */
    boolean interrupts(Job running);

    /** It ran and its effects are durable: acknowledge its input. */
    void finished();

    /** It was replaced by a newer job and will not run: acknowledge its input too. */
    void dropped();

    /** Whether it counts towards the bound on jobs held in memory (requests do). */
    boolean bounded();

    /** The partition its input was read from (it stops when that moves), or -1 for none. */
    default int partition() {
      return -1;
    }
  }

  /** Says whether a job at the head of its lane may start now. */
  public interface Gate {
    /** The Promise {@code job} waits for, or null when it may run. */
    String waitingFor(Job job);
  }

  private static final class Lane {
    final String key;
    final Deque<Job> queue = new ArrayDeque<>();
    Job running;
    AtomicBoolean stop = new AtomicBoolean();
    String waitingFor;
    int failures;
    java.util.concurrent.ScheduledFuture<?> pause;
    // Set while the running job is being stopped because its input moved to another instance.
    CompletableFuture<Void> revoked;

    Lane(String key) {
      this.key = key;
    }
  }

  private record Admission(Job job, CompletableFuture<Void> admitted) {}

  private final Gate gate;
  private final int maxHeld;
  private final Duration retryBackoff;
  private final ExecutorService workers;
  private final ScheduledExecutorService timer;
  private final Map<String, Lane> lanes = new HashMap<>();
  private final Map<String, Set<Lane>> waiting = new HashMap<>();
  private final Deque<Admission> admissions = new ArrayDeque<>();
  private int held;
  private boolean closed;

  public WorkflowSequencer(Gate gate, int maxConcurrent, int maxHeld, Duration retryBackoff) {
    this.gate = gate;
    this.maxHeld = Math.max(1, maxHeld);
    this.retryBackoff = retryBackoff;
    this.workers = Executors.newFixedThreadPool(Math.max(1, maxConcurrent), named("workflow"));
    this.timer = Executors.newSingleThreadScheduledExecutor(named("workflow-retry"));
  }

  /**
   * Accepts {@code job}. The returned stage completes once the job is held (at once, unless the
   * bound on held jobs is reached): the caller should not hand over more until then.
   */
  public synchronized CompletionStage<Void> submit(Job job) {
    if (closed) {
      return new CompletableFuture<>();
    }
    if (job.bounded() && held >= maxHeld) {
      CompletableFuture<Void> admitted = new CompletableFuture<>();
      admissions.add(new Admission(job, admitted));
      return admitted;
    }
    admit(job);
    return CompletableFuture.completedFuture(null);
  }

  /** A Promise became available or changed: jobs waiting for it look again. */
  public synchronized void promiseChanged(String promise) {
    Set<Lane> parked = waiting.remove(promise);
    if (parked == null) {
      return;
    }
    for (Lane lane : parked) {
      lane.waitingFor = null;
      pump(lane);
    }
  }

  /** Jobs held: queued, waiting, running or pausing before a retry. */
  public synchronized int held() {
    int count = 0;
    for (Lane lane : lanes.values()) {
      count += lane.queue.size() + (lane.running == null ? 0 : 1);
    }
    return count;
  }

  /** Keys whose next job waits for a Promise. */
  public synchronized int waitingLanes() {
    return waiting.values().stream().mapToInt(Set::size).sum();
  }

  /**
   * The jobs {@code moved} selects are no longer this instance's to run (the partition of their
   * input was revoked): queued and paused ones are forgotten, a running one is stopped (its stage
   * killed, nothing more published), and none is acknowledged, so the next owner of the input runs
   * it. The returned stage completes once none of them runs any more.
   */
  public CompletableFuture<Void> revoke(Predicate<Job> moved) {
    List<CompletableFuture<Void>> stopping = new ArrayList<>();
    List<Job> forgotten = new ArrayList<>();
    synchronized (this) {
      for (Iterator<Admission> it = admissions.iterator(); it.hasNext(); ) {
        Admission waiting = it.next();
        if (moved.test(waiting.job())) {
          it.remove();
          // Its submit returns, so the consumer goes on with records of the partitions it keeps.
          waiting.admitted().complete(null);
        }
      }
      List<Lane> touched = new ArrayList<>();
      for (Lane lane : lanes.values()) {
        int before = forgotten.size();
        for (Iterator<Job> it = lane.queue.iterator(); it.hasNext(); ) {
          Job queued = it.next();
          if (moved.test(queued)) {
            it.remove();
            forgotten.add(queued);
          }
        }
        Job running = lane.running;
        if (running != null && moved.test(running)) {
          if (lane.pause != null) {
            // Pausing before a retry: no worker runs it; retry() finds it gone.
            lane.pause.cancel(false);
            lane.pause = null;
            lane.running = null;
            forgotten.add(running);
          } else {
            if (lane.revoked == null) {
              lane.revoked = new CompletableFuture<>();
              lane.stop.set(true);
            }
            stopping.add(lane.revoked);
          }
        }
        if (forgotten.size() > before) {
          touched.add(lane);
        }
      }
      for (Lane lane : touched) {
        // The head may have been parked for a Promise: the lane's next job (if any) looks again.
        unpark(lane);
        pump(lane);
      }
      // Last: releasing admits jobs that waited for room, which may create lanes.
      forgotten.forEach(this::release);
    }
    LOG.debugf(
        "revoked: %d jobs forgotten, %d running ones stopping", forgotten.size(), stopping.size());
    return CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new));
  }

  private void admit(Job job) {
    if (job.bounded()) {
      held++;
    }
    Lane lane = lanes.computeIfAbsent(job.lane(), Lane::new);
    for (Iterator<Job> it = lane.queue.iterator(); it.hasNext(); ) {
      Job older = it.next();
      if (job.replaces(older)) {
        it.remove();
        release(older);
        older.dropped();
      }
    }
    if (lane.running != null && job.interrupts(lane.running)) {
      lane.stop.set(true);
      // A job pausing before it runs again (retryAfter, broker trouble) is dropped at once.
      if (lane.pause != null && lane.pause.cancel(false)) {
        Job paused = lane.running;
        lane.pause = null;
        lane.running = null;
        release(paused);
        paused.dropped();
      }
    }
    lane.queue.addLast(job);
    unpark(lane);
    pump(lane);
  }

  private void release(Job job) {
    if (job.bounded()) {
      held--;
    }
    while (held < maxHeld && !admissions.isEmpty()) {
      Admission next = admissions.poll();
      admit(next.job());
      next.admitted().complete(null);
    }
  }

  private void unpark(Lane lane) {
    if (lane.waitingFor != null) {
      Set<Lane> parked = waiting.get(lane.waitingFor);
      if (parked != null) {
        parked.remove(lane);
        if (parked.isEmpty()) {
          waiting.remove(lane.waitingFor);
        }
      }
      lane.waitingFor = null;
    }
  }

  private void pump(Lane lane) {
    if (closed || lane.running != null || lane.waitingFor != null) {
      return;
    }
    Job head = lane.queue.peekFirst();
    if (head == null) {
      lanes.remove(lane.key);
      return;
    }
    String promise = gate.waitingFor(head);
    if (promise != null) {
      LOG.debugf("%s waits for Promise %s", lane.key, promise);
      lane.waitingFor = promise;
      waiting.computeIfAbsent(promise, p -> new LinkedHashSet<>()).add(lane);
      return;
    }
    lane.queue.pollFirst();
    lane.running = head;
    AtomicBoolean stop = new AtomicBoolean();
    lane.stop = stop;
    workers.execute(() -> execute(lane, head, stop));
  }

  private enum Result {
    FINISHED,
    DROPPED,
    RETRY,
    LATER,
    ABANDONED
  }

  private void execute(Lane lane, Job job, AtomicBoolean stop) {
    MDC.put("key", lane.key);
    Result result;
    Duration later = Duration.ZERO;
    try {
      job.run(stop::get);
      result = Result.FINISHED;
    } catch (RunLaterException e) {
      result = stop.get() ? Result.DROPPED : Result.LATER;
      later = e.delay();
      LOG.infof("workflow of %s runs again in %s", lane.key, later);
    } catch (WorkflowRunner.CancelledException e) {
      result = Result.DROPPED;
    } catch (Exception | Error e) {
      if (stop.get()) {
        result = Result.DROPPED;
      } else {
        result = Result.RETRY;
        LOG.warnf(e, "workflow of %s did not complete; it will run again", lane.key);
      }
    } finally {
      MDC.remove("key");
    }
    synchronized (this) {
      if (closed) {
        // Stopping: leave the input unacknowledged so another instance runs it again.
        lane.running = null;
        endRevoked(lane);
        return;
      }
      if (lane.revoked != null) {
        // Its input moved to another instance, which runs it: however it ended, no acknowledgement.
        LOG.infof("workflow of %s stopped: its partition was revoked", lane.key);
        lane.running = null;
        release(job);
        endRevoked(lane);
        pump(lane);
        return;
      }
      switch (result) {
        case FINISHED, DROPPED -> {
          lane.running = null;
          lane.failures = result == Result.FINISHED ? 0 : lane.failures;
          release(job);
          if (result == Result.FINISHED) {
            job.finished();
          } else {
            LOG.infof("workflow of %s was replaced by a newer request", lane.key);
            job.dropped();
          }
          pump(lane);
        }
        case RETRY -> {
          long delay =
              Math.min(
                  MAX_BACKOFF.toMillis(),
                  retryBackoff.toMillis() * (1L << Math.min(lane.failures, 16)));
          lane.failures++;
          lane.pause = timer.schedule(() -> retry(lane, job, stop), delay, TimeUnit.MILLISECONDS);
        }
        case LATER ->
            lane.pause =
                timer.schedule(
                    () -> retry(lane, job, stop), later.toMillis(), TimeUnit.MILLISECONDS);
        default -> lane.running = null;
      }
    }
  }

  private static void endRevoked(Lane lane) {
    if (lane.revoked != null) {
      lane.revoked.complete(null);
      lane.revoked = null;
    }
  }

  private synchronized void retry(Lane lane, Job job, AtomicBoolean stop) {
    if (lane.running != job) {
      return;
    }
    lane.pause = null;
    lane.running = null;
    if (closed) {
      return;
    }
    if (stop.get()) {
      release(job);
      job.dropped();
    } else {
      lane.queue.addFirst(job);
    }
    pump(lane);
  }

  /** Stops every running stage; unfinished inputs stay unacknowledged. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      lanes.values().forEach(l -> l.stop.set(true));
      lanes.values().forEach(WorkflowSequencer::endRevoked);
    }
    timer.shutdownNow();
    workers.shutdownNow();
    try {
      workers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
