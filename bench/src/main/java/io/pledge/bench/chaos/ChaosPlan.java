package io.pledge.bench.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * When to inject which fault. Pure: the same seed gives the same plan. Every chosen service is
 * killed once and every other chosen kind of fault happens once, in random order. Faults run one
 * after the other, each healed before the next (a restart waits for readiness), so the plan lays
 * them out by their expected cost and spreads random pauses between them over the expected length
 * of the load; a load too short for them all just sees them run back to back.
 */
public final class ChaosPlan {

  /** What a restart through deploy/local/up costs on top of the pause: JVM start and readiness. */
  static final long RESTART_MILLIS = 15_000;

  /** A broker restart: controlled shutdown, start, every service reconnecting. */
  static final long BROKER_RESTART_MILLIS = 25_000;

  /** Under load the writer pushes several times a second; a push is seldom far away. */
  static final long PUSH_WAIT_MILLIS = 2_000;

  /** Producing a 5,000-document event and a malformed record. */
  static final long POISON_MILLIS = 2_000;

  /**
   * A kill-one waits for the survivors to take the killed instance's partitions: its group members
   * stay until the session timeout (6 s in the services' settings), then a rebalance.
   */
  static final long TAKEOVER_MILLIS = 10_000;

  private ChaosPlan() {}

  public static List<Fault> plan(
      List<String> faults, List<String> services, long loadMillis, long seed) {
    Random random = new Random(seed);
    List<List<Fault>> slots = new ArrayList<>();
    if (faults.contains("kill")) {
      for (String service : services) {
        slots.add(List.of(new Fault(0, "kill", service, 500 + random.nextInt(2_500))));
      }
    }
    if (faults.contains("broker")) {
      slots.add(List.of(new Fault(0, "broker", null, 1_000 + random.nextInt(3_000))));
    }
    if (faults.contains("git")) {
      slots.add(List.of(new Fault(0, "git", null, 4_000 + random.nextInt(6_000))));
    }
    if (faults.contains("stubs")) {
      slots.add(List.of(new Fault(0, "stubs", null, 3_000 + random.nextInt(5_000))));
    }
    if (faults.contains("push-kill")) {
      slots.add(List.of(new Fault(0, "push-kill", "state-writer", 500 + random.nextInt(2_500))));
    }
    if (faults.contains("poison")) {
      slots.add(List.of(new Fault(0, "poison", null, 0)));
    }
    if (faults.contains("kill-one") && !services.isEmpty()) {
      List<Fault> block = new ArrayList<>();
      for (String service : services) {
        block.add(new Fault(0, "kill-one", service, 1_000 + random.nextInt(2_000)));
      }
      slots.add(List.copyOf(block));
    }
    Collections.shuffle(slots, random);
    if (slots.isEmpty()) {
      return List.of();
    }
    long start = Math.max(2_000, loadMillis / 20);
    long busy = slots.stream().flatMap(List::stream).mapToLong(ChaosPlan::cost).sum();
    long spare = Math.max(0, loadMillis * 85 / 100 - start - busy);
    double[] weights = new double[slots.size()];
    double total = 0;
    for (int i = 0; i < weights.length; i++) {
      weights[i] = random.nextDouble();
      total += weights[i];
    }
    List<Fault> plan = new ArrayList<>();
    long at = start;
    for (int i = 0; i < slots.size(); i++) {
      long pause = total == 0 ? 0 : (long) (spare * weights[i] / total);
      at += pause;
      for (Fault k : slots.get(i)) {
        plan.add(new Fault(at, k.kind(), k.target(), k.durationMillis()));
        at += cost(k);
      }
    }
    return List.copyOf(plan);
  }

  /** How long the faults of a plan are expected to take in all, back to back. */
  public static long expectedMillis(List<String> faults, List<String> services) {
    long total = 0;
    if (faults.contains("kill")) {
      total += services.size() * (RESTART_MILLIS + 1_750);
    }
    if (faults.contains("broker")) {
      total += BROKER_RESTART_MILLIS + 2_500;
    }
    if (faults.contains("git")) {
      total += 7_000;
    }
    if (faults.contains("stubs")) {
      total += 5_500;
    }
    if (faults.contains("push-kill")) {
      total += PUSH_WAIT_MILLIS + RESTART_MILLIS + 1_750;
    }
    if (faults.contains("poison")) {
      total += POISON_MILLIS;
    }
    if (faults.contains("kill-one")) {
      total += services.size() * (TAKEOVER_MILLIS + 2_000);
    }
    return total;
  }

  /** The expected time from a fault's start to its healing. */
  static long cost(Fault f) {
    return switch (f.kind()) {
      case "kill" -> f.durationMillis() + RESTART_MILLIS;
      case "broker" -> f.durationMillis() + BROKER_RESTART_MILLIS;
      case "push-kill" -> PUSH_WAIT_MILLIS + f.durationMillis() + RESTART_MILLIS;
      case "poison" -> POISON_MILLIS;
      case "kill-one" -> TAKEOVER_MILLIS + f.durationMillis();
      default -> f.durationMillis();
    };
  }
}
