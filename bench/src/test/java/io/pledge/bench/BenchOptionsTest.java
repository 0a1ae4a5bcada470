package io.pledge.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  @Test
  void defaultsAreTenThousandRequestsInTwoPhases() {
    BenchOptions o = BenchOptions.parse();
    assertThat(o.requests()).isEqualTo(10_000);
    assertThat(o.twoPhases()).isTrue();
    assertThat(o.latencyRequests()).isEqualTo(300);
    assertThat(o.resources()).isEqualTo(10_000);
    assertThat(o.via()).isEqualTo("both");
    assertThat(o.bareRuns()).isEqualTo(2000);
  }

  @Test
  void chaosPicksARateAtWhichTheLoadOutlastsTheFaults() {
    BenchOptions o = BenchOptions.parse("--requests", "2000", "--chaos");
    assertThat(o.twoPhases()).isFalse();
    assertThat(o.rate()).isBetween(5.0, 10.0);
    assertThat(o.resources()).isEqualTo(1000);
    assertThat(o.stallTimeout()).isEqualTo(Duration.ofSeconds(300));
    assertThat(BenchOptions.parse("--requests", "100000", "--chaos").rate()).isEqualTo(10.0);
    assertThat(BenchOptions.parse("--requests=200", "--chaos", "--max").rate()).isNull();
  }

  @Test
  void servicesTakeShortNames() {
    BenchOptions o =
        BenchOptions.parse("--chaos", "--services", "intake,writer", "--faults", "kill");
    assertThat(o.services()).containsExactly("request-intake", "state-writer");
    assertThat(o.faults()).containsExactly("kill");
  }

  @Test
  void badOptionsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> BenchOptions.parse("--rate", "5", "--max"))
        .hasMessageContaining("exclude");
    assertThatThrownBy(() -> BenchOptions.parse("--via", "carrier-pigeon"))
        .hasMessageContaining("rest");
    assertThatThrownBy(() -> BenchOptions.parse("--requests", "0"))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> BenchOptions.parse("--services", "database"))
        .hasMessageContaining("request-intake");
    assertThatThrownBy(() -> BenchOptions.parse("--frobnicate"))
        .hasMessageContaining("unknown option");
    assertThatThrownBy(() -> BenchOptions.parse("--requests"))
        .hasMessageContaining("needs a value");
  }

  @Test
  void historyIsOffUnlessAsked() {
    assertThat(BenchOptions.parse().history()).isZero();
    assertThat(BenchOptions.parse("--history", "100_000").history()).isEqualTo(100_000);
    assertThat(BenchOptions.parse("--requests", "500", "--history=30000").history())
        .isEqualTo(30_000);
  }

  @Test
  void historyRejectsWhatIsNotACount() {
    assertThatThrownBy(() -> BenchOptions.parse("--history", "-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--history must not be negative");
    assertThatThrownBy(() -> BenchOptions.parse("--history", "lots"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--history takes a whole number");
    assertThatThrownBy(() -> BenchOptions.parse("--history"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--history needs a value");
  }

  @Test
  void replicasAreOneByDefaultAndOneToNine() {
    assertThat(BenchOptions.parse().replicas()).isEqualTo(1);
    assertThat(BenchOptions.parse("--replicas", "2").replicas()).isEqualTo(2);
    assertThat(BenchOptions.parse("--replicas=9").replicas()).isEqualTo(9);
    for (String bad : new String[] {"0", "10", "two"}) {
      assertThatThrownBy(() -> BenchOptions.parse("--replicas", bad))
          .as("--replicas %s", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("--replicas");
    }
  }

  @Test
  void killOneIsADefaultFaultOnlyWithReplicas() {
    assertThat(BenchOptions.parse("--chaos").faults())
        .isEqualTo(BenchOptions.ALL_FAULTS)
        .doesNotContain(BenchOptions.KILL_ONE);
    assertThat(BenchOptions.parse("--chaos", "--replicas", "2").faults())
        .containsAll(BenchOptions.ALL_FAULTS)
        .contains(BenchOptions.KILL_ONE);
    assertThat(BenchOptions.parse("--chaos", "--replicas", "2", "--faults", "kill-one").faults())
        .containsExactly(BenchOptions.KILL_ONE);
    assertThatThrownBy(() -> BenchOptions.parse("--chaos", "--faults", "kill-one"))
        .hasMessageContaining("--replicas 2");
    assertThatThrownBy(
            () -> BenchOptions.parse("--chaos", "--replicas", "1", "--faults", "kill,kill-one"))
        .hasMessageContaining("--replicas 2");
  }

  @Test
  void theUsageNamesReplicasAndKillOne() {
    assertThat(BenchOptions.USAGE).contains("--replicas N").contains("kill-one");
  }
}
