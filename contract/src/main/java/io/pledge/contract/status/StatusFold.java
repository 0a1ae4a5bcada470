package io.pledge.contract.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.notification.NotificationDelivered;
import io.pledge.contract.pipeline.ContainerImage;
import io.pledge.contract.pipeline.PipelineFailed;
import io.pledge.contract.pipeline.PipelineStarted;
import io.pledge.contract.pipeline.PipelineSucceeded;
import io.pledge.contract.pipeline.WorkflowCompleted;
import io.pledge.contract.pipeline.WorkflowRef;
import io.pledge.contract.request.RequestAccepted;
import io.pledge.contract.request.RequestRejected;
import io.pledge.contract.work.WorkCommitted;
import io.pledge.contract.work.WorkFailed;
import io.pledge.contract.work.WorkRemoved;
import io.pledge.contract.work.WorkScheduled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Folds status events into a {@link ResourceStatus}: a pure function of the previous status and the
 * event, so every consumer that folds the same events gets the same status. Conditions are computed
 * from facts, as Kratix derives them (kratix.md §4.2), and their timestamps move only when a status
 * or reason changes.
 */
public final class StatusFold {

  static final String PENDING = "Pending";
  static final String RESOURCE_REQUESTED = "Resource requested";
  static final String PROMISE_CONFIGURED = "Promise configured";

  private StatusFold() {}

  /**
   * The status after {@code event}. Events of types this fold does not know, and events about an
   * older generation than the status holds, leave it unchanged.
   */
  public static ResourceStatus apply(ResourceStatus current, CloudEvent event) {
    ResourceStatus base = current == null ? ResourceStatus.empty(event.subject()) : current;
    EventType type = event.eventType().orElse(null);
    if (type == null || type.topic() == null) {
      return base;
    }
    ResourceStatus.Builder s = base.toBuilder();
    Instant now = event.time() == null ? Instant.EPOCH : event.time();
    boolean changed =
        switch (type) {
          case REQUEST_ACCEPTED -> accepted(s, data(event, RequestAccepted.class), now);
          case REQUEST_REJECTED -> rejected(s, data(event, RequestRejected.class));
          case PIPELINE_STARTED -> started(s, data(event, PipelineStarted.class), now);
          case PIPELINE_SUCCEEDED -> succeeded(s, data(event, PipelineSucceeded.class), now);
          case PIPELINE_FAILED -> failed(s, data(event, PipelineFailed.class), now);
          case WORKFLOW_COMPLETED -> completed(s, data(event, WorkflowCompleted.class), now);
          case WORK_SCHEDULED -> scheduled(s, data(event, WorkScheduled.class));
          case WORK_COMMITTED -> committed(s, data(event, WorkCommitted.class));
          case WORK_FAILED -> workFailed(s, data(event, WorkFailed.class));
          case WORK_REMOVED -> removed(s, data(event, WorkRemoved.class));
          case NOTIFICATION_DELIVERED -> notified(s, data(event, NotificationDelivered.class));
          default -> false;
        };
    if (!changed) {
      return base;
    }
    derive(s, now);
    s.updated = now;
    return s.build();
  }

  /** Folds {@code events} in order, starting from nothing. */
  public static ResourceStatus foldAll(String key, Iterable<CloudEvent> events) {
    ResourceStatus status = ResourceStatus.empty(key);
    for (CloudEvent event : events) {
      status = apply(status, event);
    }
    return status;
  }

  private static <T> T data(CloudEvent event, Class<T> type) {
    return EventCodec.data(event, type);
  }

