package io.pledge.notifier.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.status.ResourceStatus;
import io.pledge.contract.status.StatusFold;
import io.pledge.notifier.StatusEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LifecycleDetectorTest {

  private final LifecycleDetector detector = new LifecycleDetector();
  private final StatusEvents events = new StatusEvents("default/postgresql/example");

  private ResourceStatus status = null;

  /** Folds {@code sequence} and returns the lifecycle events seen, in order. */
  private List<LifecycleEvent> run(List<CloudEvent> sequence) {
    List<LifecycleEvent> seen = new ArrayList<>();
    for (CloudEvent event : sequence) {
      ResourceStatus next =
          StatusFold.apply(status == null ? ResourceStatus.empty(events.key()) : status, event);
      seen.addAll(detector.detect(status, event, next));
      status = next;
    }
    return seen;
  }

  private static List<String> names(List<LifecycleEvent> found) {
    return found.stream().map(e -> e.lifecycle().id() + "@" + e.generation()).toList();
  }

  @Test
  void seedScenarioIsRequestedThenReconciledOnce() {
    List<LifecycleEvent> found = run(events.reconciled(1));

    assertThat(names(found)).containsExactly("requested@1", "reconciled@1");
    LifecycleEvent reconciled = found.get(1);
    assertThat(reconciled.key().toString()).isEqualTo("default/postgresql/example");
    assertThat(reconciled.status().placements())
        .singleElement()
        .satisfies(p -> assertThat(p.version()).isEqualTo(StatusEvents.sha(1)));
  }

  @Test
  void reconciledOnlyWhenTheLastWorkIsCommitted() {
    List<CloudEvent> all = events.reconciled(1);
    assertThat(names(run(all.subList(0, all.size() - 1)))).containsExactly("requested@1");

    assertThat(names(run(List.of(events.committed(1))))).containsExactly("reconciled@1");
  }

  @Test
  void eachNewGenerationIsReconciledAgain() {
    run(events.reconciled(1));

    assertThat(names(run(events.reconciled(2)))).containsExactly("requested@2", "reconciled@2");
  }

  @Test
  void redeliveredEventsAreDetectedAgainSoTheLedgerMustDeduplicate() {
    run(events.reconciled(1));

    assertThat(names(run(events.reconciled(1)))).containsExactly("requested@1", "reconciled@1");
  }

  @Test
  void failedWhenAPipelineFails() {
    run(events.reconciled(1));

    List<LifecycleEvent> found = run(events.failing(2));

    assertThat(names(found)).containsExactly("requested@2", "failed@2");
    assertThat(found.get(1).status().lastFailure().reason()).isEqualTo("exit code 1");
  }

  @Test
  void failedWhenAWorkFailsAfterTheWorkflowCompleted() {
    List<CloudEvent> sequence =
        Stream.of(
                events.accepted(1),
                events.started(1),
                events.succeeded(1),
                events.completed(1),
                events.workFailed(1))
            .toList();

    assertThat(names(run(sequence))).containsExactly("requested@1", "failed@1");
  }

  @Test
  void aRepeatedFailureOfTheSameGenerationIsNotANewFailure() {
    run(events.failing(1));

    assertThat(run(List.of(events.pipelineFailed(1, "exit code 2")))).isEmpty();
  }

  @Test
  void failingAgainInANewGenerationIsANewFailure() {
    run(events.failing(1));

    assertThat(names(run(events.failing(2)))).containsExactly("requested@2", "failed@2");
  }

  @Test
  void deletedWhenEveryWorkIsRemovedAfterADelete() {
    run(events.reconciled(1));

    List<LifecycleEvent> found =
        run(List.of(events.accepted(1, "delete"), events.deleteCompleted(1), events.removed(1)));

    assertThat(names(found)).containsExactly("deleted@1");
  }

  @Test
  void aDeleteOrAReconcileIsNotARequest() {
    run(events.reconciled(1));

    assertThat(run(List.of(events.accepted(1, "delete")))).isEmpty();
  }

  @Test
  void aStaleRequestIsNotARequest() {
    run(events.reconciled(2));

    assertThat(run(List.of(events.accepted(1)))).isEmpty();
  }

  @Test
  void promiseKeysHaveNoLifecycleEvents() {
    ResourceStatus promise = ResourceStatus.empty("postgresql");
    CloudEvent event = events.accepted(1);

    assertThat(detector.detect(promise, event, StatusFold.apply(promise, event))).isEmpty();
  }
}
