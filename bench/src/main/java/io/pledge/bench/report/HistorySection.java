package io.pledge.bench.report;

import io.pledge.bench.report.BenchReport.ServiceUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The "ready after restart" part of a report of a run with {@code --history}. Pure. */
final class HistorySection {

  private HistorySection() {}

  static final List<String> HEADER =
      List.of("service", "stop s", "ready s", "with up s", "peak RSS MB");

  static String text(BenchReport.HistoryReport h) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "History: %d resources pre-loaded, %d records (%.1f MB) in %.1f s, %.0f records/s. Written: %s.",
            h.resources(),
            h.records(),
            h.megabytes(),
            h.seconds(),
            h.recordsPerSecond(),
            h.written()));
    long status = h.topicSizes().getOrDefault("pledge.status", 0L);
    long requests = h.topicSizes().getOrDefault("pledge.requests", 0L);
    long others =
        h.topicSizes().entrySet().stream()
            .filter(
                e -> !e.getKey().equals("pledge.status") && !e.getKey().equals("pledge.requests"))
            .mapToLong(Map.Entry::getValue)
            .sum();
    sb.append(
        String.format(
            Locale.ROOT,
            "%nTopic sizes after the restarts (records): pledge.status %d, pledge.requests %d,"
                + " others %d (%s).",
            status,
            requests,
            others,
            h.topicSizes()));
    return sb.toString();
  }

  static List<List<String>> rows(BenchReport.HistoryReport h, List<ServiceUsage> usage) {
    List<List<String>> rows = new ArrayList<>();
    for (BenchReport.Restart r : h.restarts()) {
      double rss =
          usage.stream()
              .filter(u -> u.name().equals(r.service()))
              .mapToDouble(ServiceUsage::peakRssMb)
              .findFirst()
              .orElse(Double.NaN);
      rows.add(
          List.of(
              r.service(),
              ReportRenderer.num(r.stopSeconds()),
              ReportRenderer.num(r.readySeconds()),
              ReportRenderer.num(r.wallSeconds()),
              Double.isNaN(rss) ? "-" : String.format(Locale.ROOT, "%.0f", rss)));
    }
    return rows;
  }
}
