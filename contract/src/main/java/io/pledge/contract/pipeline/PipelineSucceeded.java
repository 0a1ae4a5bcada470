package io.pledge.contract.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A pipeline finished with every container exiting 0.
 *
 * @param workflow the workflow run
 * @param pipeline the Pipeline's name
 * @param index its position in the workflow
 * @param total how many pipelines the workflow runs
 * @param status the pipeline's {@code /kratix/metadata/status.yaml}, as a JSON object, or null
 * @param workloadGroups how many workload groups its Work carries (0: no Work was produced)
 * @param notifications the pipeline's {@code /kratix/metadata/notifications.yaml} (a list of
 *     notifications it asks for), as JSON, or null
 * @param containers the image each container ran, in order, or null (Kubernetes Jobs)
 */
public record PipelineSucceeded(
    WorkflowRef workflow,
    String pipeline,
    int index,
    int total,
    JsonNode status,
    int workloadGroups,
    JsonNode notifications,
    List<ContainerImage> containers) {

  /** Without container images. */
  public PipelineSucceeded(
      WorkflowRef workflow,
      String pipeline,
      int index,
      int total,
      JsonNode status,
      int workloadGroups,
      JsonNode notifications) {
    this(workflow, pipeline, index, total, status, workloadGroups, notifications, null);
  }

  /** A pipeline that asked for no notification. */
  public PipelineSucceeded(
      WorkflowRef workflow,
      String pipeline,
      int index,
      int total,
      JsonNode status,
      int workloadGroups) {
    this(workflow, pipeline, index, total, status, workloadGroups, null, null);
  }
}
