package io.pledge.runner.outcome;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.pipeline.ContainerImage;
import io.pledge.contract.work.WorkloadGroup;
import java.util.List;

/** How one pipeline ended, after its retries. */
public sealed interface PipelineOutcome {

  /**
   * Every container exited 0 and the output is valid.
   *
   * @param status what the pipeline wrote to status.yaml, or null
   * @param groups its workload groups (none for delete pipelines)
   * @param notifications what it asked for in notifications.yaml, or null
   * @param containers the image each container ran, or null (Kubernetes Jobs)
   */
  record Succeeded(
      ObjectNode status,
      List<WorkloadGroup> groups,
      ArrayNode notifications,
      List<ContainerImage> containers)
      implements PipelineOutcome {

    /** A pipeline that asked for no notification. */
    public Succeeded(ObjectNode status, List<WorkloadGroup> groups) {
      this(status, groups, null, null);
    }

    public Succeeded(ObjectNode status, List<WorkloadGroup> groups, ArrayNode notifications) {
      this(status, groups, notifications, null);
    }

    public Succeeded withContainers(List<ContainerImage> ran) {
      return new Succeeded(status, groups, notifications, ran);
    }
  }

  /**
   * The pipeline failed.
   *
   * @param container the container that failed, or null when the failure is the pipeline's
   * @param exitCode its exit code, if it exited
   * @param reason why, in words
   * @param stderrTail the last lines of its standard error
   * @param containers the image each container that got one ran, or null
   */
  record Failed(
      String container,
      Integer exitCode,
      String reason,
      String stderrTail,
      List<ContainerImage> containers)
      implements PipelineOutcome {

    public Failed(String container, Integer exitCode, String reason, String stderrTail) {
      this(container, exitCode, reason, stderrTail, null);
    }

    public Failed withContainers(List<ContainerImage> ran) {
      return new Failed(container, exitCode, reason, stderrTail, ran);
    }
  }

  /**
   * The pipeline asked to suspend or to be retried later (workflow-control.yaml).
   *
   * @param control what it asked
   * @param status what it wrote to status.yaml, or null
   */
  record Suspended(WorkflowControl control, ObjectNode status) implements PipelineOutcome {}

  /** The run was stopped (superseded or the service is stopping). */
  record Cancelled() implements PipelineOutcome {}
}
