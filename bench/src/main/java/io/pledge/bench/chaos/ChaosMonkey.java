package io.pledge.bench.chaos;

import io.pledge.bench.deploy.Deployment;
import io.pledge.bench.measure.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Injects the faults of a {@link ChaosPlan}, one after the other, each healed before the next: a
 * killed service is restarted through {@code deploy/local/up} (which waits for readiness), the
 * broker is stopped and started the same way, the Git lock is released, the stubs recover on their
 * own. A {@code kill-one} is healed by the survivors: the harness times how long the broker's
 * consumer groups take to hand the killed instance's partitions to them ({@link Takeover}).
 */
public final class ChaosMonkey implements AutoCloseable {

  /**
   * A fault as it happened.
   *
   * @param note what the fault found, where that matters (whether a push-kill left a lock behind)
   */
  public record Injected(
      Fault fault, long startMicros, long endMicros, String error, String note) {}

  /**
   * The survivors' takeover of one service's consumer groups after a {@code kill-one}.
   *
   * @param instance the instance killed for good
   * @param groupMillis per consumer group: milliseconds from the SIGKILL to the first description
   *     that showed it taken over, or -1 when not within {@link #TAKEOVER_TIMEOUT}
   * @param notes per group what it looked like before the kill and at the takeover
   */
  public record TakeoverTime(
      String service, String instance, Map<String, Long> groupMillis, List<String> notes) {

    /** The service's takeover: its slowest group; -1 when one was not seen. */
    public long millis() {
      return groupMillis.values().stream().anyMatch(m -> m < 0)
          ? -1
          : groupMillis.values().stream().mapToLong(Long::longValue).max().orElse(-1);
    }
  }

  /** How long a kill-one waits for the takeover before it calls it not seen. */
  static final Duration TAKEOVER_TIMEOUT = Duration.ofSeconds(60);

  /** How often the groups are described while waiting for a takeover. */
  static final long POLL_MILLIS = 100;

  /** How often a push-kill tries to kill the writer while the lock is still there. */
  static final int PUSH_KILL_ATTEMPTS = 3;

  private static final String BRANCH = "main";

  private final Deployment deployment;
  private final PoisonEvents poison;
  private final List<Fault> plan;
  private final List<Injected> injected = new ArrayList<>();
  private final List<TakeoverTime> takeovers = new ArrayList<>();
  private GroupWatch groups;
  private final Thread thread;
  private volatile boolean stopped;
  private volatile long startMicros;

  public ChaosMonkey(Deployment deployment, PoisonEvents poison, List<Fault> plan) {
    this.deployment = deployment;
    this.poison = poison;
    this.plan = plan;
    this.thread = new Thread(this::run, "bench-chaos");
    thread.setDaemon(true);
  }

  public void start() {
    startMicros = Clock.micros();
    thread.start();
  }

  private void run() {
    long start = System.nanoTime();
    for (Fault fault : plan) {
      long wait = fault.atMillis() - (System.nanoTime() - start) / 1_000_000;
      try {
        if (wait > 0) {
          Thread.sleep(wait);
        }
      } catch (InterruptedException e) {
        return;
      }
      if (stopped) {
        return;
      }
      long t0 = Clock.micros();
      String error = null;
      String note = null;
      System.out.printf("[chaos] %s%n", fault.describe());
      try {
        note = inject(fault);
        if (note != null) {
          System.out.printf("[chaos] %s: %s%n", fault.kind(), note);
        }
      } catch (InterruptedException e) {
        record(fault, t0, "interrupted", null);
        return;
      } catch (Exception e) {
        error = e.toString();
        System.out.printf("[chaos] %s failed: %s%n", fault.kind(), error);
      }
      record(fault, t0, error, note);
    }
  }

  private synchronized void record(Fault fault, long t0, String error, String note) {
    injected.add(new Injected(fault, t0, Clock.micros(), error, note));
  }

  /** Injects {@code fault} and heals it; answers what it found, or null. */
  private String inject(Fault fault) throws Exception {
    Duration d = Duration.ofMillis(fault.durationMillis());
    switch (fault.kind()) {
      case "kill" -> {
        deployment.kill(fault.target(), false);
        Thread.sleep(d.toMillis());
        deployment.up();
      }
      case "broker" -> {
        deployment.kill("kafka", true);
        Thread.sleep(d.toMillis());
        deployment.up();
      }
      case "git" -> {
        deployment.refusePushes(BRANCH);
        try {
          Thread.sleep(d.toMillis());
        } finally {
          deployment.allowPushes();
        }
      }
      case "stubs" -> {
        deployment.failStubs(List.of("slack", "billing"), d);
        Thread.sleep(d.toMillis());
      }
      case "push-kill" -> {
        return pushKill(fault.target(), d);
      }
      case "poison" -> {
        return "event " + poison.send() + " sent";
      }
      case "kill-one" -> {
        TakeoverTime t = killOne(fault.target());
        synchronized (this) {
          takeovers.add(t);
        }
        Thread.sleep(d.toMillis());
        return t.instance()
            + " down for good; takeover "
            + (t.millis() < 0 ? "not seen" : t.millis() + " ms")
            + " "
            + t.groupMillis();
      }
      default -> throw new IllegalArgumentException("unknown fault " + fault.kind());
    }
    return null;
  }

