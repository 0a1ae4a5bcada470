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
}
