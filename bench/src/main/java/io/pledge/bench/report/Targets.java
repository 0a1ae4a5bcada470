package io.pledge.bench.report;

import io.pledge.bench.report.BenchReport.Comparison;
import io.pledge.bench.report.BenchReport.PhaseReport;
import io.pledge.bench.report.BenchReport.ServiceUsage;
import io.pledge.bench.report.BenchReport.TargetCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The targets, checked against a run's figures. Pure. */
public final class Targets {

  public static final double P50_MS = 50;
  public static final double P99_MS = 200;
  public static final double THROUGHPUT = 200;
  public static final double BARE_RATIO = 0.5;
  public static final double RSS_MB = 250;

  static final String CHAOS = "chaos";

  /** The services the memory target is about (the broker is reported, not judged). */
  static final Set<String> SERVICES =
      Set.of("request-intake", "pipeline-runner", "state-writer", "notifier");

  private Targets() {}

  public static List<TargetCheck> check(
      List<PhaseReport> phases, Comparison comparison, List<ServiceUsage> usage) {
    List<TargetCheck> checks = new ArrayList<>();
    PhaseReport latency = latencyPhase(phases);
    if (latency == null || latency.endToEnd().count() == 0) {
      String why =
          "not measured: needs a phase at 10 req/s without chaos (no --rate/--max, or --rate 10)";
      checks.add(new TargetCheck("end-to-end p50 at 10 req/s", "≤ 50 ms", "-", null, why));
      checks.add(new TargetCheck("end-to-end p99 at 10 req/s", "≤ 200 ms", "-", null, why));
    } else {
      double p50 = latency.endToEnd().p50();
      double p99 = latency.endToEnd().p99();
      checks.add(
          new TargetCheck(
              "end-to-end p50 at 10 req/s", "≤ 50 ms", ms(p50), p50 <= P50_MS, latency.name()));
      checks.add(
          new TargetCheck(
              "end-to-end p99 at 10 req/s", "≤ 200 ms", ms(p99), p99 <= P99_MS, latency.name()));
    }
    PhaseReport max = maxPhase(phases);
    if (max == null || Double.isNaN(max.sustainedPerSecond())) {
      String why = "not measured: needs a phase as fast as possible without chaos (no --rate)";
      checks.add(new TargetCheck("sustained throughput", "≥ 200 req/s", "-", null, why));
      checks.add(new TargetCheck("throughput / bare work", "≥ 0.5", "-", null, why));
    } else {
      double rate = max.sustainedPerSecond();
      checks.add(
          new TargetCheck(
              "sustained throughput",
              "≥ 200 req/s",
              String.format(Locale.ROOT, "%.1f req/s", rate),
              rate >= THROUGHPUT,
              max.name()));
      if (comparison == null || Double.isNaN(comparison.ratio())) {
        checks.add(
            new TargetCheck(
                "throughput / bare work", "≥ 0.5", "-", null, "bare work not measured"));
      } else {
        checks.add(
            new TargetCheck(
                "throughput / bare work",
                "≥ 0.5",
                String.format(Locale.ROOT, "%.2f", comparison.ratio()),
                comparison.ratio() >= BARE_RATIO,
                String.format(
                    Locale.ROOT,
                    "%.1f / %.1f req/s",
                    comparison.pledgePerSecond(),
                    comparison.barePerSecond())));
      }
    }
    ServiceUsage biggest = null;
    for (ServiceUsage u : usage) {
      if (SERVICES.contains(u.name()) && (biggest == null || u.peakRssMb() > biggest.peakRssMb())) {
        biggest = u;
      }
    }
    if (biggest == null || biggest.peakRssMb() <= 0) {
      checks.add(new TargetCheck("peak RSS per service", "≤ 250 MB", "-", null, "not sampled"));
    } else {
      checks.add(
          new TargetCheck(
              "peak RSS per service",
              "≤ 250 MB",
              String.format(Locale.ROOT, "%.0f MB", biggest.peakRssMb()),
              usage.stream()
                  .filter(u -> SERVICES.contains(u.name()))
                  .allMatch(u -> u.peakRssMb() <= RSS_MB),
              "highest: " + biggest.name()));
    }
    return checks;
  }

  /**
   * The phase the latency targets are read from: one at 10 req/s or less, the "latency" one first.
   * Never a chaos phase: its figures include the faults.
   */
  static PhaseReport latencyPhase(List<PhaseReport> phases) {
    PhaseReport found = null;
    for (PhaseReport p : phases) {
      if (CHAOS.equals(p.name())) {
        continue;
      }
      Double rate = rate(p);
      if (rate != null && rate <= 10.0 + 1e-9) {
        if ("latency".equals(p.name())) {
          return p;
        }
        found = found == null ? p : found;
      }
    }
    return found;
  }

  /** The phase the throughput targets are read from: one sent as fast as possible, not chaos. */
  static PhaseReport maxPhase(List<PhaseReport> phases) {
    for (PhaseReport p : phases) {
      if ("max".equals(p.rate()) && !CHAOS.equals(p.name())) {
        return p;
      }
    }
    return null;
  }

  private static Double rate(PhaseReport p) {
    if (p.rate() == null || "max".equals(p.rate())) {
      return null;
    }
    try {
      return Double.parseDouble(p.rate().replace("/s", ""));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static String ms(double v) {
    return String.format(Locale.ROOT, "%.1f ms", v);
  }
}
