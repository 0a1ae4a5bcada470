package io.pledge.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.bench.report.BenchReport.TargetCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetsTest {

  @Test
  void eachTargetIsReadFromThePhaseItIsAbout() {
    List<TargetCheck> checks =
        Targets.check(
            List.of(
                ReportFixtures.phase("latency", "10/s", 42, 250, 9.9),
                ReportFixtures.phase("throughput", "max", 900, 2000, 150)),
            new BenchReport.Comparison(
                "throughput", "max", 150, 400, 0.375, 42, 250, 20, 40, 22, 210),
            ReportFixtures.usage(251));
    assertThat(checks)
        .extracting(TargetCheck::name, TargetCheck::met)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("end-to-end p50 at 10 req/s", true),
            org.assertj.core.groups.Tuple.tuple("end-to-end p99 at 10 req/s", false),
            org.assertj.core.groups.Tuple.tuple("sustained throughput", false),
            org.assertj.core.groups.Tuple.tuple("throughput / bare work", false),
            org.assertj.core.groups.Tuple.tuple("peak RSS per service", false));
    assertThat(checks.get(4).note()).contains("request-intake");
    assertThat(checks.get(4).actual()).isEqualTo("251 MB");
  }

  @Test
  void aRunWithoutTheRightPhaseSaysSoInsteadOfGuessing() {
    List<TargetCheck> checks =
        Targets.check(
            List.of(
                ReportFixtures.phase("chaos", "5/s", 40, 100, 5),
                ReportFixtures.phase("chaos", "max", 40, 100, 500),
                ReportFixtures.phase("load", "20/s", 900, 2000, 19)),
            null,
            List.of());
    assertThat(checks).extracting(TargetCheck::met).containsOnlyNulls();
    assertThat(checks.get(0).note()).contains("10 req/s");
    assertThat(checks.get(2).note()).contains("as fast as possible");
  }

  @Test
  void theBrokerIsNotJudgedByTheServiceMemoryTarget() {
    List<TargetCheck> checks = Targets.check(List.of(), null, ReportFixtures.usage(240));
    assertThat(checks.get(4).met()).isTrue();
  }
}
