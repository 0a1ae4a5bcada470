package io.pledge.bench.load;

import io.pledge.bench.BenchOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Which requests a run sends, to which resources, how and when. Pure. */
public final class RequestPlan {

  public static final String NAMESPACE = "load";
  public static final String PROMISE = "bench";

  private RequestPlan() {}

  /** The phases of a run, in order. */
  public static List<Phase> phases(BenchOptions o) {
    List<Phase> phases = new ArrayList<>();
    if (o.warmup() > 0) {
      phases.add(new Phase("warmup", o.warmup(), null, false));
    }
    if (o.twoPhases()) {
      int latency = o.latencyRequests();
      phases.add(new Phase("latency", latency, BenchOptions.LATENCY_RATE, true));
      if (o.requests() > latency) {
        phases.add(new Phase("throughput", o.requests() - latency, null, true));
      }
    } else {
      phases.add(new Phase(o.chaos() ? "chaos" : "load", o.requests(), o.rate(), true));
    }
    return List.copyOf(phases);
  }

  /**
   * Every request of the run. Measured requests go round-robin over {@code resources} resources
   * named {@code r-000000}...; warm-up requests have resources of their own ({@code w-...}).
   */
  public static List<PlannedRequest> build(BenchOptions o, List<Phase> phases) {
    List<PlannedRequest> plan = new ArrayList<>();
    int measured = 0;
    int warm = 0;
    for (Phase phase : phases) {
      for (int j = 0; j < phase.requests(); j++) {
        int keyIndex;
        String name;
        if (phase.measured()) {
          keyIndex = measured % o.resources();
          name = String.format(Locale.ROOT, "r-%06d", keyIndex);
          measured++;
        } else {
          keyIndex = warm;
          name = String.format(Locale.ROOT, "w-%06d", warm);
          warm++;
        }
        long offset = phase.rate() == null ? 0 : Math.round(j * 1_000_000d / phase.rate());
        int index = plan.size();
        plan.add(new PlannedRequest(index, phase, name, via(o.via(), keyIndex), offset, index + 1));
      }
    }
    return List.copyOf(plan);
  }

  static Via via(String via, int keyIndex) {
    return switch (via) {
      case "rest" -> Via.REST;
      case "inbound" -> Via.INBOUND;
      default -> keyIndex % 2 == 0 ? Via.REST : Via.INBOUND;
    };
  }
}