  private static boolean accepted(ResourceStatus.Builder s, RequestAccepted a, Instant now) {
    if (a.generation() < s.generation) {
      return false;
    }
    if (a.requester() != null) {
      s.requester = a.requester();
    }
    switch (a.action()) {
      case "delete" -> {
        s.deleting = true;
        s.message = "Deleting";
      }
      case "apply", "reconcile" -> {
        boolean newRun = a.generation() > s.generation || "reconcile".equals(a.action());
        s.generation = a.generation();
        s.specHash = a.specHash();
        s.deleting = false;
        s.deleted = false;
        if (newRun) {
          startRun(s, now);
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /** A new configure run: Kratix resets the message and every phase (kratix.md §2.4 step 4). */
  private static void startRun(ResourceStatus.Builder s, Instant now) {
    s.message = PENDING;
    s.expectedWorks = null;
    s.pipelines.replaceAll(p -> phase(p, PipelinePhase.PENDING, null, now, null));
    setCondition(
        s,
        Condition.CONFIGURE_WORKFLOW_COMPLETED,
        Condition.FALSE,
        "PipelinesInProgress",
        "Pipelines are still in progress",
        now);
  }

  private static boolean rejected(ResourceStatus.Builder s, RequestRejected r) {
    s.lastRejection = r.problem();
    return true;
  }

  private static boolean stale(ResourceStatus.Builder s, WorkflowRef ref) {
    return ref.generation() < s.generation;
  }

  private static boolean started(ResourceStatus.Builder s, PipelineStarted p, Instant now) {
    WorkflowRef ref = p.workflow();
    if (stale(s, ref)) {
      return false;
    }
    s.generation = Math.max(s.generation, ref.generation());
    if (WorkflowRef.CONFIGURE.equals(ref.action())) {
      if (p.index() == 0 && p.attempt() <= 1) {
        startRun(s, now);
      }
      s.message = PENDING;
    }
    putPhase(s, p.pipeline(), PipelinePhase.RUNNING, null, now);
    return true;
  }

  private static boolean succeeded(ResourceStatus.Builder s, PipelineSucceeded p, Instant now) {
    if (stale(s, p.workflow())) {
      return false;
    }
    putPhase(s, p.pipeline(), PipelinePhase.SUCCEEDED, null, now, p.containers());
    if (p.status() != null && p.status().isObject()) {
      mergeStatus(s, (ObjectNode) p.status(), now);
    }
    return true;
  }

  /** Kratix's status merge: top-level keys overwrite, {@code conditions} merge by type. */
  private static void mergeStatus(ResourceStatus.Builder s, ObjectNode incoming, Instant now) {
    Iterator<Map.Entry<String, JsonNode>> it = incoming.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> field = it.next();
      switch (field.getKey()) {
        case "message" -> s.message = field.getValue().asText();
        case "conditions" -> {
          for (JsonNode c : field.getValue()) {
            if (c.hasNonNull("type")) {
              setCondition(
                  s,
                  c.get("type").asText(),
                  c.path("status").asText(Condition.UNKNOWN),
                  c.path("reason").asText(""),
                  c.path("message").asText(""),
                  now);
            }
          }
        }
        default -> {
          if (s.fields == null) {
            s.fields = EventCodec.JSON.createObjectNode();
          }
          s.fields.set(field.getKey(), field.getValue().deepCopy());
        }
      }
    }
  }

  private static boolean failed(ResourceStatus.Builder s, PipelineFailed f, Instant now) {
    WorkflowRef ref = f.workflow();
    if (stale(s, ref)) {
      return false;
    }
    putPhase(s, f.pipeline(), PipelinePhase.FAILED, f.reason(), now, f.containers());
    s.lastFailure =
        new Failure(f.pipeline(), f.container(), f.exitCode(), f.reason(), f.stderrTail(), now);
    if (WorkflowRef.DELETE.equals(ref.action())) {
      setCondition(
          s,
          Condition.DELETE_WORKFLOW_COMPLETED,
          Condition.FALSE,
          "DeleteWorkflowFailed",
          "The Delete Pipeline has failed",
          now);
    } else {
      setCondition(
          s,
          Condition.CONFIGURE_WORKFLOW_COMPLETED,
          Condition.FALSE,
          "ConfigureWorkflowFailed",
          "A Configure Pipeline has failed: " + f.pipeline(),
          now);
    }
    return true;
  }

  private static boolean completed(ResourceStatus.Builder s, WorkflowCompleted c, Instant now) {
    WorkflowRef ref = c.workflow();
    if (stale(s, ref)) {
      return false;
    }
    boolean promise = WorkflowRef.PROMISE.equals(ref.workflowType());
    if (WorkflowRef.DELETE.equals(ref.action())) {
      setCondition(
          s,
          Condition.DELETE_WORKFLOW_COMPLETED,
          Condition.TRUE,
          "PipelinesExecutedSuccessfully",
          "Pipelines completed",
          now);
      return true;
    }
    s.generation = Math.max(s.generation, ref.generation());
    s.observedGeneration = ref.generation();
    s.expectedWorks = c.works() == null ? List.of() : c.works();
    s.lastSuccessfulConfigureWorkflowTime = now;
    if (s.message == null || PENDING.equals(s.message)) {
      s.message = promise ? PROMISE_CONFIGURED : RESOURCE_REQUESTED;
    }
    setCondition(
        s,
        Condition.CONFIGURE_WORKFLOW_COMPLETED,
        Condition.TRUE,
        "PipelinesExecutedSuccessfully",
        "Pipelines completed",
        now);
    if (promise) {
      setCondition(
          s,
          Condition.AVAILABLE,
          Condition.TRUE,
          "PromiseAvailable",
          "Ready to fulfil resource requests",
          now);
    }
    return true;
  }

  private static boolean scheduled(ResourceStatus.Builder s, WorkScheduled w) {
    if (w.generation() < s.generation && s.generation > 0 && !s.deleting) {
      return false;
    }
    WorkState previous = s.works.get(w.pipeline());
    boolean pending = w.unscheduled() != null && !w.unscheduled().isEmpty();
    if (previous != null
        && previous.generation() == w.generation()
        && WorkState.COMMITTED.equals(previous.state())
        && !pending) {
      return false;
    }
    s.works.put(
        w.pipeline(),
        new WorkState(
            w.pipeline(),
            w.generation(),
            pending ? WorkState.PENDING : WorkState.SCHEDULED,
            w.placements() == null ? List.of() : w.placements(),
            w.message()));
    return true;
  }

  private static boolean committed(ResourceStatus.Builder s, WorkCommitted w) {
    if (w.generation() < s.generation && s.generation > 0 && !s.deleting) {
      return false;
    }
    s.works.put(
        w.pipeline(),
        new WorkState(
            w.pipeline(),
            w.generation(),
            WorkState.COMMITTED,
            w.placements() == null ? List.of() : w.placements(),
            null));
    return true;
  }

  private static boolean workFailed(ResourceStatus.Builder s, WorkFailed w) {
    if (w.generation() < s.generation) {
      return false;
    }
    WorkState previous = s.works.get(w.pipeline());
    s.works.put(
        w.pipeline(),
        new WorkState(
            w.pipeline(),
            w.generation(),
            WorkState.FAILED,
            previous == null ? List.of() : previous.placements(),
            // Which Destination, and the store's own words (the writer redacts credentials).
            w.destination() == null
                ? w.reason()
                : "Destination " + w.destination() + ": " + w.reason()));
    return true;
  }

  private static boolean removed(ResourceStatus.Builder s, WorkRemoved r) {
    if (!s.deleting) {
      // Works withdrawn because a pipeline left the Promise: forget them, the resource stays.
      return false;
    }
    s.deleted = true;
    s.works.clear();
    s.message = "Deleted";
    return true;
  }

  private static boolean notified(ResourceStatus.Builder s, NotificationDelivered n) {
    s.notifications.put(n.event() + "/" + n.channel(), n);
    return true;
  }

  /** Kratix's priority chain for WorksSucceeded and Reconciled (kratix.md §4.2). */
  private static void derive(ResourceStatus.Builder s, Instant now) {
    if (s.deleted) {
      setCondition(s, Condition.RECONCILED, Condition.UNKNOWN, "Deleted", "Deleted", now);
      return;
    }
    Condition configure = find(s, Condition.CONFIGURE_WORKFLOW_COMPLETED);
    if (configure == null) {
      setCondition(s, Condition.RECONCILED, Condition.UNKNOWN, "WorkflowPending", PENDING, now);
      return;
    }
    if ("ConfigureWorkflowFailed".equals(configure.reason())) {
      setCondition(
          s, Condition.RECONCILED, Condition.FALSE, "ConfigureWorkflowFailed", "Failing", now);
      return;
    }
    if (!configure.isTrue() || s.expectedWorks == null) {
      setCondition(s, Condition.RECONCILED, Condition.UNKNOWN, "WorkflowPending", PENDING, now);
      return;
    }
    List<String> failing = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    for (String pipeline : s.expectedWorks) {
      WorkState work = s.works.get(pipeline);
      if (work == null || work.generation() < s.observedGeneration) {
        pending.add(pipeline);
      } else if (WorkState.FAILED.equals(work.state())) {
        failing.add(pipeline);
        if (work.message() != null) {
          reasons.add(pipeline + ": " + work.message());
        }
      } else if (!WorkState.COMMITTED.equals(work.state())) {
        pending.add(pipeline);
      }
    }
    if (!failing.isEmpty()) {
      setCondition(
          s,
          Condition.WORKS_SUCCEEDED,
          Condition.FALSE,
          "WorksFailing",
          "Some works associated with this resource failed: "
              + failing
              + (reasons.isEmpty() ? "" : " (" + String.join("; ", reasons) + ")"),
          now);
      setCondition(s, Condition.RECONCILED, Condition.FALSE, "WorksFailing", "Failing", now);
    } else if (!pending.isEmpty()) {
      setCondition(
          s,
          Condition.WORKS_SUCCEEDED,
          Condition.UNKNOWN,
          "WorksPending",
          "Some works associated with this resource are not ready: " + pending,
          now);
      setCondition(s, Condition.RECONCILED, Condition.UNKNOWN, "WorksPending", PENDING, now);
    } else {
      setCondition(
          s,
          Condition.WORKS_SUCCEEDED,
          Condition.TRUE,
          "WorksSucceeded",
          "All works associated with this resource are ready",
          now);
      setCondition(s, Condition.RECONCILED, Condition.TRUE, "Reconciled", "Reconciled", now);
    }
  }

  private static Condition find(ResourceStatus.Builder s, String type) {
    return s.conditions.stream().filter(c -> c.type().equals(type)).findFirst().orElse(null);
  }

  private static void setCondition(
      ResourceStatus.Builder s,
      String type,
      String status,
      String reason,
      String message,
      Instant now) {
    for (int i = 0; i < s.conditions.size(); i++) {
      Condition c = s.conditions.get(i);
      if (c.type().equals(type)) {
        s.conditions.set(i, c.transitionTo(status, reason, message, now));
        return;
      }
    }
    s.conditions.add(new Condition(type, status, reason, message, now));
  }

  private static void putPhase(
      ResourceStatus.Builder s, String pipeline, String phase, String message, Instant now) {
    putPhase(s, pipeline, phase, message, now, null);
  }

  /** {@code containers} null keeps the images the phase already names. */
  private static void putPhase(
      ResourceStatus.Builder s,
      String pipeline,
      String phase,
      String message,
      Instant now,
      List<ContainerImage> containers) {
    for (int i = 0; i < s.pipelines.size(); i++) {
      PipelinePhase p = s.pipelines.get(i);
      if (p.name().equals(pipeline)) {
        s.pipelines.set(i, phase(p, phase, message, now, containers));
        return;
      }
    }
    s.pipelines.add(new PipelinePhase(pipeline, phase, message, now, containers));
  }

  private static PipelinePhase phase(
      PipelinePhase p, String phase, String message, Instant now, List<ContainerImage> containers) {
    Instant time = phase.equals(p.phase()) ? p.lastTransitionTime() : now;
    return new PipelinePhase(
        p.name(), phase, message, time, containers != null ? containers : p.containers());
  }
}
