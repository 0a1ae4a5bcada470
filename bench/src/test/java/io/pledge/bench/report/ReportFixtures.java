package io.pledge.bench.report;

import io.pledge.bench.measure.LatencyStats;
import io.pledge.bench.report.BenchReport.PhaseReport;
import io.pledge.bench.report.BenchReport.ServiceUsage;
import io.pledge.bench.verify.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class ReportFixtures {

  private ReportFixtures() {}

  static PhaseReport phase(
      String name, String rate, double e2eP50, double e2eP99, double sustained) {
    Map<String, LatencyStats> legs = new LinkedHashMap<>();
    legs.put("accept", new LatencyStats(10, 5, 6, 7, 8, 5));
    legs.put("pipeline", new LatencyStats(10, 15, 16, 17, 18, 15));
    legs.put("commit", new LatencyStats(10, 20, 21, 22, 23, 20));
    legs.put("visible", new LatencyStats(10, 1, 1, 2, 2, 1));
    legs.put("end-to-end", new LatencyStats(10, e2eP50, e2eP50 + 1, e2eP99, e2eP99 + 1, e2eP50));
    Map<String, LatencyStats> detail = new LinkedHashMap<>();
    detail.put("queue", new LatencyStats(10, 3, 4, 5, 6, 3));
    return new PhaseReport(
        name, rate, 10, 10, 0, 0, 10, 2.0, sustained, sustained, legs, detail, Map.of(), List.of());
  }

  static List<ServiceUsage> usage(double rss) {
    return List.of(
        new ServiceUsage("kafka", 3, 0, 30, 700, 1),
        new ServiceUsage("request-intake", 1, 0, 10, rss, 1),
        new ServiceUsage("pipeline-runner", 1, 2, 30, 200, 1));
  }

  static Verdict verdict(int lost, int doubled) {
    return new Verdict(
        10,
        5,
        lost,
        lost,
        lost == 0 ? List.of() : List.of("load/bench/r-1: no manifest"),
        doubled,
        List.of(),
        0,
        0,
        List.of(),
        0,
        List.of(),
        0);
  }

  static BenchReport report(Verdict verdict) {
    List<PhaseReport> phases =
        List.of(phase("latency", "10/s", 42, 250, 9.9), phase("throughput", "max", 900, 2000, 250));
    BenchReport.Comparison comparison =
        new BenchReport.Comparison("throughput", "max", 250, 400, 0.625, 42, 150, 20, 40, 22, 110);
    List<ServiceUsage> usage = usage(230);
    return new BenchReport(
        "20260101-000000",
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:05:00Z",
        new BenchReport.Environment(2, "OpenJDK 17", "Linux", "abc123", "/tmp/pledge", 0.5),
        Map.of("requests", 20),
        phases,
        new BenchReport.BareReport(
            100,
            2,
            50,
            new LatencyStats(100, 20, 25, 40, 50, 21),
            0,
            20,
            0.02,
            1000,
            new LatencyStats(100, 1, 2, 3, 4, 1),
            20,
            0.01,
            2000,
            400),
        comparison,
        usage,
        new BenchReport.MachineUsage(300, 600, 400, 50),
        new BenchReport.GitReport(1, 11, 10, 10),
        new BenchReport.ChaosReport(false, 1, List.of(), 0, 0, 0, List.of()),
        verdict,
        Targets.check(phases, comparison, usage),
        Map.of("pledge.request.accepted", 20),
        Map.of(),
        usage,
        null);
  }

  /** The same report with a {@code --history} section. */
  static BenchReport withHistory(BenchReport r, BenchReport.HistoryReport history) {
    return new BenchReport(
        r.runId(),
        r.started(),
        r.finished(),
        r.environment(),
        r.options(),
        r.phases(),
        r.bare(),
        r.comparison(),
        r.usage(),
        r.machine(),
        r.git(),
        r.chaos(),
        r.verification(),
        r.targets(),
        r.statusEvents(),
        r.notificationOutcomes(),
        r.instances(),
        history);
  }

  /** The same report with chaos on and the takeovers of a kill-one. */
  static BenchReport withTakeovers(BenchReport r, List<BenchReport.TakeoverReport> takeovers) {
    return new BenchReport(
        r.runId(),
        r.started(),
        r.finished(),
        r.environment(),
        r.options(),
        r.phases(),
        r.bare(),
        r.comparison(),
        r.usage(),
        r.machine(),
        r.git(),
        new BenchReport.ChaosReport(true, 1, List.of("+5.0 s: kill-one"), 0, 0, 0, takeovers),
        r.verification(),
        r.targets(),
        r.statusEvents(),
        r.notificationOutcomes(),
        r.instances(),
        r.history());
  }
}
