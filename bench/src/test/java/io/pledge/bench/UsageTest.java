package io.pledge.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pledge.bench.report.BenchReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageTest {

  @Test
  void chargesTheRequestsOnlyWithWhatTheLoadAddedToEachInstancesIdleCost() {
    Map<String, double[]> load = new LinkedHashMap<>();
    load.put("notifier-1", new double[] {12, 0}); // 12 CPU s over a 100 s load
    load.put("pipeline-runner-1", new double[] {20, 5});
    // Idle over 10 s: the notifier 0.5 s (50 ms/s), the runner nothing.
    Map<String, double[]> idle =
        Map.of("notifier-1", new double[] {0.5, 0}, "pipeline-runner-1", new double[] {0, 0});

    List<BenchReport.ServiceUsage> rows =
        BenchMain.usage(load, idle, 10, Map.of(), Map.of(), 200, 100);

    BenchReport.ServiceUsage notifier = rows.get(0);
    assertThat(notifier.cpuMillisPerRequest()).isCloseTo(60, within(1e-9));
    assertThat(notifier.idleMillisPerSecond()).isCloseTo(50, within(1e-9));
    // (12 s - 0.05 s/s × 100 s) / 200 requests
    assertThat(notifier.cpuMillisPerRequestAboveIdle()).isCloseTo(35, within(1e-9));
    BenchReport.ServiceUsage runner = rows.get(1);
    assertThat(runner.cpuMillisPerRequestAboveIdle()).isCloseTo(125, within(1e-9));
  }

  @Test
  void withoutAnIdleMeasurementThereIsNoFigureAboveIdle() {
    List<BenchReport.ServiceUsage> rows =
        BenchMain.usage(
            Map.of("notifier-1", new double[] {12, 0}), Map.of(), 0, Map.of(), Map.of(), 200, 100);

    assertThat(rows.get(0).cpuMillisPerRequest()).isCloseTo(60, within(1e-9));
    assertThat(rows.get(0).idleMillisPerSecond()).isNaN();
    assertThat(rows.get(0).cpuMillisPerRequestAboveIdle()).isNaN();
  }
}
