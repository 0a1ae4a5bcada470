package io.pledge.notifier;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.pledge.contract.request.RequestApplied;
import io.pledge.contract.work.Placement;
import io.pledge.contract.work.WorkCommitted;
import io.pledge.contract.work.WorkFailed;
import io.pledge.contract.work.WorkRemoved;
import io.pledge.contract.work.WorkScheduled;
import java.util.List;

/** Status events of one resource as the other services publish them, in the seed scenario. */
public final class StatusEvents {

  public static final String PIPELINE = "instance-configure";

  private static final EventCodec INTAKE = new EventCodec("/pledge/request-intake");
  private static final EventCodec RUNNER = new EventCodec("/pledge/pipeline-runner");
  private static final EventCodec WRITER = new EventCodec("/pledge/state-writer");

  private final ResourceKey key;

  public StatusEvents(String key) {
    this.key = ResourceKey.parse(key);
  }

  public String key() {
    return key.toString();
  }

  /** A 40-hex-digit commit SHA that names the resource and generation, for assertions. */
  public static String sha(long generation) {
    return String.format("%040x", 0x3c1d2e4fL * 31 + generation);
  }

  public CloudEvent accepted(long generation) {
    return accepted(generation, "apply");
  }

  public CloudEvent accepted(long generation, String action) {
    return INTAKE.event(
        EventType.REQUEST_ACCEPTED,
        key(),
        new RequestAccepted(key, generation, "sha256:spec-" + generation, action, "alice"));
  }

  public CloudEvent started(long generation) {
    return RUNNER.event(
        EventType.PIPELINE_STARTED, key(), new PipelineStarted(ref(generation), PIPELINE, 0, 1, 1));
  }

  public CloudEvent succeeded(long generation) {
    return RUNNER.event(
        EventType.PIPELINE_SUCCEEDED,
        key(),
        new PipelineSucceeded(ref(generation), PIPELINE, 0, 1, null, 1));
  }

  /** A pipeline success that asks for notifications ({@code notifications.yaml} as JSON). */
  public CloudEvent succeeded(long generation, JsonNode notifications) {
    return RUNNER.event(
        EventType.PIPELINE_SUCCEEDED,
        key(),
        new PipelineSucceeded(ref(generation), PIPELINE, 0, 1, null, 1, notifications));
  }

  /** request-intake's REQUEST_APPLIED (on pledge.requests) with {@code spec}. */
  public CloudEvent applied(long generation, JsonNode spec) {
    ObjectNode resource = EventCodec.JSON.createObjectNode();
    resource.put("apiVersion", "workshop.kratix.io/v1").put("kind", key.promise());
    resource
        .putObject("metadata")
        .put("name", key.name())
        .put("namespace", key.namespace())
        .put("generation", generation);
    resource.set("spec", spec);
    return INTAKE.event(
        EventType.REQUEST_APPLIED,
        key(),
        new RequestApplied(key, generation, "sha256:spec-" + generation, resource));
  }

  public CloudEvent pipelineFailed(long generation, String reason) {
    return RUNNER.event(
        EventType.PIPELINE_FAILED,
        key(),
        new PipelineFailed(ref(generation), PIPELINE, "configure", 1, reason, "boom"));
  }

  public CloudEvent completed(long generation) {
    return RUNNER.event(
        EventType.WORKFLOW_COMPLETED,
        key(),
        new WorkflowCompleted(ref(generation), List.of(PIPELINE)));
  }

  public CloudEvent deleteCompleted(long generation) {
    return RUNNER.event(
        EventType.WORKFLOW_COMPLETED,
        key(),
        new WorkflowCompleted(
            new WorkflowRef(key(), WorkflowRef.RESOURCE, WorkflowRef.DELETE, generation),
            List.of()));
  }

  public CloudEvent scheduled(long generation) {
    return WRITER.event(
        EventType.WORK_SCHEDULED,
        key(),
        new WorkScheduled(key(), generation, PIPELINE, List.of(placement(null)), List.of(), null));
  }

  public CloudEvent committed(long generation) {
    return WRITER.event(
        EventType.WORK_COMMITTED,
        key(),
        new WorkCommitted(key(), generation, PIPELINE, List.of(placement(sha(generation)))));
  }

  public CloudEvent workFailed(long generation) {
    return WRITER.event(
        EventType.WORK_FAILED,
        key(),
        new WorkFailed(key(), generation, PIPELINE, "worker-1", "push rejected"));
  }

  public CloudEvent removed(long generation) {
    return WRITER.event(
        EventType.WORK_REMOVED,
        key(),
        new WorkRemoved(key(), generation, List.of(placement("deadbeef" + generation))));
  }

  /** The seed scenario up to Reconciled at {@code generation}. */
  public List<CloudEvent> reconciled(long generation) {
    return List.of(
        accepted(generation),
        started(generation),
        succeeded(generation),
        completed(generation),
        scheduled(generation),
        committed(generation));
  }

  /** A new generation whose pipeline fails. */
  public List<CloudEvent> failing(long generation) {
    return List.of(
        accepted(generation), started(generation), pipelineFailed(generation, "exit code 1"));
  }

  private WorkflowRef ref(long generation) {
    return new WorkflowRef(key(), WorkflowRef.RESOURCE, WorkflowRef.CONFIGURE, generation);
  }

  private Placement placement(String version) {
    return new Placement(
        "worker-1",
        "5f1e2",
        "GitStateStore/default",
        version,
        List.of(
            "worker-1/resources/"
                + key.namespace()
                + "/"
                + key.promise()
                + "/"
                + key.name()
                + "/"
                + PIPELINE
                + "/5f1e2/postgres.yaml"),
        false);
  }
}
