package io.pledge.contract.pipeline;

import java.util.List;

/**
 * A pipeline failed after its retries; later pipelines of the workflow do not run.
 *
 * @param workflow the workflow run
 * @param pipeline the Pipeline's name
 * @param container the container that failed, if one did
 * @param exitCode its exit code, if it exited
 * @param reason why, in words (timeout, unknown image, escaping output path, ...)
 * @param stderrTail the last lines of the container's standard error
 * @param containers the image each container that got one ran, in order, or null
 */
public record PipelineFailed(
    WorkflowRef workflow,
    String pipeline,
    String container,
    Integer exitCode,
    String reason,
    String stderrTail,
    List<ContainerImage> containers) {

  /** Without container images. */
  public PipelineFailed(
      WorkflowRef workflow,
      String pipeline,
      String container,
      Integer exitCode,
      String reason,
      String stderrTail) {
    this(workflow, pipeline, container, exitCode, reason, stderrTail, null);
  }
}