  /**
   * Kills {@code service} inside a push, holding the ref lock, and restarts it (again if, against
   * expectation, the lock was gone). The restarted writer must recover from that lock on its own:
   * the harness never removes it.
   */
  private String pushKill(String service, Duration pause) throws Exception {
    for (int attempt = 1; attempt <= PUSH_KILL_ATTEMPTS; attempt++) {
      Deployment.PushKill kill = deployment.killInsidePush(service, BRANCH, Duration.ofSeconds(60));
      if (!kill.killed()) {
        throw new IllegalStateException(service + " did not push for 60 s");
      }
      Thread.sleep(pause.toMillis());
      deployment.up();
      if (kill.lockLeft()) {
        return "killed holding the ref lock (attempt " + attempt + "); restarted";
      }
    }
    return "the ref lock was gone before each of " + PUSH_KILL_ATTEMPTS + " kills; restarted";
  }

  /**
   * SIGKILLs the last instance of {@code service} for good, then describes its consumer groups
   * every {@link #POLL_MILLIS} ms until the survivors hold all their partitions.
   */
  private TakeoverTime killOne(String service) throws Exception {
    int live = deployment.processes(service).size();
    String victim =
        deployment
            .lastInstance(service)
            .orElseThrow(() -> new IllegalStateException(service + " is not running"));
    if (live < 2) {
      throw new IllegalStateException(
          service + " runs " + live + " instance(s): kill-one needs a survivor");
    }
    if (groups == null) {
      groups = new GroupWatch(deployment.bootstrap());
    }
    Map<String, Takeover> watched = new LinkedHashMap<>();
    Map<String, Long> millis = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    for (String group : GroupWatch.GROUPS.getOrDefault(service, List.of())) {
      Takeover.Snapshot before;
      Set<String> partitions;
      try {
        before = groups.describe(group);
        partitions = groups.partitions(before);
      } catch (ExecutionException | TimeoutException e) {
        // The kill goes ahead: it is the fault; only this group's figure is missing.
        notes.add(group + ": not described before the kill (" + e + "), not timed");
        continue;
      }
      if (before.members().isEmpty()) {
        notes.add(group + ": no members before the kill, not timed");
        continue;
      }
      Takeover t = new Takeover(victim, before, live, partitions);
      watched.put(group, t);
      notes.add(
          group
              + ": "
              + before.members().size()
              + " members of "
              + live
              + " instances before, "
              + t.membersAfter()
              + " expected after");
    }
    long killed = System.nanoTime();
    deployment.killForGood(victim);
    long deadline = killed + TAKEOVER_TIMEOUT.toNanos();
    Map<String, Takeover> pending = new LinkedHashMap<>(watched);
    while (!pending.isEmpty() && System.nanoTime() < deadline) {
      for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        Takeover.Snapshot now;
        try {
          now = groups.describe(e.getKey());
        } catch (ExecutionException | TimeoutException ex) {
          continue;
        }
        long at = (System.nanoTime() - killed) / 1_000_000;
        if (e.getValue().takenOver(now)) {
          millis.put(e.getKey(), at);
          notes.add(
              e.getKey() + ": taken over at " + at + " ms, " + now.members().size() + " members");
          it.remove();
        }
      }
      Thread.sleep(POLL_MILLIS);
    }
    Map<String, Long> ordered = new LinkedHashMap<>();
    watched.keySet().forEach(g -> ordered.put(g, millis.getOrDefault(g, -1L)));
    return new TakeoverTime(
        service, victim, java.util.Collections.unmodifiableMap(ordered), List.copyOf(notes));
  }

  public synchronized List<TakeoverTime> takeovers() {
    return List.copyOf(takeovers);
  }

  /** Waits until every planned fault was injected (or {@code timeout} passed). */
  public boolean awaitDone(Duration timeout) throws InterruptedException {
    thread.join(timeout.toMillis());
    return !thread.isAlive();
  }

  /** Undoes whatever is still in effect: releases the Git lock, recovers the stubs, starts all. */
  public void heal() {
    try {
      deployment.allowPushes();
      deployment.recoverStubs();
      deployment.up();
    } catch (Exception e) {
      System.out.printf("[chaos] healing failed: %s%n", e);
    }
  }

  public synchronized List<Injected> injected() {
    return List.copyOf(injected);
  }

  public long startMicros() {
    return startMicros;
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    thread.interrupt();
    thread.join(60_000);
    if (groups != null) {
      groups.close();
    }
  }
}
