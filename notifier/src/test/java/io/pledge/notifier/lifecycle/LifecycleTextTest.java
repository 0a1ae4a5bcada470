package io.pledge.notifier.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.status.StatusFold;
import io.pledge.notifier.StatusEvents;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleTextTest {

  private static final String KEY = "default/postgresql/example";
  private final StatusEvents events = new StatusEvents(KEY);

  private static LifecycleEvent event(Lifecycle lifecycle, long generation, List<CloudEvent> seq) {
    return new LifecycleEvent(
        ResourceKey.parse(KEY), generation, lifecycle, StatusFold.foldAll(KEY, seq));
  }

  @Test
  void reconciledNamesTheResourceItsDestinationAndCommit() {
    assertThat(LifecycleText.summary(event(Lifecycle.RECONCILED, 1, events.reconciled(1))))
        .isEqualTo(
            "postgresql default/example is Reconciled (generation 1) — committed "
                + StatusEvents.sha(1).substring(0, 7)
                + " to worker-1");
  }

  @Test
  void failedSaysWhichPipelineFailedAndWhy() {
    assertThat(LifecycleText.summary(event(Lifecycle.FAILED, 1, events.failing(1))))
        .isEqualTo(
            "postgresql default/example is Failing (generation 1): pipeline instance-configure"
                + " failed: exit code 1");
  }

  @Test
  void failedWorksAreNamedWithTheirDestinationAndReason() {
    LifecycleEvent failed =
        event(
            Lifecycle.FAILED,
            1,
            List.of(
                events.accepted(1), events.started(1), events.completed(1), events.workFailed(1)));

    assertThat(LifecycleText.summary(failed))
        .endsWith(
            ": Some works associated with this resource failed: [instance-configure]"
                + " (instance-configure: Destination worker-1: push rejected)");
  }

  @Test
  void requestedNamesTheRequester() {
    assertThat(LifecycleText.summary(event(Lifecycle.REQUESTED, 2, List.of(events.accepted(2)))))
        .isEqualTo("postgresql default/example was requested (generation 2) by alice");
  }

  @Test
  void deletedNamesTheGeneration() {
    assertThat(LifecycleText.summary(event(Lifecycle.DELETED, 3, events.reconciled(3))))
        .isEqualTo("postgresql default/example was deleted (generation 3)");
  }

  @Test
  void groupsInTheSameCommitAreOnePlacement() {
    List<CloudEvent> twice = new java.util.ArrayList<>(events.reconciled(1));
    twice.add(events.committed(1));

    assertThat(LifecycleText.distinctPlacements(StatusFold.foldAll(KEY, twice))).hasSize(1);
  }
}
