package io.pledge.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.bench.BenchOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosPlanTest {

  @Test
  void killsEveryServiceAndInjectsEveryOtherFaultOnce() {
    List<Fault> plan =
        ChaosPlan.plan(BenchOptions.ALL_FAULTS, BenchOptions.ALL_SERVICES, 200_000, 7);
    assertThat(plan).hasSize(9);
    assertThat(plan.stream().filter(f -> f.kind().equals("kill")).map(Fault::target))
        .containsExactlyInAnyOrderElementsOf(BenchOptions.ALL_SERVICES);
    assertThat(plan)
        .extracting(Fault::kind)
        .contains("broker", "git", "stubs", "push-kill", "poison");
    assertThat(plan.stream().filter(f -> f.kind().equals("push-kill")).map(Fault::target))
        .containsExactly("state-writer");
  }

  @Test
  void faultsDoNotOverlapAndFitInTheLoadWhenItIsLongEnough() {
    long load = 300_000;
    List<Fault> plan = ChaosPlan.plan(BenchOptions.ALL_FAULTS, BenchOptions.ALL_SERVICES, load, 42);
    for (int i = 1; i < plan.size(); i++) {
      Fault previous = plan.get(i - 1);
      assertThat(plan.get(i).atMillis())
          .isGreaterThanOrEqualTo(previous.atMillis() + ChaosPlan.cost(previous));
    }
    Fault last = plan.get(plan.size() - 1);
    assertThat(last.atMillis() + ChaosPlan.cost(last)).isLessThanOrEqualTo(load * 85 / 100);
  }

  @Test
  void theSameSeedGivesTheSamePlan() {
    assertThat(ChaosPlan.plan(BenchOptions.ALL_FAULTS, List.of("notifier"), 100_000, 3))
        .isEqualTo(ChaosPlan.plan(BenchOptions.ALL_FAULTS, List.of("notifier"), 100_000, 3))
        .isNotEqualTo(ChaosPlan.plan(BenchOptions.ALL_FAULTS, List.of("notifier"), 100_000, 4));
    assertThat(ChaosPlan.plan(List.of(), BenchOptions.ALL_SERVICES, 100_000, 3)).isEmpty();
  }

  @Test
  void killOneKillsEachServiceOnceBackToBackAmongTheOtherFaults() {
    List<String> faults = new java.util.ArrayList<>(BenchOptions.ALL_FAULTS);
    faults.add(BenchOptions.KILL_ONE);
    List<Fault> plan = ChaosPlan.plan(faults, BenchOptions.ALL_SERVICES, 400_000, 11);

    assertThat(plan).hasSize(13);
    List<Integer> at = new java.util.ArrayList<>();
    for (int i = 0; i < plan.size(); i++) {
      if (plan.get(i).kind().equals("kill-one")) {
        at.add(i);
      }
    }
    assertThat(at).hasSize(4);
    assertThat(at.get(3) - at.get(0)).as("one block").isEqualTo(3);
    assertThat(at.stream().map(i -> plan.get(i).target()))
        .containsExactlyElementsOf(BenchOptions.ALL_SERVICES);
    for (int i = 1; i < at.size(); i++) {
      Fault previous = plan.get(at.get(i - 1));
      assertThat(plan.get(at.get(i)).atMillis())
          .as("a kill-one follows the previous one's takeover and pause at once")
          .isEqualTo(previous.atMillis() + ChaosPlan.cost(previous));
    }
    assertThat(plan.get(at.get(0)).durationMillis()).isBetween(1_000L, 3_000L);
  }

  @Test
  void killOneNeedsServicesAndCountsTheirTakeoversInTheExpectedLength() {
    assertThat(ChaosPlan.plan(List.of("kill-one"), List.of(), 100_000, 5)).isEmpty();
    assertThat(ChaosPlan.expectedMillis(List.of("kill-one"), BenchOptions.ALL_SERVICES))
        .isEqualTo(4 * (ChaosPlan.TAKEOVER_MILLIS + 2_000));
  }
}
