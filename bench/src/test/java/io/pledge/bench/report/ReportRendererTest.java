package io.pledge.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportRendererTest {

  @Test
  void summaryShowsEveryLegTargetsAndVerdict() {
    String out = ReportRenderer.summary(ReportFixtures.report(ReportFixtures.verdict(0, 0)));
    assertThat(out)
        .contains("latency", "throughput", "end-to-end", "pipeline", "visible")
        .contains("ratio 0.63")
        .contains("steps (latency, p50 / p99 ms): queue 3.0 / 5.0")
        .contains("sustained throughput")
        .contains("State store: 10 commits during the measured load")
        .contains("400 of 600 CPU-seconds busy, 50 of them outside")
        .contains("MISSED")
        .contains("met")
        .contains("Lost: 0/10 requests")
        .contains("OK: nothing lost, nothing doubled.");
  }

  @Test
  void aFailedVerificationSaysSoWithExamples() {
    BenchReport r = ReportFixtures.report(ReportFixtures.verdict(1, 0));
    assertThat(ReportRenderer.summary(r)).contains("Lost: 1/10 requests").contains("FAILED.");
    assertThat(ReportRenderer.markdown(r)).contains("- load/bench/r-1: no manifest");
  }

  @Test
  void markdownHasTheSectionsChartsAndTables() {
    String md = ReportRenderer.markdown(ReportFixtures.report(ReportFixtures.verdict(0, 0)));
    assertThat(md)
        .startsWith("# Pledge benchmark 20260101-000000")
        .contains("## Targets", "## Latency and throughput", "## Bare work", "## Resources")
        .contains("## Verification", "![throughput](throughput.png)", "![latency](latency.png)")
        .contains("| end-to-end p50 at 10 req/s | ≤ 50 ms | 42.0 ms | met | latency |")
        .contains("**400.0 requests/s**");
  }

  @Test
  void perInstanceRowsOnlyWhenAServiceHadSeveralInstances() {
    BenchReport.ServiceUsage kafka = new BenchReport.ServiceUsage("kafka", 3, 0, 30, 700, 1);
    BenchReport.ServiceUsage intake1 =
        new BenchReport.ServiceUsage("request-intake-1", 1, 0, 10, 200, 1);
    BenchReport.ServiceUsage intake2 =
        new BenchReport.ServiceUsage("request-intake-2", 1, 0, 10, 200, 1);
    BenchReport.ServiceUsage runner1 =
        new BenchReport.ServiceUsage("pipeline-runner-1", 1, 0, 10, 200, 1);
    assertThat(ReportRenderer.hasReplicas(List.of(kafka, intake1, runner1))).isFalse();
    assertThat(ReportRenderer.hasReplicas(List.of(kafka, intake1, intake2, runner1))).isTrue();
  }

  @Test
  void tablesAlignColumnsAndEscapePipes() {
    String t =
        ReportRenderer.table(List.of("a", "bb"), List.of(List.of("xyz", "1"), List.of("q", "100")));
    assertThat(t.split("\n")).containsExactly("a     bb", "---  ---", "xyz    1", "q    100");
    assertThat(ReportRenderer.markdownTable(List.of("h"), List.of(List.of("a|b"))))
        .contains("| a\\|b |");
  }

  @Test
  void aHistoryRunHasTheReadyAfterRestartTable() {
    BenchReport r =
        ReportFixtures.withHistory(
            ReportFixtures.report(null),
            new BenchReport.HistoryReport(
                1000,
                15_000,
                7.5,
                0.5,
                30_000,
                java.util.Map.of("pledge.status", 10_000L),
                java.util.Map.of(
                    "pledge.status", 10_123L, "pledge.requests", 1_260L, "pledge.logs", 1_250L),
                List.of(
                    new BenchReport.Restart("request-intake", 1.2, 34.5, 36.0),
                    new BenchReport.Restart("notifier", 0.8, 12.25, 13.0))));
    String md = ReportRenderer.markdown(r);
    assertThat(md)
        .contains("## Ready after restart (history)")
        .contains(
            "History: 1000 resources pre-loaded, 15000 records (7.5 MB) in 0.5 s, 30000 records/s")
        .contains("pledge.status 10123, pledge.requests 1260, others 1250")
        .containsPattern("\\| request-intake \\| 1\\.2 +\\| 34\\.5 +\\| 36\\.0 +\\| 230");
    assertThat(ReportRenderer.summary(r)).contains("ready s").contains("34.5");
    assertThat(ReportRenderer.markdown(ReportFixtures.report(null)))
        .doesNotContain("Ready after restart");
  }

  @Test
  void aKillOneRunShowsEachServicesTakeoverAndWhatWasNotSeen() {
    java.util.Map<String, Double> runnerGroups = new java.util.LinkedHashMap<>();
    runnerGroups.put("pledge-pipeline-runner", 7.25);
    runnerGroups.put("pledge-pipeline-runner-dryruns", 6.5);
    BenchReport r =
        ReportFixtures.withTakeovers(
            ReportFixtures.report(ReportFixtures.verdict(0, 0)),
            List.of(
                new BenchReport.TakeoverReport(
                    "pipeline-runner", "pipeline-runner-2", 7.25, runnerGroups),
                new BenchReport.TakeoverReport(
                    "notifier",
                    "notifier-2",
                    Double.NaN,
                    java.util.Map.of("pledge-notifier", Double.NaN))));

    String md = ReportRenderer.markdown(r);
    assertThat(md)
        .contains("**Takeover**")
        .containsPattern(
            "\\| pipeline-runner +\\| pipeline-runner-2 +\\| 7\\.3 +\\|"
                + " pledge-pipeline-runner 7\\.3, pledge-pipeline-runner-dryruns 6\\.5")
        .containsPattern(
            "\\| notifier +\\| notifier-2 +\\| not seen +\\| pledge-notifier not seen");
    assertThat(ReportRenderer.summary(r)).contains("Takeover after kill-one").contains("7.3");
  }
}
