package io.pledge.bench.chaos;

import io.pledge.bench.deploy.Deployment;
import io.pledge.bench.measure.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Injects the faults of a {@link ChaosPlan}, one after the other, each healed before the next: a
 * killed service is restarted through {@code deploy/local/up} (which waits for readiness), the
 * broker is stopped and started the same way, the Git lock is released, the stubs recover on their
 * own.
 */
public final class ChaosMonkey implements AutoCloseable {

  /**
   * A fault as it happened.
   *
   * @param note what the fault found, where that matters (whether a push-kill left a lock behind)
   */
  public record Injected(
      Fault fault, long startMicros, long endMicros, String error, String note) {}

  /** How often a push-kill tries to kill the writer while the lock is still there. */
  static final int PUSH_KILL_ATTEMPTS = 3;

  private static final String BRANCH = "main";

  private final Deployment deployment;
  private final PoisonEvents poison;
  private final List<Fault> plan;
  private final List<Injected> injected = new ArrayList<>();
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
  }
}
