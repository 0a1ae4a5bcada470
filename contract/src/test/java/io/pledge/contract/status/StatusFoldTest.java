package io.pledge.contract.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.pipeline.PipelineFailed;
import io.pledge.contract.pipeline.PipelineStarted;
import io.pledge.contract.pipeline.PipelineSucceeded;
import io.pledge.contract.pipeline.WorkflowCompleted;
import io.pledge.contract.pipeline.WorkflowRef;
import io.pledge.contract.request.RequestAccepted;
import io.pledge.contract.work.Placement;
import io.pledge.contract.work.WorkCommitted;
import io.pledge.contract.work.WorkFailed;
import io.pledge.contract.work.WorkRemoved;
import io.pledge.contract.work.WorkScheduled;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusFoldTest {

  private static final String KEY = "default/postgresql/example";
  private static final String PIPELINE = "instance-configure";
  private static final String GROUP = "5058f1af8388633f609cadb75a75dc9d";

  private final MutableClock clock = new MutableClock();
  private final EventCodec codec = new EventCodec("/pledge/test", clock);

  @Test
  void happyPathEndsReconciledWithTheCommit() {
    ResourceStatus status = StatusFold.foldAll(KEY, happyPath(1, "sha-1"));

    assertThat(status.isReconciled()).isTrue();
    assertThat(status.message()).isEqualTo("Resource requested");
    assertThat(status.observedGeneration()).isEqualTo(1);
    assertThat(status.condition(Condition.CONFIGURE_WORKFLOW_COMPLETED).orElseThrow().reason())
        .isEqualTo("PipelinesExecutedSuccessfully");
    assertThat(status.condition(Condition.WORKS_SUCCEEDED).orElseThrow().isTrue()).isTrue();
    assertThat(status.placements()).extracting(Placement::version).containsExactly("sha-1");
    assertThat(status.pipelines())
        .extracting(PipelinePhase::phase)
        .containsExactly(PipelinePhase.SUCCEEDED);
  }

  @Test
  void isPendingUntilTheWorkIsCommitted() {
    List<CloudEvent> events = happyPath(1, "sha-1");
    ResourceStatus beforeCommit = StatusFold.foldAll(KEY, events.subList(0, events.size() - 1));

    assertThat(beforeCommit.isReconciled()).isFalse();
    assertThat(beforeCommit.displayStatus()).isEqualTo("Pending");
    assertThat(beforeCommit.condition(Condition.WORKS_SUCCEEDED).orElseThrow().reason())
        .isEqualTo("WorksPending");
  }

  @Test
  void commitBeforeWorkflowCompletedStillReconciles() {
    List<CloudEvent> events = new ArrayList<>(happyPath(1, "sha-1"));
    CloudEvent committed = events.remove(events.size() - 1);
    events.add(events.size() - 1, committed);

    assertThat(StatusFold.foldAll(KEY, events).isReconciled()).isTrue();
  }

  @Test
  void refoldingTheSameEventsGivesTheSameStatus() {
    List<CloudEvent> events = happyPath(1, "sha-1");
    assertThat(StatusFold.foldAll(KEY, events)).isEqualTo(StatusFold.foldAll(KEY, events));
  }

  @Test
  void duplicateEventsDoNotMoveTimestamps() {
    List<CloudEvent> events = new ArrayList<>(happyPath(1, "sha-1"));
    ResourceStatus once = StatusFold.foldAll(KEY, events);
    clock.advance(60);
    events.add(committed(1, "sha-1"));
    ResourceStatus twice = StatusFold.foldAll(KEY, events);

    assertThat(twice.conditions()).isEqualTo(once.conditions());
  }

  @Test
  void newGenerationGoesBackToPendingAndIgnoresOldWorks() {
    List<CloudEvent> events = new ArrayList<>(happyPath(1, "sha-1"));
    events.add(accepted(2));
    events.add(committed(1, "sha-late"));
    ResourceStatus status = StatusFold.foldAll(KEY, events);

    assertThat(status.generation()).isEqualTo(2);
    assertThat(status.isReconciled()).isFalse();
    assertThat(status.message()).isEqualTo("Pending");
    assertThat(status.condition(Condition.CONFIGURE_WORKFLOW_COMPLETED).orElseThrow().reason())
        .isEqualTo("PipelinesInProgress");

    events.addAll(happyPath(2, "sha-2").subList(1, 6));
    ResourceStatus second = StatusFold.foldAll(KEY, events);
    assertThat(second.isReconciled()).isTrue();
    assertThat(second.placements()).extracting(Placement::version).containsExactly("sha-2");
  }

  @Test
  void failedPipelineMakesTheResourceFailing() {
    List<CloudEvent> events = new ArrayList<>(happyPath(1, "sha-1").subList(0, 2));
    events.add(
        event(
            EventType.PIPELINE_FAILED,
            new PipelineFailed(ref(1), PIPELINE, "configure", 3, "exit code 3", "boom")));
    ResourceStatus status = StatusFold.foldAll(KEY, events);

    assertThat(status.displayStatus()).isEqualTo("Failing");
    Condition configure = status.condition(Condition.CONFIGURE_WORKFLOW_COMPLETED).orElseThrow();
    assertThat(configure.reason()).isEqualTo("ConfigureWorkflowFailed");
    assertThat(configure.message()).isEqualTo("A Configure Pipeline has failed: " + PIPELINE);
    assertThat(status.lastFailure().stderrTail()).isEqualTo("boom");
    assertThat(status.lastFailure().exitCode()).isEqualTo(3);
  }

  @Test
  void statusYamlOverwritesTopLevelKeysAndMergesConditionsByType() {
    ObjectNode first = EventCodec.JSON.createObjectNode();
    first.put("message", "first").putObject("connection").put("host", "a");
    first.putArray("conditions").addObject().put("type", "Custom").put("status", "False");
    ObjectNode second = EventCodec.JSON.createObjectNode();
    second.putObject("connection").put("port", 5432);
    second.putArray("conditions").addObject().put("type", "Custom").put("status", "True");

    ResourceStatus status =
        StatusFold.foldAll(
            KEY,
            List.of(
                accepted(1),
                event(
                    EventType.PIPELINE_SUCCEEDED,
                    new PipelineSucceeded(ref(1), "a", 0, 2, first, 0)),
                event(
                    EventType.PIPELINE_SUCCEEDED,
                    new PipelineSucceeded(ref(1), "b", 1, 2, second, 0))));

    assertThat(status.message()).isEqualTo("first");
    assertThat(status.fields().get("connection").has("host")).isFalse();
    assertThat(status.fields().get("connection").get("port").asInt()).isEqualTo(5432);
    assertThat(status.condition("Custom").orElseThrow().status()).isEqualTo("True");
  }

  @Test
  void unscheduledWorkKeepsTheResourcePendingWithTheReason() {
    List<CloudEvent> events = new ArrayList<>(happyPath(1, "sha-1").subList(0, 4));
    events.add(
        event(
            EventType.WORK_SCHEDULED,
            new WorkScheduled(
                KEY, 1, PIPELINE, List.of(), List.of(GROUP), "no Destination has env=prod")));
    ResourceStatus status = StatusFold.foldAll(KEY, events);

    assertThat(status.displayStatus()).isEqualTo("Pending");
    assertThat(status.works().get(PIPELINE).message()).isEqualTo("no Destination has env=prod");
  }

  @Test
  void failedWorkNamesItsDestinationAndTheStoresReasonInWorksSucceeded() {
    List<CloudEvent> events = new ArrayList<>(happyPath(1, "sha-1"));
    events.set(
        events.size() - 1,
        event(
            EventType.WORK_FAILED,
            new WorkFailed(
                KEY,
                1,
                PIPELINE,
                "worker-1",
                "cannot reach /srv/state.git (no repository there)")));
    ResourceStatus status = StatusFold.foldAll(KEY, events);

    assertThat(status.displayStatus()).isEqualTo("Failing");
    assertThat(status.condition(Condition.WORKS_SUCCEEDED).orElseThrow().message())
        .isEqualTo(
            "Some works associated with this resource failed: [instance-configure]"
                + " (instance-configure: Destination worker-1: cannot reach /srv/state.git (no"
                + " repository there))");
    assertThat(status.works().get(PIPELINE).message())
        .isEqualTo("Destination worker-1: cannot reach /srv/state.git (no repository there)");
  }

  @Test
  void deleteEndsWithTheResourceGone() {
    List<CloudEvent> events = new ArrayList<>(happyPath(1, "sha-1"));
    events.add(
        event(
            EventType.REQUEST_ACCEPTED,
            new RequestAccepted(ResourceKey.parse(KEY), 1, "hash", "delete", "admin")));
    ResourceStatus deleting = StatusFold.foldAll(KEY, events);
    events.add(event(EventType.WORK_REMOVED, new WorkRemoved(KEY, 1, List.of(placement("sha-d")))));
    ResourceStatus deleted = StatusFold.foldAll(KEY, events);

    assertThat(deleting.deleting()).isTrue();
    assertThat(deleting.deleted()).isFalse();
    assertThat(deleted.deleted()).isTrue();
    assertThat(deleted.isReconciled()).isFalse();
  }

  private List<CloudEvent> happyPath(long generation, String sha) {
    return List.of(
        accepted(generation),
        event(EventType.PIPELINE_STARTED, new PipelineStarted(ref(generation), PIPELINE, 0, 1, 1)),
        event(
            EventType.PIPELINE_SUCCEEDED,
            new PipelineSucceeded(ref(generation), PIPELINE, 0, 1, null, 1)),
        event(
            EventType.WORK_SCHEDULED,
            new WorkScheduled(
                KEY, generation, PIPELINE, List.of(placement(null)), List.of(), "Scheduled")),
        event(
            EventType.WORKFLOW_COMPLETED,
            new WorkflowCompleted(ref(generation), List.of(PIPELINE))),
        committed(generation, sha));
  }

  private CloudEvent accepted(long generation) {
    return event(
        EventType.REQUEST_ACCEPTED,
        new RequestAccepted(
            ResourceKey.parse(KEY), generation, "hash-" + generation, "apply", "me"));
  }

  private CloudEvent committed(long generation, String sha) {
    return event(
        EventType.WORK_COMMITTED,
        new WorkCommitted(KEY, generation, PIPELINE, List.of(placement(sha))));
  }

  private static Placement placement(String sha) {
    return new Placement(
        "worker-1", GROUP, "GitStateStore/default", sha, sha == null ? null : List.of("p"), false);
  }

  private static WorkflowRef ref(long generation) {
    return new WorkflowRef(KEY, WorkflowRef.RESOURCE, WorkflowRef.CONFIGURE, generation);
  }

  private CloudEvent event(EventType type, Object data) {
    clock.advance(1);
    return codec.event(type, KEY, data);
  }

  /** A clock the test moves, so event times are distinct and predictable. */
  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-11-21T10:00:00Z");

    void advance(long seconds) {
      now = now.plusSeconds(seconds);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
