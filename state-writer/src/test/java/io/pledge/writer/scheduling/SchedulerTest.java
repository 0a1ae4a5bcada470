package io.pledge.writer.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.kratix.Destination;
import io.pledge.contract.kratix.ObjectMeta;
import io.pledge.contract.work.DestinationSelector;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.Workload;
import io.pledge.contract.work.WorkloadGroup;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchedulerTest {

  static final String GROUP = "5058f1af8388633f609cadb75a75dc9d";

  static Destination destination(String name, Map<String, String> labels, boolean strict) {
    return new Destination(
        "platform.kratix.io/v1alpha1",
        "Destination",
        new ObjectMeta(name, null, labels, null, null),
        new Destination.Spec(
            name,
            new Destination.StateStoreRef("GitStateStore", "default"),
            strict,
            null,
            null,
            null));
  }

  static Destination destination(String name, Map<String, String> labels) {
    return destination(name, labels, false);
  }

  static Work resourceWork(String key, DestinationSelector... selectors) {
    return work(key, Work.RESOURCE, "configure", selectors);
  }

  static Work work(String key, String type, String pipeline, DestinationSelector... selectors) {
    return new Work(
        key,
        type,
        "postgresql",
        null,
        null,
        pipeline,
        1,
        List.of(
            new WorkloadGroup(
                GROUP,
                ".",
                List.of(selectors),
                List.of(Workload.of("a.yaml", "a: 1".getBytes(StandardCharsets.UTF_8))))));
  }

  static DestinationSelector selector(String source, Map<String, String> labels) {
    return new DestinationSelector(labels, source);
  }

  static DestinationSelector workflow(Map<String, String> labels) {
    return selector(DestinationSelector.RESOURCE_WORKFLOW, labels);
  }

  static Set<String> targetsOf(Schedule schedule) {
    Set<String> names = new HashSet<>();
    schedule.targets().forEach(t -> names.add(t.destination()));
    return names;
  }

  // Kratix's matching table (kratix.md §3.1), one test per row.

  @Test
  void unlabelledDestinationMatchesEmptySelector() {
    assertThat(Scheduler.matches(destination("d", Map.of()), Map.of())).isTrue();
  }

  @Test
  void destinationWithTheLabelMatches() {
    assertThat(Scheduler.matches(destination("d", Map.of("env", "dev")), Map.of("env", "dev")))
        .isTrue();
  }

  @Test
  void extraDestinationLabelsStillMatch() {
    assertThat(
            Scheduler.matches(
                destination("d", Map.of("env", "dev", "zone", "eu")), Map.of("env", "dev")))
        .isTrue();
  }

  @Test
  void selectorLabelMissingOnDestinationDoesNotMatch() {
    assertThat(
            Scheduler.matches(
                destination("d", Map.of("env", "dev")), Map.of("env", "dev", "zone", "eu")))
        .isFalse();
  }

  @Test
  void unlabelledDestinationDoesNotMatchASelector() {
    assertThat(Scheduler.matches(destination("d", Map.of()), Map.of("env", "dev"))).isFalse();
  }

  @Test
  void differentLabelValueDoesNotMatch() {
    assertThat(Scheduler.matches(destination("d", Map.of("env", "prod")), Map.of("env", "dev")))
        .isFalse();
  }

  @Test
  void promiseSelectorsWinOverWorkflowSelectors() {
    Map<String, String> merged =
        Scheduler.effectiveSelector(
            List.of(
                selector(DestinationSelector.PROMISE, Map.of("env", "prod")),
                selector(DestinationSelector.RESOURCE_WORKFLOW, Map.of("env", "dev", "a", "1")),
                selector(DestinationSelector.PROMISE_WORKFLOW, Map.of("env", "stage", "b", "2"))));

    assertThat(merged)
        .containsExactlyInAnyOrderEntriesOf(Map.of("env", "prod", "a", "1", "b", "2"));
  }

  @Test
  void promiseWorkflowSelectorsWinOverResourceWorkflowSelectors() {
    Map<String, String> merged =
        Scheduler.effectiveSelector(
            List.of(
                selector(DestinationSelector.PROMISE_WORKFLOW, Map.of("env", "stage")),
                selector(DestinationSelector.RESOURCE_WORKFLOW, Map.of("env", "dev"))));

    assertThat(merged).containsEntry("env", "stage");
  }

  @Test
  void mergedSelectorIsAppliedAsOneAndMatch() {
    Work work =
        resourceWork(
            "ns/postgresql/a",
            workflow(Map.of("zone", "eu")),
            selector(DestinationSelector.PROMISE, Map.of("env", "prod")));
    List<Destination> destinations =
        List.of(
            destination("prod-us", Map.of("env", "prod", "zone", "us")),
            destination("prod-eu", Map.of("env", "prod", "zone", "eu")),
            destination("dev-eu", Map.of("env", "dev", "zone", "eu")));

    Schedule schedule = Scheduler.schedule(work, destinations, Map.of());

    assertThat(targetsOf(schedule)).containsExactly("prod-eu");
  }

  @Test
  void strictDestinationIsSkippedByWorksWithoutSelectors() {
    List<Destination> destinations =
        List.of(
            destination("strict", Map.of("env", "dev"), true),
            destination("open", Map.of("env", "dev")));

    assertThat(Scheduler.candidates(Map.of(), destinations)).containsExactly("open");
  }

  @Test
  void strictDestinationWithoutLabelsTakesWorksWithoutSelectors() {
    assertThat(Scheduler.candidates(Map.of(), List.of(destination("strict", Map.of(), true))))
        .containsExactly("strict");
  }

  @Test
  void strictDestinationTakesWorksWhoseSelectorMatches() {
    assertThat(
            Scheduler.candidates(
                Map.of("env", "dev"), List.of(destination("strict", Map.of("env", "dev"), true))))
        .containsExactly("strict");
  }

  @Test
  void dryRunDestinationsOnlyTakeDryRunWorks() {
    List<Destination> destinations =
        List.of(
            destination("dry", Map.of(Scheduler.DRY_RUN_LABEL, "true")),
            destination("real", Map.of()));

    assertThat(Scheduler.candidates(Map.of(), destinations)).containsExactly("real");
    assertThat(Scheduler.candidates(Map.of(Scheduler.DRY_RUN_LABEL, "true"), destinations))
        .containsExactly("dry");
  }

  @Test
  void resourceWorkGoesToExactlyOneDestinationPerGroup() {
    List<Destination> destinations =
        List.of(destination("a", Map.of()), destination("b", Map.of()), destination("c", Map.of()));

    Schedule schedule = Scheduler.schedule(resourceWork("ns/postgresql/x"), destinations, Map.of());

    assertThat(schedule.targets()).hasSize(1);
    assertThat(schedule.complete()).isTrue();
    assertThat(schedule.targets().get(0).misplaced()).isFalse();
  }

  @Test
  void resourceWorkChoiceIsDeterministic() {
    List<Destination> destinations = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      destinations.add(destination("d" + i, Map.of()));
    }
    Schedule first = Scheduler.schedule(resourceWork("ns/postgresql/x"), destinations, Map.of());
    java.util.Collections.reverse(destinations);
    Schedule again = Scheduler.schedule(resourceWork("ns/postgresql/x"), destinations, Map.of());

    assertThat(again).isEqualTo(first);
  }

  @Test
  void resourceWorksSpreadOverCandidates() {
    List<Destination> destinations =
        List.of(destination("a", Map.of()), destination("b", Map.of()), destination("c", Map.of()));
    Set<String> used = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      used.addAll(
          targetsOf(
              Scheduler.schedule(resourceWork("ns/postgresql/r" + i), destinations, Map.of())));
    }

    assertThat(used).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void placedResourceWorkStaysWhereItIs() {
    List<Destination> destinations =
        List.of(destination("a", Map.of()), destination("b", Map.of()), destination("c", Map.of()));
    for (String placed : List.of("a", "b", "c")) {
      Schedule schedule =
          Scheduler.schedule(
              resourceWork("ns/postgresql/x"), destinations, Map.of(GROUP, Set.of(placed)));

      assertThat(schedule.targets()).containsExactly(new Target(GROUP, placed, false));
    }
  }

  @Test
  void placedResourceWorkIsMarkedMisplacedWhenLabelsNoLongerMatch() {
    List<Destination> destinations =
        List.of(
            destination("old", Map.of("env", "dev")), destination("new", Map.of("env", "prod")));

    Schedule schedule =
        Scheduler.schedule(
            resourceWork("ns/postgresql/x", workflow(Map.of("env", "prod"))),
            destinations,
            Map.of(GROUP, Set.of("old")));

    assertThat(schedule.targets()).containsExactly(new Target(GROUP, "old", true));
  }

  @Test
  void placementOnADeletedDestinationIsRescheduled() {
    Schedule schedule =
        Scheduler.schedule(
            resourceWork("ns/postgresql/x"),
            List.of(destination("b", Map.of())),
            Map.of(GROUP, Set.of("gone")));

    assertThat(schedule.targets()).containsExactly(new Target(GROUP, "b", false));
  }

  @Test
  void promiseWorkGoesToEveryCandidate() {
    List<Destination> destinations =
        List.of(
            destination("a", Map.of("env", "dev")),
            destination("b", Map.of("env", "dev")),
            destination("c", Map.of("env", "prod")));

    Schedule schedule =
        Scheduler.schedule(
            work(
                "postgresql",
                Work.PROMISE,
                "promise-configure",
                selector(DestinationSelector.PROMISE, Map.of("env", "dev"))),
            destinations,
            Map.of());

    assertThat(targetsOf(schedule)).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void staticDependenciesGoToEveryDestinationWithoutStrictLabels() {
    List<Destination> destinations =
        List.of(
            destination("a", Map.of()),
            destination("b", Map.of("env", "dev")),
            destination("strict", Map.of("env", "dev"), true));

    Schedule schedule =
        Scheduler.schedule(
            work("postgresql", Work.STATIC_DEPENDENCY, null), destinations, Map.of());

    assertThat(targetsOf(schedule)).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void promiseWorkKeepsDestinationsThatNoLongerMatchAsMisplaced() {
    List<Destination> destinations =
        List.of(destination("a", Map.of("env", "dev")), destination("b", Map.of("env", "prod")));

    Schedule schedule =
        Scheduler.schedule(
            work(
                "postgresql",
                Work.PROMISE,
                "p",
                selector(DestinationSelector.PROMISE, Map.of("env", "dev"))),
            destinations,
            Map.of(GROUP, Set.of("b")));

    assertThat(schedule.targets())
        .containsExactly(new Target(GROUP, "a", false), new Target(GROUP, "b", true));
  }

  @Test
  void groupWithoutCandidateIsUnscheduledWithTheLabelsNothingMatched() {
    Schedule schedule =
        Scheduler.schedule(
            resourceWork("ns/postgresql/x", workflow(Map.of("env", "prod", "zone", "eu"))),
            List.of(destination("a", Map.of("env", "dev"))),
            Map.of());

    assertThat(schedule.complete()).isFalse();
    assertThat(schedule.targets()).isEmpty();
    assertThat(schedule.unscheduled()).containsExactly(GROUP);
    assertThat(schedule.message())
        .contains("No matching destination found for workloadGroups: [" + GROUP + "]")
        .contains("env=prod,zone=eu");
  }

  @Test
  void pendingGroupIsScheduledOnceAMatchingDestinationExists() {
    Work work = resourceWork("ns/postgresql/x", workflow(Map.of("env", "prod")));
    List<Destination> before = List.of(destination("dev", Map.of("env", "dev")));
    List<Destination> after =
        List.of(
            destination("dev", Map.of("env", "dev")), destination("prod", Map.of("env", "prod")));

    assertThat(Scheduler.schedule(work, before, Map.of()).complete()).isFalse();
    assertThat(Scheduler.schedule(work, after, Map.of()).targets())
        .containsExactly(new Target(GROUP, "prod", false));
  }

  @Test
  void noDestinationsAtAllLeavesEveryGroupUnscheduled() {
    Schedule schedule = Scheduler.schedule(resourceWork("ns/postgresql/x"), List.of(), Map.of());

    assertThat(schedule.unscheduled()).containsExactly(GROUP);
    assertThat(schedule.message()).contains("any destination");
  }

  @Test
  void workWithoutGroupsIsCompleteWithNoTargets() {
    Work empty =
        new Work("ns/postgresql/x", Work.RESOURCE, "postgresql", null, null, "p", 1, List.of());

    Schedule schedule = Scheduler.schedule(empty, List.of(destination("a", Map.of())), Map.of());

    assertThat(schedule.complete()).isTrue();
    assertThat(schedule.targets()).isEmpty();
  }
}
