package io.pledge.contract.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pledge.contract.pipeline.ContainerImage;
import java.time.Instant;
import java.util.List;

/**
 * The phase of one pipeline of a resource's workflow, as in Kratix's {@code
 * status.kratix.workflows.pipelines}.
 *
 * @param name the pipeline
 * @param phase {@code Pending}, {@code Running}, {@code Succeeded}, {@code Failed} or {@code
 *     Suspended}
 * @param message a detail, e.g. the failure reason
 * @param lastTransitionTime when the phase last changed
 * @param containers the image (and digest) each container of its last run ran, when known
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PipelinePhase(
    String name,
    String phase,
    String message,
    Instant lastTransitionTime,
    List<ContainerImage> containers) {
  public static final String PENDING = "Pending";
  public static final String RUNNING = "Running";
  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";

  /** A phase without container images. */
  public PipelinePhase(String name, String phase, String message, Instant lastTransitionTime) {
    this(name, phase, message, lastTransitionTime, null);
  }
}
