package io.pledge.contract.event;

import io.pledge.contract.Topics;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.destination.DestinationDeleted;
import io.pledge.contract.destination.DestinationReadiness;
import io.pledge.contract.dryrun.DryRunCompleted;
import io.pledge.contract.dryrun.DryRunRequested;
import io.pledge.contract.notification.NotificationDelivered;
import io.pledge.contract.notification.NotificationPolicyApplied;
import io.pledge.contract.notification.NotificationPolicyDeleted;
import io.pledge.contract.pipeline.PipelineFailed;
import io.pledge.contract.pipeline.PipelineLog;
import io.pledge.contract.pipeline.PipelineStarted;
import io.pledge.contract.pipeline.PipelineSucceeded;
import io.pledge.contract.pipeline.WorkflowCompleted;
import io.pledge.contract.promise.PromiseApplied;
import io.pledge.contract.promise.PromiseDeleted;
import io.pledge.contract.request.ReconcileRequested;
import io.pledge.contract.request.RequestAccepted;
import io.pledge.contract.request.RequestApplied;
import io.pledge.contract.request.RequestDeleted;
import io.pledge.contract.request.RequestRejected;
import io.pledge.contract.resource.ResourceRecord;
import io.pledge.contract.work.ComponentSet;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.WorkCommitted;
import io.pledge.contract.work.WorkFailed;
import io.pledge.contract.work.WorkRemoved;
import io.pledge.contract.work.WorkScheduled;
import io.pledge.contract.work.WorkWithdrawn;
import java.util.Arrays;
import java.util.Optional;

/**
 * Every event type Pledge publishes: its CloudEvents {@code type}, the record its {@code data} maps
 * to, and the topic it travels on by default. Each has a JSON Schema at {@link #schemaResource()}.
 */
public enum EventType {
  PROMISE_APPLIED("pledge.promise.applied", PromiseApplied.class, Topics.PROMISES),
  PROMISE_DELETED("pledge.promise.deleted", PromiseDeleted.class, Topics.PROMISES),
  DESTINATION_APPLIED("pledge.destination.applied", DestinationApplied.class, Topics.DESTINATIONS),
  DESTINATION_DELETED("pledge.destination.deleted", DestinationDeleted.class, Topics.DESTINATIONS),
  DESTINATION_READINESS(
      "pledge.destination.readiness", DestinationReadiness.class, Topics.DESTINATIONS_STATUS),
  REQUEST_APPLIED("pledge.request.applied", RequestApplied.class, Topics.REQUESTS),
  REQUEST_DELETED("pledge.request.deleted", RequestDeleted.class, Topics.REQUESTS),
  RECONCILE_REQUESTED("pledge.request.reconcile", ReconcileRequested.class, Topics.REQUESTS),
  REQUEST_ACCEPTED("pledge.request.accepted", RequestAccepted.class, Topics.STATUS),
  REQUEST_REJECTED("pledge.request.rejected", RequestRejected.class, Topics.STATUS),
  PIPELINE_STARTED("pledge.pipeline.started", PipelineStarted.class, Topics.STATUS),
  PIPELINE_SUCCEEDED("pledge.pipeline.succeeded", PipelineSucceeded.class, Topics.STATUS),
  PIPELINE_FAILED("pledge.pipeline.failed", PipelineFailed.class, Topics.STATUS),
  WORKFLOW_COMPLETED("pledge.workflow.completed", WorkflowCompleted.class, Topics.STATUS),
  PIPELINE_LOG("pledge.pipeline.log", PipelineLog.class, Topics.LOGS),
  WORK_UPSERTED("pledge.work.upserted", Work.class, Topics.WORKS),
  WORK_WITHDRAWN("pledge.work.withdrawn", WorkWithdrawn.class, Topics.WORKS),
  WORK_SCHEDULED("pledge.work.scheduled", WorkScheduled.class, Topics.STATUS),
  WORK_COMMITTED("pledge.work.committed", WorkCommitted.class, Topics.STATUS),
  WORK_FAILED("pledge.work.failed", WorkFailed.class, Topics.STATUS),
  WORK_REMOVED("pledge.work.removed", WorkRemoved.class, Topics.STATUS),
  COMPONENTS_APPLIED("pledge.components.applied", ComponentSet.class, Topics.COMPONENTS),
  NOTIFICATION_DELIVERED(
      "pledge.notification.delivered", NotificationDelivered.class, Topics.STATUS),
  NOTIFICATION_POLICY_APPLIED(
      "pledge.notificationpolicy.applied", NotificationPolicyApplied.class, Topics.POLICIES),
  NOTIFICATION_POLICY_DELETED(
      "pledge.notificationpolicy.deleted", NotificationPolicyDeleted.class, Topics.POLICIES),
  DRY_RUN_REQUESTED("pledge.dryrun.requested", DryRunRequested.class, Topics.DRY_RUNS),
  DRY_RUN_COMPLETED("pledge.dryrun.completed", DryRunCompleted.class, Topics.DRY_RUN_REPLIES),
  RESOURCE_FOLDED("pledge.resource.folded", ResourceRecord.class, Topics.RESOURCES);

  /** Bumped on a breaking change only; changes within a version are additive. */
  public static final String SCHEMA_VERSION = "v1";

  private final String type;
  private final Class<?> dataClass;
  private final String topic;

  EventType(String type, Class<?> dataClass, String topic) {
    this.type = type;
    this.dataClass = dataClass;
    this.topic = topic;
  }

  /** The CloudEvents {@code type} attribute. */
  public String type() {
    return type;
  }

  /** The record that {@code data} maps to. */
  public Class<?> dataClass() {
    return dataClass;
  }

  /** The default topic for this event. */
  public String topic() {
    return topic;
  }

  /** The class-path location of this type's JSON Schema. */
  public String schemaResource() {
    return "/schemas/" + type + ".json";
  }

  /** The {@code dataschema} URI carried by every event of this type. */
  public String dataschema() {
    return "https://pledge.io/schemas/" + SCHEMA_VERSION + "/" + type + ".json";
  }

  public static Optional<EventType> find(String type) {
    return Arrays.stream(values()).filter(t -> t.type.equals(type)).findFirst();
  }
}
